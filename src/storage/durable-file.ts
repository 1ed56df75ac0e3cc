// Writes that must survive kill -9 and a power cut: fsync of a file and of its folder, off the
// event loop (the promise API runs them on libuv's thread pool), so that a slow disk delays
// what waits for durability and nothing else: the watcher goes on finding moves and the health
// check answers while an fsync takes 200 ms.
//
// Test seam: BACKBONE_OTEL_FSYNC_DELAY_MS=<ms> makes every fsync here take that much longer,
// as a slow disk would (test/faults/slow-disk.test.ts). Unset, it costs one comparison.
import { constants, type FileHandle, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const delayMs = Number(process.env.BACKBONE_OTEL_FSYNC_DELAY_MS ?? 0);
const slow = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, delayMs));

/** fsync of an open file. */
export async function syncFile(handle: FileHandle): Promise<void> {
  if (delayMs > 0) await slow();
  await handle.sync();
}

/** fsync of a folder: the renames and deletions in it survive a power cut (best effort where folders cannot be opened). */
export async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, constants.O_RDONLY);
  } catch {
    return;
  }
  try {
    if (delayMs > 0) await slow();
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a folder (EINVAL): their renames are as durable as they get.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

/** Crash points around the rename (storage/crash-point.ts). */
export interface WriteHooks {
  beforeRename?(): void;
  afterRename?(): void;
}

/**
 * Writes `data` to `file` so that a crash leaves the old content or the new, never a mix:
 * a temporary file, fsync, rename, fsync of the folder. Nothing is left behind when it fails.
 */
export async function writeFileDurably(file: string, data: Uint8Array | string, hooks: WriteHooks = {}): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
    await handle.writeFile(data);
    await syncFile(handle);
    await handle.close();
    handle = undefined;
    hooks.beforeRename?.();
    await rename(tmp, file);
    hooks.afterRename?.();
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    throw error;
  }
  await syncFolder(path.dirname(file));
}

/** Appends `text` to `file` (created if need be) and fsyncs it. */
export async function appendDurably(file: string, text: string): Promise<void> {
  const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600);
  try {
    await handle.writeFile(text);
    await syncFile(handle);
  } finally {
    await handle.close();
  }
}
