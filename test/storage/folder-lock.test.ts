// A storage folder's lock: one agent at a time, also when the agents are each PID 1 of their
// own container (PID namespace), where a lock that rests on the process id alone lets both in.
// Real folders and real processes: a second agent in a child process, a holder killed or
// stopped (its heartbeat stops), and two children started by unshare in new PID namespaces.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { acquireFolderLock, FolderLockHeldError } from '../../src/storage/folder-lock.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CHILD = fileURLToPath(new URL('../helpers/folder-lock-child.ts', import.meta.url));

interface LockEvent { event: 'held' | 'refused' | 'lost' | 'waiting'; pid: number; message?: string; reason?: string; owner?: string }

/** A process that takes the lock; its events as it prints them. */
class LockChild {
  readonly process: ChildProcess;
  readonly events: LockEvent[] = [];
  exitCode: number | null | undefined;
  stderr = '';

  constructor(command: string, args: string[]) {
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let buffer = '';
    this.process.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        this.events.push(JSON.parse(buffer.slice(0, newline)) as LockEvent);
        buffer = buffer.slice(newline + 1);
      }
    });
    this.process.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString('utf8'); });
    this.process.on('exit', (code) => { this.exitCode = code; });
  }

  static node(dir: string, heartbeatMs: number, staleAfterMs: number): LockChild {
    return new LockChild(process.execPath, [CHILD, dir, String(heartbeatMs), String(staleAfterMs)]);
  }

  /** The first held or refused event. */
  outcome(): Promise<LockEvent> {
    return waitFor(() => this.events.find((e) => e.event === 'held' || e.event === 'refused') ?? (this.exitCode != null && this.exitCode !== 3 ? assert.fail(`child exited ${this.exitCode}: ${this.stderr}`) : undefined), 'the child to hold or be refused the lock');
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.stdin!.end();
    await exited;
  }
}

test('a second holder in the same process is refused with the folder and the owner; after release it takes the lock', async () => {
  const dir = tempDir();
  const first = await acquireFolderLock(dir, { purpose: 'disk queue of otlphttp in logs' });
  await assert.rejects(acquireFolderLock(dir), (error: unknown) => {
    assert.ok(error instanceof FolderLockHeldError);
    assert.equal(error.message.split('\n').length, 1);
    assert.match(error.message, new RegExp(`^the folder ${dir} is in use by another agent \\(process ${process.pid} on host ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT[^)]+\\) for its disk queue of otlphttp in logs: its lock file lock was refreshed \\d+\\.\\d s ago; give each agent its own storage folder$`));
    return true;
  });
  await first.release();
  const second = await acquireFolderLock(dir);
  assert.equal(JSON.parse(readFileSync(path.join(dir, 'lock'), 'utf8')).instance, second.owner.instance);
  await second.release();
});

test('an agent in another process is refused while the lock is held', async () => {
  const dir = tempDir();
  const lock = await acquireFolderLock(dir, { purpose: 'checkpoint of backbone_events' });
  // Older than the child's own stale period (300 ms), younger than the holder's (15 s): the child goes by the holder's.
  await waitFor(() => Date.now() - statSync(lock.file).mtimeMs > 400, 'the lock to be older than 400 ms');
  const child = LockChild.node(dir, 100, 300);
  try {
    const outcome = await child.outcome();
    assert.equal(outcome.event, 'refused');
    assert.match(outcome.message!, new RegExp(`^the folder ${dir} is in use by another agent \\(process ${process.pid} on host ${hostname()}, since .+\\) for its checkpoint of backbone_events`));
    assert.equal(await waitFor(() => child.exitCode ?? undefined, 'the child to exit'), 3);
  } finally {
    await child.stop();
    await lock.release();
  }
});

test('the lock of an agent that was killed (kill -9) is taken at once, without waiting for it to go stale', async () => {
  const dir = tempDir();
  const holder = LockChild.node(dir, 1_000, 60_000);
  assert.equal((await holder.outcome()).event, 'held');
  const exited = new Promise((resolve) => holder.process.once('exit', resolve));
  holder.process.kill('SIGKILL');
  await exited;
  const started = performance.now();
  const lock = await acquireFolderLock(dir, { heartbeatMs: 1_000, staleAfterMs: 60_000 });
  assert.ok(performance.now() - started < 5_000, 'waited for the lock to go stale');
  await lock.release();
});

test('a lock whose holder stopped refreshing it is taken over after staleAfterMs; the old holder learns it lost it', async () => {
  const dir = tempDir();
  const holder = LockChild.node(dir, 100, 400);
  assert.equal((await holder.outcome()).event, 'held');
  // Alive but hung (SIGSTOP): its PID is alive, its heartbeat stops.
  holder.process.kill('SIGSTOP');
  try {
    await assert.rejects(acquireFolderLock(dir, { heartbeatMs: 100, staleAfterMs: 400 }), FolderLockHeldError);
    const lost: string[] = [];
    const lock = await waitFor(async () => {
      try {
        return await acquireFolderLock(dir, { heartbeatMs: 100, staleAfterMs: 400, onLost: (reason) => lost.push(reason) });
      } catch (error) {
        if (error instanceof FolderLockHeldError) return undefined;
        throw error;
      }
    }, 'the stale lock to be taken over', 5_000);
    holder.process.kill('SIGCONT');
    const event = await waitFor(() => holder.events.find((e) => e.event === 'lost'), 'the old holder to say it lost the lock');
    assert.match(event.reason!, new RegExp(`^the lock ${dir}/lock was taken over by process ${process.pid} on host ${hostname()}, since `));
    assert.ok(lock.held);
    assert.deepEqual(lost, []);
    await lock.release();
  } finally {
    holder.process.kill('SIGCONT');
    await holder.stop();
  }
});

test('of several agents taking over one stale lock at once, exactly one gets it', async () => {
  const dir = tempDir();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const record = JSON.parse(await readLockRecordOf(dir));
  writeFileSync(path.join(dir, 'lock'), JSON.stringify({ ...record, instance: 'left-behind', pid: Number(dead.stdout) }));
  const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => acquireFolderLock(dir, { heartbeatMs: 200, staleAfterMs: 1_000 })));
  const won = attempts.filter((a) => a.status === 'fulfilled');
  assert.equal(won.length, 1, attempts.map((a) => (a.status === 'rejected' ? String(a.reason) : 'held')).join('\n'));
  for (const a of attempts) if (a.status === 'rejected') assert.ok(a.reason instanceof FolderLockHeldError, String(a.reason));
  await won[0]!.value.release();
});

test('a lock left by an earlier process that had this PID (PID 1 of a restarted container) is taken at once', async () => {
  const dir = tempDir();
  const record = JSON.parse(await readLockRecordOf(dir));
  writeFileSync(path.join(dir, 'lock'), JSON.stringify({ ...record, instance: 'earlier-life', since: new Date().toISOString() }));
  const lock = await acquireFolderLock(dir, { heartbeatMs: 1_000, staleAfterMs: 60_000 });
  assert.equal(JSON.parse(readFileSync(lock.file, 'utf8')).instance, lock.owner.instance);
  await lock.release();
});

/** An owner record of this process, as a holder would write it (taken and released in dir). */
async function readLockRecordOf(dir: string): Promise<string> {
  const lock = await acquireFolderLock(dir);
  const text = readFileSync(lock.file, 'utf8');
  await lock.release();
  return text;
}

const unshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { encoding: 'utf8' });
const unshareSkip = unshare.error !== undefined || unshare.status !== 0
  ? `unshare --pid --fork --mount-proc is not permitted here (${unshare.error?.message ?? unshare.stderr.trim()}); CI runs it as root`
  : false;

test('two agents that are each PID 1 of their own PID namespace: exactly one holds the folder', { skip: unshareSkip }, async () => {
  const dir = tempDir();
  const children = [0, 1].map(() => new LockChild('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, CHILD, dir, '200', '2000']));
  try {
    const outcomes = await Promise.all(children.map((child) => child.outcome()));
    assert.deepEqual(outcomes.map((o) => o.pid), [1, 1], 'both are PID 1');
    assert.deepEqual(outcomes.map((o) => o.event).sort(), ['held', 'refused']);
    const refused = outcomes.find((o) => o.event === 'refused')!;
    assert.match(refused.message!, new RegExp(`in use by another agent \\(process 1 on host ${hostname()} \\(another PID namespace\\), since `));
    // The one that holds keeps it: no takeover once its lock is older than the stale period.
    const holder = children[outcomes.findIndex((o) => o.event === 'held')]!;
    const third = new LockChild('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, CHILD, dir, '200', '2000']);
    children.push(third);
    assert.equal((await third.outcome()).event, 'refused');
    assert.equal(holder.events.some((e) => e.event === 'lost'), false);
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
});

test('a container restarted in a new PID namespace takes the lock its killed predecessor left, once that stopped being refreshed', { skip: unshareSkip }, async () => {
  const dir = tempDir();
  const predecessor = new LockChild('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, CHILD, dir, '100', '800']);
  assert.equal((await predecessor.outcome()).event, 'held');
  const exited = new Promise((resolve) => predecessor.process.once('exit', resolve));
  predecessor.process.kill('SIGKILL'); // unshare --kill-child takes its PID 1 with it
  await exited;
  const successor = new LockChild('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, CHILD, dir, '100', '800']);
  try {
    const outcome = await successor.outcome();
    assert.equal(outcome.event, 'held', outcome.message);
    assert.equal(outcome.pid, 1);
  } finally {
    await successor.stop();
  }
});
