// The idempotency keys (log.record.uid) a sending queue holds or sent lately, so that a record
// handed on again with the same key is dropped before it is queued a second time. Records come
// again when a receiver hands on what it had not yet seen accepted: after a kill -9 (the
// backbone_events journal's moves whose acceptance was not noted), after a refusal (a full disk
// or a memory_limiter: the receiver keeps the moves and tries again).
//
// Two parts, so that the window covers everything that can come again:
// - the keys of requests still in the queue, exactly (however long an outage, and whatever
//   sending_queue.queue_size allows);
// - the keys of the last SENT_WINDOW records sent, a ring: a receiver holds at most
//   max_held_moves (100,000 by default) that could come again, so 200,000 covers them twice.
//   About 90 bytes a key: 18 MB when full, reached only after 200,000 moves.
export const SENT_WINDOW = 200_000;

export class UidWindow {
  private readonly limit: number;
  /** Keys of requests in the queue: key -> how many queued records carry it (one, but for a key taken twice while queued). */
  private readonly queued = new Map<string, number>();
  /** Keys sent: key -> the position it was added at; an older ring slot for it does not evict it. */
  private readonly positions = new Map<string, number>();
  /** Grows with the keys sent (not allocated whole: 1.6 MB per queue, most of which never fill it). */
  private readonly ring: string[] = [];
  private next = 0;

  constructor(limit = SENT_WINDOW) {
    this.limit = limit;
  }

  has(uid: string): boolean {
    return this.queued.has(uid) || this.positions.has(uid);
  }

  get size(): number {
    return this.queued.size + this.positions.size;
  }

  /** Keys of a request now in the queue. */
  addQueued(uids: Iterable<string>): void {
    for (const uid of uids) this.queued.set(uid, (this.queued.get(uid) ?? 0) + 1);
  }

  /** Keys of a request that was sent (or known sent, from the journal at start): into the ring. */
  addSent(uids: Iterable<string>): void {
    for (const uid of uids) {
      this.unqueue(uid);
      const slot = this.next % this.limit;
      if (slot === this.ring.length) this.ring.push(uid);
      else {
        const evicted = this.ring[slot]!;
        if (this.positions.get(evicted) === this.next - this.limit) this.positions.delete(evicted);
        this.ring[slot] = uid;
      }
      this.positions.set(uid, this.next);
      this.next++;
    }
  }

  /** Forgets keys whose records were dropped before they were sent: a later report of them must pass. */
  forget(uids: Iterable<string>): void {
    for (const uid of uids) this.unqueue(uid);
  }

  private unqueue(uid: string): void {
    const count = this.queued.get(uid);
    if (count === undefined) return;
    if (count <= 1) this.queued.delete(uid);
    else this.queued.set(uid, count - 1);
  }

  /** The keys sent, oldest first (for the journal's compaction). */
  *sentKeys(): Iterable<string> {
    const sorted = [...this.positions].sort((a, b) => a[1] - b[1]);
    for (const [uid] of sorted) yield uid;
  }
}
