// What the watcher has reported, kept in `storage` so that a restarted agent reports the moves
// made while it was stopped, and none it had already reported. Written atomically (temporary
// file, fsync, rename); a missing, unreadable or corrupt checkpoint means a fresh start.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import type { StoredMove } from './reported-store.ts';
import { legacyStorageName, storageEntry, storageName } from '../../storage/storage-name.ts';
import { describe, errorCode, type WatcherFs } from './watcher-fs.ts';

// Version 2 keeps the messages per folder (the folder's path once, then its names, since and
// inodes as three arrays): 200,000 messages take about 9 MB on disk instead of 16, and are read
// without a validation library walking every entry. Version 1 (one [path, since, inode] per
// message) is still read, and rewritten as version 2 at the next checkpoint.
//
// Version 3 adds what makes it the start of the journal (reported-store.ts): the moves reported
// and not yet accepted downstream, the journal generation that continues it, and the time of a
// clean stop. Version 2 is still read (no moves, no journal; taken as a clean stop).
export const CHECKPOINT_VERSION = 3;

/** The messages of one folder where the watcher last saw them: names, since (ms) and inodes, index by index. */
export interface CheckpointFolder {
  /** The folder, relative to the root. */
  rel: string;
  names: string[];
  since: number[];
  ino: number[];
}

export interface Checkpoint {
  version: typeof CHECKPOINT_VERSION;
  /** What the entries' states depend on: root and layout settings. Another value means a fresh start. */
  layout: string;
  savedAtMs: number;
  entries: CheckpointFolder[];
  /** Moves reported and not yet accepted downstream: handed on again at the next start. */
  moves?: StoredMove[];
  /** The journal generation that continues this checkpoint. */
  journal?: number;
  /** Set when written by a clean stop. */
  stoppedAtMs?: number;
}

const headerSchema = z.object({
  version: z.number(),
  layout: z.string(),
  savedAtMs: z.number(),
  entries: z.array(z.unknown()),
  moves: z.array(z.object({ u: z.string(), n: z.string(), f: z.string(), t: z.string(), w: z.number() }).loose()).optional(),
  journal: z.int().min(0).optional(),
  stoppedAtMs: z.number().optional(),
});

const version1Schema = z.strictObject({
  version: z.literal(1),
  layout: z.string(),
  savedAtMs: z.number(),
  entries: z.array(z.tuple([z.string().min(1), z.number(), z.number()])),
});

/** On disk, version 2: [folder, names, since, inodes]. */
type StoredFolder = [rel: string, names: string[], since: number[], ino: number[]];

export type LoadResult =
  | { kind: 'loaded'; checkpoint: Checkpoint }
  | { kind: 'fresh'; reason: string };

/** The checkpoint of one receiver in `storage`, named one-to-one from its id (storage-name.ts). */
export function checkpointPath(storage: string, componentId: string, onRenamed?: (from: string, to: string) => void): string {
  return storageEntry(storage, componentId, { suffix: '.checkpoint.json', ...(onRenamed ? { onRenamed } : {}) });
}

export async function loadCheckpoint(fs: WatcherFs, file: string, layout: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await fs.readFile(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'fresh', reason: `no checkpoint at ${file} yet` };
    return { kind: 'fresh', reason: `the checkpoint ${file} cannot be read (${describe(error)})` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { kind: 'fresh', reason: `the checkpoint ${file} is corrupt (${describe(error)})` };
  }
  const corrupt = (issue: z.core.$ZodIssue | undefined): LoadResult => {
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { kind: 'fresh', reason: `the checkpoint ${file} is corrupt (${issue?.message ?? 'unexpected content'}${where})` };
  };
  const header = headerSchema.safeParse(parsed);
  if (!header.success) return corrupt(header.error.issues[0]);
  let checkpoint: Checkpoint;
  if (header.data.version === 1) {
    const old = version1Schema.safeParse(parsed);
    if (!old.success) return corrupt(old.error.issues[0]);
    checkpoint = { ...old.data, version: CHECKPOINT_VERSION, entries: fromVersion1(old.data.entries), stoppedAtMs: old.data.savedAtMs };
  } else if (header.data.version === 2 || header.data.version === CHECKPOINT_VERSION) {
    const entries: CheckpointFolder[] = [];
    for (const [index, stored] of header.data.entries.entries()) {
      if (!isStoredFolder(stored)) return corrupt({ code: 'custom', message: 'expected [folder, names, since, inodes] of equal lengths', path: ['entries', index], input: undefined });
      entries.push({ rel: stored[0], names: stored[1], since: stored[2], ino: stored[3] });
    }
    const { layout, savedAtMs, moves, journal, stoppedAtMs } = header.data;
    checkpoint = {
      version: CHECKPOINT_VERSION, layout, savedAtMs, entries, moves: (moves ?? []) as unknown as StoredMove[],
      // Version 2 was written at each second and at shutdown, with no journal: taken as a clean stop.
      ...(journal === undefined ? {} : { journal }),
      ...(header.data.version === 2 ? { stoppedAtMs: savedAtMs } : stoppedAtMs === undefined ? {} : { stoppedAtMs }),
    };
  } else {
    return { kind: 'fresh', reason: `the checkpoint ${file} has version ${header.data.version}, which this agent does not read` };
  }
  if (checkpoint.layout !== layout) {
    return { kind: 'fresh', reason: `the checkpoint ${file} was written for another root or folder layout` };
  }
  return { kind: 'loaded', checkpoint };
}

/** Writes the checkpoint; its size in characters. */
export async function saveCheckpoint(fs: WatcherFs, file: string, checkpoint: Checkpoint): Promise<number> {
  await fs.mkdir(path.dirname(file));
  await removeStaleTemporaries(file);
  try {
    // Temporary file, fsync, rename, fsync of the folder (watcher-fs.ts): a kill -9 or a power
    // cut leaves the old checkpoint or the new one, never a mix.
    let length = 0;
    const counted = function* (): Iterable<string> {
      for (const piece of serialise(checkpoint)) {
        length += piece.length;
        yield piece;
      }
    };
    await fs.writeFileAtomic(file, counted());
    return length;
  } catch (error) {
    // A write cut short (a full disk, say) leaves no temporary file behind.
    await rm(`${file}.${process.pid}.tmp`, { force: true }).catch(() => {});
    throw error;
  }
}

const cleaned = new Set<string>();

/** Temporary files of earlier processes killed while writing this checkpoint: removed once per process. */
async function removeStaleTemporaries(file: string): Promise<void> {
  if (cleaned.has(file)) return;
  cleaned.add(file);
  const prefix = `${path.basename(file)}.`;
  try {
    for (const name of await readdir(path.dirname(file))) {
      if (name.startsWith(prefix) && name.endsWith('.tmp')) await rm(path.join(path.dirname(file), name), { force: true });
    }
  } catch {
    // nothing to clean
  }
}

/** The checkpoint as text, in parts: one JSON document, one line per folder (never one string of 200,000 messages). */
function* serialise(checkpoint: Checkpoint): Iterable<string> {
  const head = JSON.stringify({
    version: checkpoint.version, layout: checkpoint.layout, savedAtMs: checkpoint.savedAtMs, moves: checkpoint.moves ?? [],
    ...(checkpoint.journal === undefined ? {} : { journal: checkpoint.journal }),
    ...(checkpoint.stoppedAtMs === undefined ? {} : { stoppedAtMs: checkpoint.stoppedAtMs }),
  });
  yield `${head.slice(0, -1)},"entries":[`;
  let first = true;
  for (const folder of checkpoint.entries) {
    if (folder.names.length === 0) continue;
    const stored: StoredFolder = [folder.rel, folder.names, folder.since, folder.ino];
    yield `${first ? '' : ','}\n${JSON.stringify(stored)}`;
    first = false;
  }
  yield '\n]}\n';
}

function isStoredFolder(value: unknown): value is StoredFolder {
  if (!Array.isArray(value) || value.length !== 4) return false;
  const [rel, names, since, ino] = value as unknown[];
  if (typeof rel !== 'string' || !Array.isArray(names) || !Array.isArray(since) || !Array.isArray(ino)) return false;
  if (since.length !== names.length || ino.length !== names.length) return false;
  for (let i = 0; i < names.length; i++) {
    if (typeof names[i] !== 'string' || names[i] === '' || typeof since[i] !== 'number' || typeof ino[i] !== 'number') return false;
  }
  return true;
}

/** Version 1's [path, since, inode] per message, grouped by folder. */
function fromVersion1(entries: readonly [string, number, number][]): CheckpointFolder[] {
  const folders = new Map<string, CheckpointFolder>();
  for (const [rel, since, ino] of entries) {
    const slash = rel.lastIndexOf('/');
    if (slash < 0) continue;
    const folderRel = rel.slice(0, slash);
    let folder = folders.get(folderRel);
    if (!folder) folders.set(folderRel, (folder = { rel: folderRel, names: [], since: [], ino: [] }));
    folder.names.push(rel.slice(slash + 1));
    folder.since.push(since);
    folder.ino.push(ino);
  }
  return [...folders.values()];
}

// With leader election (ReceiverLeadership), the checkpoint lives in the lease folder on the
// shared file system, one file per term named by its epoch (the fencing token): the next
// leader continues from the last one, and a former leader that wakes up after a pause can only
// ever write its own, older file, never over the current leader's.

export function termCheckpointPath(dir: string, componentId: string, epoch: number): string {
  return path.join(dir, `${storageName(componentId)}.epoch-${String(epoch).padStart(12, '0')}.checkpoint.json`);
}

/**
 * The term checkpoints of one receiver in `dir`, newest first: named by storage-name.ts, or by
 * the rule of earlier versions (a rolling upgrade of a Data Center cluster still finds those).
 */
async function termFiles(fs: WatcherFs, dir: string, componentId: string): Promise<{ epoch: number; file: string }[]> {
  const prefixes = [...new Set([storageName(componentId), legacyStorageName(componentId)])].map((name) => `${name}.epoch-`);
  const found: { epoch: number; file: string }[] = [];
  try {
    for await (const entry of await fs.opendir(dir)) {
      if (entry.kind !== 'file' || !entry.name.endsWith('.checkpoint.json')) continue;
      const prefix = prefixes.find((p) => entry.name.startsWith(p));
      if (prefix === undefined) continue;
      const epoch = Number(entry.name.slice(prefix.length, -'.checkpoint.json'.length));
      if (Number.isSafeInteger(epoch)) found.push({ epoch, file: path.join(dir, entry.name) });
    }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  return found.sort((a, b) => b.epoch - a.epoch);
}

/**
 * The checkpoints an earlier term may have left, in the order to try them: that of the term
 * this one took over from, opened by name (on NFS, opening a file sees its latest version,
 * where a folder listing may be cached for a while); then the others, newest first.
 */
export async function termCheckpointCandidates(
  fs: WatcherFs, dir: string, componentId: string, epoch: number, previousEpoch: number | undefined,
): Promise<string[]> {
  const candidates: string[] = [];
  if (previousEpoch !== undefined) candidates.push(termCheckpointPath(dir, componentId, previousEpoch));
  let files: { epoch: number; file: string }[] = [];
  try {
    files = await termFiles(fs, dir, componentId);
  } catch {
    // The lease folder cannot be listed: only the one opened by name.
  }
  for (const { epoch: older, file } of files) {
    // On a new lease (the lease folder was emptied) the epochs began again: any earlier file counts.
    if (older === epoch || (previousEpoch !== undefined && older > epoch) || candidates.includes(file)) continue;
    candidates.push(file);
  }
  return candidates;
}

/** Removes the checkpoints of terms before `epoch`, and their journals (once this term has written its own). */
export async function removeOlderTermCheckpoints(fs: WatcherFs, dir: string, componentId: string, epoch: number): Promise<void> {
  for (const { epoch: older, file } of await termFiles(fs, dir, componentId)) {
    if (older >= epoch) continue;
    await rm(file, { force: true });
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (name.startsWith(`${path.basename(file)}.`) && name.endsWith('.journal')) await rm(path.join(dir, name), { force: true });
    }
  }
}
