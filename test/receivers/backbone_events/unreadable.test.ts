// A folder that cannot be listed (chmod 000, as the Jira service account meets it) and then
// can: nothing is invented. The receiver runs in a child process without root's right to read
// everything (CI runs the tests as root), as the scanner's test does.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../helpers/temp-dir.ts';

const CHILD = fileURLToPath(new URL('./watch-child.ts', import.meta.url));

interface Answer { moves: string[]; log: string[] }

class Watcher {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: AsyncIterator<string>;

  constructor(root: string) {
    const config = { root, watch_method: 'poll', poll_interval: '100ms', reconcile_interval: '1h', grace_period: '200ms' };
    const command = [process.execPath, CHILD, JSON.stringify(config)];
    if (process.getuid?.() === 0) command.unshift('setpriv', '--bounding-set=-dac_override,-dac_read_search', '--');
    this.child = spawn(command[0]!, command.slice(1));
    this.answers = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    after(() => { this.child.kill(); });
  }

  async next(command?: 'settle' | 'stop'): Promise<Answer> {
    if (command) this.child.stdin.write(`${command}\n`);
    const line = await this.answers.next();
    assert.ok(!line.done, 'the watcher process ended early');
    return JSON.parse(line.value) as Answer;
  }
}

function project(files: string[]): { root: string; receive: string } {
  const root = path.join(tempDir(), 'backbone-issue-sync');
  const receive = path.join(root, 'INT-1', 'AP-1', 'receive');
  mkdirSync(path.join(receive, 'processed'), { recursive: true });
  for (const name of files) writeFileSync(path.join(receive, name), 'm');
  return { root, receive };
}

test('receive/ unreadable while running (chmod 000), then readable: no move invented, each change said once', async () => {
  const { root, receive } = project(['1.bac', '2.bac']);
  const watcher = new Watcher(root);
  await watcher.next();
  chmodSync(receive, 0o000);
  try {
    await watcher.next('settle');
    await watcher.next('settle');
  } finally {
    chmodSync(receive, 0o755);
  }
  const after = await watcher.next('settle');
  assert.deepEqual(after.moves, [], 'the messages were there all along');
  assert.equal(after.log.filter((l) => l.includes('could not be listed (EACCES)')).length, 1, after.log.join(''));
  assert.equal(after.log.filter((l) => l.includes('folders can be listed again')).length, 1, 'access back: said once');

  renameSync(path.join(receive, '1.bac'), path.join(receive, 'processed', '1.bac'));
  const moved = await watcher.next('settle');
  assert.deepEqual(moved.moves, ['1.bac receive->processed'], 'still followed');
  await watcher.next('stop');
});

test('receive/ unreadable at a fresh start, then readable: its files are the starting point, not appearances', async () => {
  const { root, receive } = project(['1.bac', '2.bac']);
  chmodSync(receive, 0o000);
  let watcher: Watcher;
  try {
    watcher = new Watcher(root);
    await watcher.next();
    await watcher.next('settle');
  } finally {
    chmodSync(receive, 0o755);
  }
  const readable = await watcher.next('settle');
  assert.deepEqual(readable.moves, [], 'nothing "appeared": they were there before the agent could see them');
  assert.equal(readable.log.filter((l) => l.includes('folders can be listed again')).length, 1, readable.log.join(''));

  renameSync(path.join(receive, '2.bac'), path.join(receive, 'processed', '2.bac'));
  writeFileSync(path.join(receive, '3.bac'), 'm');
  const moved = await watcher.next('settle');
  assert.deepEqual(moved.moves.sort(), ['2.bac receive->processed', '3.bac none->receive'], 'followed from then on; a new file is an appearance');
  await watcher.next('stop');
});
