// The one durable record of what backbone_events reported: a checkpoint (the belief of where
// every followed message is, the moves not yet accepted downstream, and whether the agent
// stopped cleanly) plus a journal of what was reported since. A round's belief changes and its
// moves are one journal line, appended and fsynced before any of its records is handed on: so
// after any crash the belief read back is exactly what was reported, no more and no less, and
// the moves not noted as accepted are handed on again with their log.record.uid.
//
// The journal: one JSON document per line.
//   {"b":[ops],"m":[moves]}  a round (fsynced): ops ["+", folder, name, since, ino] or ["-", folder, name]
//   {"a":[uids]}             moves accepted downstream (not fsynced: a lost line only makes them
//                            be handed on again, and the disk queue drops the copies by uid)
// A line cut short by a crash is the last one and is ignored (it was never fsynced whole, so
// nothing of it was handed on). Compaction writes a new checkpoint that names a new journal
// generation, then removes the old journal: a crash in between leaves the old journal beside a
// checkpoint that no longer names it, removed at the next start. A write that fails (a full
// disk) may leave part of a line behind: the journal is then not appended to again, and the
// next write is a compaction.
import { constants, type FileHandle, open, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Endpoint } from './transition.ts';
import { syncFile } from '../../storage/durable-file.ts';
import { crashPoint } from '../../storage/crash-point.ts';
import { loadCheckpoint, saveCheckpoint, type Checkpoint, type CheckpointFolder, type LoadResult } from './checkpoint.ts';
import type { WatcherFs } from './watcher-fs.ts';

/** A change of the belief: a message now known at folder/name, or no longer. */
export type BeliefOp = ['+', string, string, number, number] | ['-', string, string];

/** A reported move as kept until it is accepted: everything its record is made of. */
export interface StoredMove {
  /** log.record.uid */
  u: string;
  /** integration, project, message (readable names) */
  i: string;
  p: string;
  n: string;
  f: Endpoint;
  t: Endpoint;
  /** issue folder */
  s?: string;
  /** seconds in `f` */
  d?: number;
  b: 'event' | 'scan' | 'restart';
  /** when it happened (ms) */
  w: number;
  /** found by the listing at start after an unclean stop: its text does not say "while the agent was stopped" */
  x?: 1;
}

/** What a start continues from. */
export interface Reported {
  entries: CheckpointFolder[];
  ops: BeliefOp[];
  /** Moves reported and not (known to be) accepted downstream, oldest first. */
  unaccepted: StoredMove[];
  savedAtMs: number;
  /** Set when the agent stopped cleanly (and nothing was journaled after). */
  stoppedAtMs: number | undefined;
  /** Where it came from, for the log. */
  source: string;
}

/**
 * A new checkpoint once the journal has grown to twice the last checkpoint, and at least this
 * much: the cost of writing checkpoints stays proportional to what is journaled, however many
 * messages the belief holds (at 16,000 moves a second and 4 MiB flat, a checkpoint of 64,000
 * messages was written every second).
 */
const COMPACT_AT_LEAST_BYTES = 4 * 1024 * 1024;

/** How long acceptances wait to be written together. */
const ACK_DELAY_MS = 50;

export type ReportedLoad = { kind: 'loaded'; reported: Reported } | { kind: 'fresh'; reason: string };

export class ReportedStore {
  private readonly fs: WatcherFs;
  /** The checkpoint this agent writes. */
  readonly file: string;
  private readonly layout: string;
  private generation = 0;
  private journalBytes = 0;
  private checkpointBytes = 0;
  /** Accepted uids not yet written to the journal. */
  private acks: string[] = [];
  private ackTimer: NodeJS.Timeout | undefined;
  /** The current journal, open for appending (opened at its first line). */
  private handle: FileHandle | undefined;
  /** Journal writes, one after the other (a line is never split by another). */
  private writes: Promise<void> = Promise.resolve();
  /** A write failed and may have left part of a line: only a compaction writes next. */
  private broken = false;

  constructor(fs: WatcherFs, file: string, layout: string) {
    this.fs = fs;
    this.file = file;
    this.layout = layout;
  }

  private journalOf(checkpointFile: string, generation: number): string {
    return `${checkpointFile}.${generation}.journal`;
  }

  /** The checkpoint at `from` (this agent's own, or an earlier leader's) and its journal. */
  async load(from: string): Promise<ReportedLoad> {
    const loaded: LoadResult = await loadCheckpoint(this.fs, from, this.layout);
    if (loaded.kind !== 'loaded') return loaded;
    const checkpoint = loaded.checkpoint;
    if (from === this.file) this.generation = checkpoint.journal ?? 0;
    const ops: BeliefOp[] = [];
    const moves = new Map<string, StoredMove>();
    for (const move of checkpoint.moves ?? []) moves.set(move.u, move);
    let journaled = false;
    let text = '';
    try {
      text = await readFile(this.journalOf(from, checkpoint.journal ?? 0), 'utf8');
    } catch {
      // No journal: nothing reported since the checkpoint.
    }
    const lines = text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (line === '') continue;
      let entry: { b?: BeliefOp[]; m?: StoredMove[]; a?: string[] };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        // Only the last line can be cut short (a crash during its write): nothing of it was handed on.
        if (index >= lines.length - 2) break;
        return { kind: 'fresh', reason: `the journal of ${from} is corrupt at line ${index + 1}` };
      }
      if (entry.b) ops.push(...entry.b);
      for (const move of entry.m ?? []) moves.set(move.u, move);
      for (const uid of entry.a ?? []) moves.delete(uid);
      if (entry.b || entry.m) journaled = true;
    }
    return {
      kind: 'loaded',
      reported: {
        entries: checkpoint.entries, ops, unaccepted: [...moves.values()], savedAtMs: checkpoint.savedAtMs,
        stoppedAtMs: journaled ? undefined : checkpoint.stoppedAtMs, source: from,
      },
    };
  }

  /** A write failed: the next one must be a compaction. */
  get needsCompaction(): boolean {
    return this.broken;
  }

  /** Appends one round (its belief changes and its moves) and fsyncs it; throws when the disk cannot take it. */
  async append(ops: readonly BeliefOp[], moves: readonly StoredMove[]): Promise<void> {
    const acks = this.acks;
    this.acks = [];
    const line = `${acks.length > 0 ? `${JSON.stringify({ a: acks })}\n` : ''}${JSON.stringify({ b: ops, m: moves })}\n`;
    try {
      await this.write(line, true);
    } catch (error) {
      this.acks = acks.concat(this.acks);
      throw error;
    }
  }

  /** Runs `task` after the journal work queued before it. */
  private inTurn(task: () => Promise<void>): Promise<void> {
    const done = this.writes.then(task);
    this.writes = done.catch(() => {});
    return done;
  }

  /** Appends to the current journal after the writes before it; fsyncs when asked. */
  private write(text: string, sync: boolean): Promise<void> {
    return this.inTurn(async () => {
      if (this.broken) throw new Error('the journal was left unfinished by a failed write; a new checkpoint is written first');
      try {
        this.handle ??= await open(this.journalOf(this.file, this.generation), constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600);
        await this.handle.writeFile(text);
        if (sync) await syncFile(this.handle);
      } catch (error) {
        this.broken = true;
        throw error;
      }
      this.journalBytes += text.length;
    });
  }

  /** Closes the journal's handle (run in turn); the next write opens the then current journal. */
  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => {});
  }

  /**
   * Notes moves accepted downstream: written a moment later, or with the next line, without
   * fsync (see the file's comment). Written soon, so that the next leader of a Data Center
   * cluster, which reads this journal when it takes over, does not hand them on again.
   */
  accepted(uids: readonly string[]): void {
    for (const uid of uids) this.acks.push(uid);
    if (this.ackTimer !== undefined) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      void this.writeAcks();
    }, ACK_DELAY_MS);
    this.ackTimer.unref();
  }

  private async writeAcks(): Promise<void> {
    if (this.acks.length === 0) return;
    const acks = this.acks;
    this.acks = [];
    try {
      await this.write(`${JSON.stringify({ a: acks })}\n`, false);
    } catch {
      // A full disk: they go with the next line, or are handed on again after a restart (dropped by uid).
      this.acks = acks.concat(this.acks);
    }
  }

  /** The journal has grown enough for a new checkpoint. */
  get compactionDue(): boolean {
    return this.journalBytes >= Math.max(COMPACT_AT_LEAST_BYTES, 2 * this.checkpointBytes);
  }

  /**
   * Writes everything as one new checkpoint (the belief, the moves not yet accepted, and the
   * time of a clean stop) and starts a new journal; throws when the disk cannot take it.
   */
  async compact(entries: CheckpointFolder[], unaccepted: readonly StoredMove[], stoppedAtMs?: number): Promise<void> {
    const next = this.generation + 1;
    const checkpoint: Checkpoint = {
      version: 3, layout: this.layout, savedAtMs: Date.now(), entries, moves: [...unaccepted], journal: next,
      ...(stoppedAtMs === undefined ? {} : { stoppedAtMs }),
    };
    this.checkpointBytes = await saveCheckpoint(this.fs, this.file, checkpoint);
    crashPoint('checkpoint-written');
    const old = this.generation;
    // Between two writes. Acceptances of moves the checkpoint does not hold are not needed any
    // more; those of moves accepted while it was written go to the new journal.
    const held = new Set(checkpoint.moves?.map((move) => move.u));
    await this.inTurn(async () => {
      await this.closeHandle();
      this.acks = this.acks.filter((uid) => held.has(uid));
      this.generation = next;
      this.journalBytes = 0;
      this.broken = false;
    });
    await rm(this.journalOf(this.file, old), { force: true }).catch(() => {});
  }

  /** Writes the acceptances still waiting and closes the journal (at stop, after the last compaction). */
  async close(): Promise<void> {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    await this.writeAcks();
    await this.inTurn(() => this.closeHandle());
  }

  /** Journals of other generations than the current one (left by a crash during a compaction): removed. */
  async removeStaleJournals(): Promise<void> {
    const dir = path.dirname(this.file);
    const prefix = `${path.basename(this.file)}.`;
    const current = path.basename(this.journalOf(this.file, this.generation));
    try {
      for (const name of await readdir(dir)) {
        if (name.startsWith(prefix) && name.endsWith('.journal') && name !== current) await rm(path.join(dir, name), { force: true });
      }
    } catch {
      // nothing to remove
    }
  }
}
