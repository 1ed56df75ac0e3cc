// What the watcher has reported, kept in `storage` so that a restarted agent reports the moves
// made while it was stopped, and none it had already reported. Written atomically (temporary
// file, fsync, rename); a missing, unreadable or corrupt checkpoint means a fresh start.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { describe, errorCode, type WatcherFs } from './watcher-fs.ts';

export const CHECKPOINT_VERSION = 1;

/** One message where the watcher last saw it: [path relative to the root, since (ms), inode]. */
export type CheckpointEntry = [rel: string, sinceMs: number, ino: number];

export interface Checkpoint {
  version: typeof CHECKPOINT_VERSION;
  /** What the entries' states depend on: root and layout settings. Another value means a fresh start. */
  layout: string;
  savedAtMs: number;
  entries: CheckpointEntry[];
}

const checkpointSchema = z.strictObject({
  version: z.literal(CHECKPOINT_VERSION),
  layout: z.string(),
  savedAtMs: z.number(),
  entries: z.array(z.tuple([z.string().min(1), z.number(), z.number()])),
});

export type LoadResult =
  | { kind: 'loaded'; checkpoint: Checkpoint }
  | { kind: 'fresh'; reason: string };

export function checkpointPath(storage: string, componentId: string): string {
  return path.join(storage, `${componentId.replace(/[^A-Za-z0-9._-]/g, '_')}.checkpoint.json`);
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
  const checked = checkpointSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return { kind: 'fresh', reason: `the checkpoint ${file} is corrupt (${issue?.message ?? 'unexpected content'}${where})` };
  }
  if (checked.data.layout !== layout) {
    return { kind: 'fresh', reason: `the checkpoint ${file} was written for another root or folder layout` };
  }
  return { kind: 'loaded', checkpoint: checked.data as Checkpoint };
}

export async function saveCheckpoint(fs: WatcherFs, file: string, checkpoint: Checkpoint): Promise<void> {
  await fs.mkdir(path.dirname(file));
  await fs.writeFileAtomic(file, JSON.stringify(checkpoint));
}

// With leader election (ReceiverLeadership), the checkpoint lives in the lease folder on the
// shared file system, one file per term named by its epoch (the fencing token): the next
// leader continues from the last one, and a former leader that wakes up after a pause can only
// ever write its own, older file, never over the current leader's.

const safeId = (componentId: string) => componentId.replace(/[^A-Za-z0-9._-]/g, '_');

export function termCheckpointPath(dir: string, componentId: string, epoch: number): string {
  return path.join(dir, `${safeId(componentId)}.epoch-${String(epoch).padStart(12, '0')}.checkpoint.json`);
}

/** Epochs of the term checkpoints of one receiver in `dir`, newest first. */
async function termEpochs(fs: WatcherFs, dir: string, componentId: string): Promise<number[]> {
  const prefix = `${safeId(componentId)}.epoch-`;
  const epochs: number[] = [];
  try {
    for await (const entry of await fs.opendir(dir)) {
      if (entry.kind !== 'file' || !entry.name.startsWith(prefix) || !entry.name.endsWith('.checkpoint.json')) continue;
      const epoch = Number(entry.name.slice(prefix.length, -'.checkpoint.json'.length));
      if (Number.isSafeInteger(epoch)) epochs.push(epoch);
    }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  return epochs.sort((a, b) => b - a);
}

/**
 * The checkpoint an earlier term left: that of the term this one took over from, opened by
 * name (on NFS, opening a file sees its latest version, where a folder listing may be cached
 * for a while); failing that (that leader never wrote one), the newest one listed.
 */
export async function loadTermCheckpoint(
  fs: WatcherFs, dir: string, componentId: string, epoch: number, previousEpoch: number | undefined, layout: string,
): Promise<LoadResult & { epoch?: number }> {
  const reasons: string[] = [];
  if (previousEpoch !== undefined) {
    const result = await loadCheckpoint(fs, termCheckpointPath(dir, componentId, previousEpoch), layout);
    if (result.kind === 'loaded') return { ...result, epoch: previousEpoch };
    reasons.push(result.reason);
  }
  let epochs: number[];
  try {
    epochs = await termEpochs(fs, dir, componentId);
  } catch (error) {
    return { kind: 'fresh', reason: `the lease folder ${dir} cannot be listed (${describe(error)})` };
  }
  for (const older of epochs) {
    // On a new lease (the lease folder was emptied) the epochs began again: any earlier file counts.
    if (older === epoch || older === previousEpoch || (previousEpoch !== undefined && older > epoch)) continue;
    const result = await loadCheckpoint(fs, termCheckpointPath(dir, componentId, older), layout);
    if (result.kind === 'loaded') return { ...result, epoch: older };
    reasons.push(result.reason);
  }
  return { kind: 'fresh', reason: reasons.length > 0 ? reasons.join('; ') : `no checkpoint of an earlier leader in ${dir} yet` };
}

/** Removes the checkpoints of terms before `epoch` (once this term has written its own). */
export async function removeOlderTermCheckpoints(fs: WatcherFs, dir: string, componentId: string, epoch: number): Promise<void> {
  for (const older of await termEpochs(fs, dir, componentId)) {
    if (older < epoch) await rm(termCheckpointPath(dir, componentId, older), { force: true });
  }
}
