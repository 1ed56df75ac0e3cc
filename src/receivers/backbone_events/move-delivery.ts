// Where backbone_events' moves go once found, in this order and no other:
//   1. written: a round's belief changes and moves, one journal line, fsynced (reported-store.ts);
//   2. handed on: their records go to the pipelines, which answer (component/consumer.ts);
//   3. accepted: noted (in the journal, with the next line), and forgotten here.
// A refused batch (a full disk, a memory_limiter, a full queue) is kept and handed on again
// with backoff; a batch refused for good is dropped and said. While the journal cannot be
// written (its disk is full), moves wait here in memory and nothing of them is handed on: the
// belief on disk must never be behind what was reported. What waits, in both cases, is bounded
// by max_held_moves; beyond it a move is counted (otelcol_exporter_enqueue_failed_log_records)
// and said once with the count and the time span, and is not kept.
import type { Answer } from '../../component/consumer.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { crashPoint } from '../../storage/crash-point.ts';
import type { CheckpointFolder } from './checkpoint.ts';
import type { BeliefOp, ReportedStore, StoredMove } from './reported-store.ts';
import { describe } from './watcher-fs.ts';

export interface MoveDeliveryOptions {
  /** Undefined without storage: moves are handed on at once, and nothing survives a restart. */
  store?: ReportedStore | undefined;
  /** Emits the moves' records and hands them on; answers for them. */
  handOn(moves: readonly StoredMove[]): Promise<Answer>;
  /** The belief now (for a compaction). */
  snapshot(): CheckpointFolder[];
  /** Moves that could not be kept: otelcol_exporter_enqueue_failed_log_records. */
  lost(records: number): void;
  log: AgentLog;
  maxHeld: number;
}

/**
 * Journal lines start at least this far apart. A round's line is written as soon as it ends
 * when none was written for this long (a quiet tree adds nothing to a record's way out);
 * otherwise the rounds that end in between go together in the next line (group commit). The
 * spacing bounds the fsyncs a busy tree costs: 20 a second, each a millisecond of CPU or more
 * on a virtual disk.
 */
const JOURNAL_SPACING_MS = 10;
/** Records per batch handed on. */
const HAND_ON_MAX = 2048;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;
/** At a clean stop, how long the answers of records in flight are waited for. */
const STOP_WAIT_MS = 3_000;

/** Moves not kept since the last time it was said: how many, and when the first and last happened. */
interface Overflow {
  count: number;
  firstMs: number;
  lastMs: number;
}

export class MoveDelivery {
  private readonly options: MoveDeliveryOptions;
  /** Found, not yet written (only while the journal cannot be written, or within a round). */
  private pendingOps: BeliefOp[] = [];
  private pendingMoves: StoredMove[] = [];
  /** Written (or, without storage, found), not yet accepted: uid -> move. */
  private readonly unaccepted = new Map<string, StoredMove>();
  /** Refused, waiting for their next try. */
  private retrying: StoredMove[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_FIRST_MS;
  private writing: Promise<void> | undefined;
  private lastWriteAt = -Infinity;
  private writeRetryTimer: NodeJS.Timeout | undefined;
  private writeFailingSince: number | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private overflow: Overflow | undefined;
  /** The journal continues a checkpoint: until one was written by this process (at start), lines wait for it. */
  private mustCompact = true;
  private stopped = false;
  /** Moves accepted downstream since start (tests). */
  accepted = 0;

  constructor(options: MoveDeliveryOptions) {
    this.options = options;
  }

  /** The store, once the receiver knows where (at start). */
  useStore(store: ReportedStore): void {
    this.options.store = store;
  }

  /** Moves found and not yet accepted. */
  get held(): number {
    return this.pendingMoves.length + this.unaccepted.size;
  }

  /** A change of the belief, written with the round's moves. */
  noteOp(op: BeliefOp): void {
    if (this.options.store) this.pendingOps.push(op);
  }

  /** A move found; it leaves at the end of its round. */
  found(move: StoredMove): void {
    if (this.held >= this.options.maxHeld) {
      this.overflowed(move);
      return;
    }
    this.pendingMoves.push(move);
  }

  /** What a start found not yet accepted (journal and checkpoint): handed on again, with the same uids. */
  resume(moves: readonly StoredMove[]): void {
    for (const move of moves) this.unaccepted.set(move.u, move);
    this.handOnAll(moves);
  }

  /** The end of a round: what it found is written, then handed on. */
  roundEnd(): void {
    if (!this.linesWaiting) return;
    crashPoint('moves-found');
    if (!this.options.store) {
      const moves = this.pendingMoves;
      this.pendingMoves = [];
      for (const move of moves) this.unaccepted.set(move.u, move);
      this.handOnAll(moves);
      return;
    }
    // A write under way takes these with its next line (its loop runs while anything waits).
    this.startWriting();
  }

  private async writeLoop(): Promise<void> {
    const store = this.options.store!;
    while (this.linesWaiting && this.writeRetryTimer === undefined) {
      // Spacing: what ends meanwhile goes into this line too.
      const wait = this.lastWriteAt + JOURNAL_SPACING_MS - performance.now();
      if (wait > 0 && !this.stopped) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastWriteAt = performance.now();
      const ops = this.pendingOps;
      const moves = this.pendingMoves;
      this.pendingOps = [];
      this.pendingMoves = [];
      try {
        if (store.compactionDue || this.mustCompact || store.needsCompaction) {
          // A new checkpoint takes the belief as it is now, which includes these ops.
          await store.compact(this.options.snapshot(), [...this.unaccepted.values(), ...moves]);
        } else {
          await store.append(ops, moves);
        }
      } catch (error) {
        this.pendingOps = ops.concat(this.pendingOps);
        this.pendingMoves = moves.concat(this.pendingMoves);
        this.writeFailed(error);
        return;
      }
      crashPoint('journal-written');
      this.mustCompact = false;
      this.writeWorks();
      for (const move of moves) this.unaccepted.set(move.u, move);
      this.handOnAll(moves);
    }
  }

  private writeFailed(error: unknown): void {
    const store = this.options.store!;
    if (this.writeFailingSince === undefined) {
      this.writeFailingSince = Date.now();
      this.options.log.problem('journal', 'error', `cannot write the journal of what was reported (${store.file}): ${describe(error)}; moves are held in memory (up to max_held_moves, ${this.options.maxHeld}) and handed on once they are written, tried every second`);
    }
    this.writeRetryTimer = setTimeout(() => {
      this.writeRetryTimer = undefined;
      if (!this.stopped) this.roundEnd();
    }, 1000);
    this.writeRetryTimer.unref();
  }

  private writeWorks(): void {
    if (this.writeFailingSince === undefined) return;
    const seconds = ((Date.now() - this.writeFailingSince) / 1000).toFixed(1);
    this.writeFailingSince = undefined;
    this.options.log.resolved('journal', `the journal can be written again (after ${seconds} s): the moves held in memory are written and handed on`);
    this.sayOverflow();
  }

  private handOnAll(moves: readonly StoredMove[]): void {
    for (let start = 0; start < moves.length; start += HAND_ON_MAX) this.handOnBatch(moves.slice(start, start + HAND_ON_MAX));
  }

  private handOnBatch(moves: readonly StoredMove[]): void {
    const work = this.options.handOn(moves).then((answer) => this.answered(moves, answer));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private answered(moves: readonly StoredMove[], answer: Answer): void {
    if (answer.accepted) {
      crashPoint('moves-accepted');
      const uids = moves.map((move) => move.u);
      for (const uid of uids) this.unaccepted.delete(uid);
      this.options.store?.accepted(uids);
      this.accepted += moves.length;
      this.retryDelay = RETRY_FIRST_MS;
      this.options.log.resolved('refused', 'the pipelines accept the moves again');
      this.sayOverflow();
      return;
    }
    const { refusal } = answer;
    if (refusal.reason === 'permanent') {
      for (const move of moves) this.unaccepted.delete(move.u);
      this.options.store?.accepted(moves.map((move) => move.u));
      this.options.lost(moves.length);
      this.options.log.problem('refused-permanent', 'error', `${refusal.by} refused ${moves.length} move record(s) for good (${refusal.message}): they are dropped and counted in otelcol_exporter_enqueue_failed_log_records`);
      return;
    }
    this.options.log.problem('refused', 'warn', `${refusal.by} refuses the move records (${refusal.reason}: ${refusal.message}); they are kept in memory (up to max_held_moves, ${this.options.maxHeld}) and handed on again with backoff`);
    this.retrying.push(...moves);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const moves = this.retrying.filter((move) => this.unaccepted.has(move.u));
      this.retrying = [];
      this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
      this.handOnAll(moves);
    }, this.retryDelay);
    this.retryTimer.unref();
  }

  private overflowed(move: StoredMove): void {
    this.options.lost(1);
    if (this.overflow === undefined) {
      this.overflow = { count: 0, firstMs: move.w, lastMs: move.w };
      this.options.log.problem('overflow', 'error', `${this.held} moves are waiting (max_held_moves ${this.options.maxHeld}): further moves are not kept until they can be written and handed on; how many and from when to when is said once they can`);
    }
    this.overflow.count++;
    this.overflow.firstMs = Math.min(this.overflow.firstMs, move.w);
    this.overflow.lastMs = Math.max(this.overflow.lastMs, move.w);
  }

  /** Says, once, how many moves were not kept and when they happened. */
  private sayOverflow(): void {
    const overflow = this.overflow;
    if (overflow === undefined) return;
    this.overflow = undefined;
    this.options.log.resolved('overflow', `${overflow.count} move(s) made between ${new Date(overflow.firstMs).toISOString()} and ${new Date(overflow.lastMs).toISOString()} were not reported (more than max_held_moves, ${this.options.maxHeld}, were waiting); counted in otelcol_exporter_enqueue_failed_log_records; the belief follows the folders again`);
  }

  /** Rounds ended whose journal line is not written yet. */
  private get linesWaiting(): boolean {
    return this.pendingMoves.length > 0 || this.pendingOps.length > 0;
  }

  /** The write loop, unless it runs already. */
  private startWriting(): void {
    this.writing ??= this.writeLoop().finally(() => {
      this.writing = undefined;
      // A round that ended between the loop's last look and now would otherwise wait for the next round.
      if (this.linesWaiting && this.writeRetryTimer === undefined && !this.stopped) this.startWriting();
    });
  }

  /** Writes everything as a new checkpoint now (at start, after the first listing); false when the disk cannot take it. */
  async compact(stoppedAtMs?: number): Promise<boolean> {
    const store = this.options.store;
    if (!store) return true;
    await this.writing;
    const moves = this.pendingMoves;
    const ops = this.pendingOps;
    this.pendingMoves = [];
    this.pendingOps = [];
    try {
      await store.compact(this.options.snapshot(), [...this.unaccepted.values(), ...moves], stoppedAtMs);
    } catch (error) {
      this.pendingMoves = moves.concat(this.pendingMoves);
      this.pendingOps = ops.concat(this.pendingOps);
      this.writeFailed(error);
      return false;
    }
    this.mustCompact = false;
    this.writeWorks();
    for (const move of moves) this.unaccepted.set(move.u, move);
    if (stoppedAtMs === undefined) this.handOnAll(moves);
    await store.removeStaleJournals();
    return true;
  }

  /** Waits until nothing is being written or handed on (tests). */
  async idle(): Promise<void> {
    while (this.writing || this.inFlight.size > 0) {
      await this.writing;
      await Promise.all([...this.inFlight]);
    }
  }

  /**
   * A clean stop: what is found is written, the answers of records in flight are waited for a
   * moment, and the last checkpoint records what is still not accepted (handed on again at
   * the next start) and that the stop was clean. What cannot be written then (a full disk) is
   * lost with the process: counted and said, with the time span.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.writeRetryTimer);
    this.writeRetryTimer = undefined;
    if (this.options.store && this.linesWaiting) this.startWriting();
    await this.writing;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight]),
      new Promise((resolve) => { timer = setTimeout(resolve, STOP_WAIT_MS); timer.unref(); }),
    ]);
    clearTimeout(timer);
    if (!this.options.store) {
      if (this.unaccepted.size > 0) {
        this.options.lost(this.unaccepted.size);
        this.options.log.warn(`stopping with ${this.unaccepted.size} move record(s) not accepted downstream and no storage: they are lost with this process (counted in otelcol_exporter_enqueue_failed_log_records)`);
      }
      return;
    }
    const unwritten = this.pendingMoves;
    const compacted = await this.compact(Date.now());
    await this.options.store.close();
    if (compacted) return;
    if (unwritten.length > 0) {
      const first = Math.min(...unwritten.map((move) => move.w));
      const last = Math.max(...unwritten.map((move) => move.w));
      this.options.lost(unwritten.length);
      this.options.log.error(`stopping while the journal cannot be written: ${unwritten.length} move(s) made between ${new Date(first).toISOString()} and ${new Date(last).toISOString()} were never written and are lost with this process (counted in otelcol_exporter_enqueue_failed_log_records); the next start reports the messages where they are then, from the last state written, with backbone.detected_by=restart`);
    }
    this.sayOverflow();
  }
}
