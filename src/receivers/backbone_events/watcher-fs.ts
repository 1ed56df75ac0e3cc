// Every file-system call the watcher makes, behind one small interface: the real one below,
// and in tests one that counts calls (to prove `processed` is never listed) or fails on
// purpose (unreadable folders). Under the Backbone root only reads happen here; the writes
// are for the checkpoint in `storage`.
import { constants, type Dir, type FSWatcher, lstatSync, opendirSync, promises as fs, watch, type WatchListener } from 'node:fs';
import { dirname } from 'node:path';
import { fsPath, lossyEntries, mayBeLossy, nameOfBytes } from '../../backbone/file-names.ts';
import { syncFile, syncFolder } from '../../storage/durable-file.ts';

/** The little the watcher needs of an lstat. */
export interface FileInfo {
  kind: 'file' | 'directory' | 'symlink' | 'other';
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
}

export interface DirEntry {
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
}

export interface WatcherFs {
  /** Streams a folder's entries (never a whole folder in memory at once). */
  opendir(path: string): Promise<AsyncIterable<DirEntry>>;
  lstat(path: string): Promise<FileInfo>;
  /** Where listing is synchronous anyway (localWatcherFs): a folder's entries in blocks, without a promise per entry. */
  opendirBlocks?: (path: string) => AsyncIterable<readonly DirEntry[]>;
  /** Where lstat is synchronous anyway (localWatcherFs): the same without a promise; undefined when it fails. */
  lstatNow?: (path: string) => FileInfo | undefined;
  statfs(path: string): Promise<{ type: number }>;
  realpath(path: string): Promise<string>;
  readFile(path: string): Promise<string>;
  /**
   * Writes a file atomically: a temporary file beside it, flushed, then renamed over it. The
   * content may come in parts (a large checkpoint is never one string in memory).
   */
  writeFileAtomic(path: string, content: string | Iterable<string>): Promise<void>;
  mkdir(path: string): Promise<void>;
  /** Watches one folder (not recursively); the listener gets entry names. */
  watch(path: string, listener: WatchListener<string>): FSWatcher;
}

// Large reads make opendir 2-3x faster on big folders than its default of 32 entries.
const DIR_BUFFER = 1024;

function kindOf(entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileInfo['kind'] {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * Names are kept as file-names.ts says: a name that is not valid UTF-8 is passed over in the
 * streamed listing and read once more with Buffer names, after it.
 */
async function* entries(dir: Dir, path: string): AsyncIterable<DirEntry> {
  let lossy = false;
  for await (const entry of dir) {
    if (mayBeLossy(entry.name)) lossy = true;
    else yield { name: entry.name, kind: kindOf(entry) };
  }
  if (lossy) for (const entry of await lossyEntries(path)) yield { name: entry.name, kind: kindOf(entry) };
}

/** Writes the parts in blocks of about 1 MB: few system calls, little memory. */
async function writeParts(handle: fs.FileHandle, parts: Iterable<string>): Promise<void> {
  let block: string[] = [];
  let size = 0;
  for (const part of parts) {
    block.push(part);
    size += part.length;
    if (size >= 1 << 20) {
      await handle.write(block.join(''));
      block = [];
      size = 0;
    }
  }
  if (block.length > 0) await handle.write(block.join(''));
}

export const realWatcherFs: WatcherFs = {
  async opendir(path) {
    return entries(await fs.opendir(fsPath(path), { bufferSize: DIR_BUFFER }), path);
  },
  async lstat(path) {
    const info = await fs.lstat(fsPath(path));
    return { kind: kindOf(info), ino: info.ino, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs };
  },
  async statfs(path) {
    const info = await fs.statfs(path);
    return { type: info.type };
  },
  realpath: (path) => fs.realpath(path),
  readFile: (path) => fs.readFile(path, 'utf8'),
  async writeFileAtomic(path, content) {
    const temporary = `${path}.${process.pid}.tmp`;
    const handle = await fs.open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);
    try {
      if (typeof content === 'string') await handle.writeFile(content, 'utf8');
      else await writeParts(handle, content);
      await syncFile(handle);
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temporary, path);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
    // The rename itself survives a power cut once the folder is flushed (best effort: not
    // every platform can open a folder for that).
    await syncFolder(dirname(path)).catch(() => {});
  },
  async mkdir(path) {
    await fs.mkdir(path, { recursive: true });
  },
  watch(path, listener) {
    return watch(fsPath(path), { persistent: false, encoding: 'buffer' }, (event, name) => listener(event, name === null ? null : nameOfBytes(name)));
  },
};

/**
 * The same, with lstat made synchronously: for native mode on a local file system, where an
 * lstat takes microseconds and libuv's thread-pool round trip per call would be most of the
 * cost (a 10,000-move burst is handled 2-3x faster). Never for network file systems, where a
 * synchronous call could stall the agent for as long as the server does not answer.
 */
export const localWatcherFs: WatcherFs = {
  ...realWatcherFs,
  async *opendirBlocks(path) {
    const dir = opendirSync(fsPath(path), { bufferSize: DIR_BUFFER });
    let lossy = false;
    try {
      let block: DirEntry[] = [];
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        if (mayBeLossy(entry.name)) lossy = true;
        else block.push({ name: entry.name, kind: kindOf(entry) });
        if (block.length === DIR_BUFFER) {
          yield block;
          block = [];
        }
      }
      yield block;
    } finally {
      dir.closeSync();
    }
    if (lossy) yield (await lossyEntries(path)).map((entry) => ({ name: entry.name, kind: kindOf(entry) }));
  },
  lstatNow: (path) => {
    try {
      const info = lstatSync(fsPath(path), { throwIfNoEntry: false });
      return info === undefined ? undefined : { kind: kindOf(info), ino: info.ino, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs };
    } catch {
      return undefined;
    }
  },
  lstat(path) {
    try {
      // A message gone from where it was is the answer for one lstat of every move: told
      // without an exception, whose stack and message cost 6 µs (measured: 8.1 µs a missing
      // path with the throw, 2.3 µs without).
      const info = lstatSync(fsPath(path), { throwIfNoEntry: false });
      if (info === undefined) return Promise.reject(NO_ENTRY);
      return Promise.resolve({ kind: kindOf(info), ino: info.ino, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  },
};

/** What localWatcherFs.lstat answers for a path that does not exist (isGone). */
const NO_ENTRY: Error = Object.assign(new Error('ENOENT: no such file or directory, lstat'), { code: 'ENOENT' });

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The entry does not exist (any more): the path or one of its folders is gone. */
export function isGone(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
