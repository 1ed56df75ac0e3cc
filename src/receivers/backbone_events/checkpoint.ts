// What the watcher has reported, kept in `storage` so that a restarted agent reports the moves
// made while it was stopped, and none it had already reported. Written atomically (temporary
// file, fsync, rename); a missing, unreadable or corrupt checkpoint means a fresh start.
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
