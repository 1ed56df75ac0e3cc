// The synchronous lstat of native mode on a local disk (localWatcherFs) answers as the real
// one does: a file that moved on is gone (ENOENT, or ENOTDIR through a file), and a file that
// is there is described. It tells "gone" without building an exception (one lstat of every
// move is of the place a message left).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isGone, localWatcherFs, realWatcherFs, type WatcherFs } from '../../../src/receivers/backbone_events/watcher-fs.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

async function outcome(fs: WatcherFs, file: string): Promise<string> {
  try {
    return (await fs.lstat(file)).kind;
  } catch (error) {
    return isGone(error) ? 'gone' : `not gone (${(error as NodeJS.ErrnoException).code})`;
  }
}

test('local lstat: a file there, a file gone, a path through a file, a folder: as the real lstat says', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'm1.bac');
  writeFileSync(file, 'm');
  mkdirSync(path.join(dir, 'waiting'));
  const cases = [file, path.join(dir, 'm0.bac'), path.join(file, 'below-a-file'), path.join(dir, 'waiting')];
  const local = await Promise.all(cases.map((c) => outcome(localWatcherFs, c)));
  const real = await Promise.all(cases.map((c) => outcome(realWatcherFs, c)));
  assert.deepEqual(local, ['file', 'gone', 'gone', 'directory']);
  assert.deepEqual(local, real);
});
