// The idempotency keys (log.record.uid) a sending queue took most recently, so that a record
// reported again with the same key is dropped before it is queued a second time. Reports come
// again after a kill -9 (the watcher replays the moves made since its last checkpoint) and
// after a full disk (the watcher rolls back to its checkpoint): always moves reported shortly
// before, so a bounded window of the newest keys is enough.
//
// The bound: the checkpoint is written about once a second and only after what it covers is
// queued, so a replay covers about one second of moves; WINDOW keys are 50,000 moves, far
// above the 10,000 moves/s burst the bench measures, for about 5 MB of memory when full.
export const UID_WINDOW = 50_000;

export class UidWindow {
  private readonly limit: number;
  /** uid -> the position it was last added at; an older ring slot for it does not evict it. */
  private readonly positions = new Map<string, number>();
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(limit = UID_WINDOW) {
    this.limit = limit;
    this.ring = new Array<string | undefined>(limit);
  }

  has(uid: string): boolean {
    return this.positions.has(uid);
  }

  get size(): number {
    return this.positions.size;
  }

  add(uids: Iterable<string>): void {
    for (const uid of uids) {
      const slot = this.next % this.limit;
      const evicted = this.ring[slot];
      if (evicted !== undefined && this.positions.get(evicted) === this.next - this.limit) this.positions.delete(evicted);
      this.ring[slot] = uid;
      this.positions.set(uid, this.next);
      this.next++;
    }
  }

  /** Forgets keys whose records were dropped before they were sent: a later report of them must pass. */
  forget(uids: Iterable<string>): void {
    for (const uid of uids) this.positions.delete(uid);
  }

  /** The keys, oldest first (for the journal). */
  *keys(): Iterable<string> {
    const sorted = [...this.positions].sort((a, b) => a[1] - b[1]);
    for (const [uid] of sorted) yield uid;
  }
}
