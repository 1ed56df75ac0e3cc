// The sending queue: requests in the order they were made, bounded by items and by bytes.
// When a new request does not fit, the oldest requests (never the one being sent) are
// dropped to make room: for monitoring data the newest is worth more than the oldest.
// It also keeps the idempotency keys (log.record.uid) it took lately, so that a record
// reported again is not queued twice (uid-window.ts).
import type { Compression, Encoding, Payload, SignalKind } from './payload.ts';
import { UidWindow } from './uid-window.ts';

export interface QueueEntry {
  readonly seq: number;
  readonly signal: SignalKind;
  readonly encoding: Encoding;
  readonly compression: Compression;
  readonly items: number;
  readonly bytes: number;
}

export interface PushResult {
  /** Items of older requests dropped to make room. */
  droppedItems: number;
  /** True when the request itself could not be kept (larger than the whole queue). */
  rejected: boolean;
}

export interface QueueSize {
  requests: number;
  items: number;
  bytes: number;
}

/** Why a request leaves the queue: sent (the backend took it), or dropped (refused for good, pushed out by the bound, given up). */
export type Outcome = 'sent' | 'dropped';

export interface DeliveryQueue {
  readonly kind: 'memory' | 'disk';
  readonly capacity: { items: number; bytes: number };
  size(): QueueSize;
  push(payload: Payload): PushResult;
  /** The oldest request. */
  head(): QueueEntry | undefined;
  /** Marks the request being sent (it is not dropped to make room meanwhile), or none. */
  sending(entry: QueueEntry | undefined): void;
  /** The body of an entry; undefined when it cannot be read (a corrupt file, set aside). */
  body(entry: QueueEntry): Uint8Array | undefined;
  /** Removes a request that was sent, or dropped (its keys are forgotten: a later report of them passes). */
  remove(entry: QueueEntry, outcome: Outcome): void;
  /** True when a record with this log.record.uid was queued lately (see uid-window.ts). */
  seen(uid: string): boolean;
  /**
   * Makes what push() took as durable as the queue promises (a disk queue: the folder's
   * fsync) and says whether all of it is kept: false while a disk queue holds requests in
   * memory because it cannot write them. A memory queue keeps what it took (no durability).
   */
  persist(): boolean;
  /** Items dropped after they were taken and before they were kept (a full disk's memory bound): only grows. */
  readonly lost: number;
  close(): void;
}

/** Bookkeeping shared by both queues: the entries in order and the bound. */
export abstract class BoundedQueue<E extends QueueEntry> implements DeliveryQueue {
  abstract readonly kind: 'memory' | 'disk';
  readonly capacity: { items: number; bytes: number };
  protected readonly entries: E[] = [];
  protected readonly window = new UidWindow();
  lost = 0;
  private items = 0;
  private bytes = 0;
  private inFlight: number | undefined;

  constructor(capacity: { items: number; bytes: number }) {
    this.capacity = capacity;
  }

  size(): QueueSize {
    return { requests: this.entries.length, items: this.items, bytes: this.bytes };
  }

  head(): E | undefined {
    return this.entries[0];
  }

  sending(entry: QueueEntry | undefined): void {
    this.inFlight = entry?.seq;
  }

  protected get inFlightSeq(): number | undefined {
    return this.inFlight;
  }

  seen(uid: string): boolean {
    return this.window.has(uid);
  }

  persist(): boolean {
    return true;
  }

  push(payload: Payload): PushResult {
    if (payload.items > this.capacity.items || payload.body.byteLength > this.capacity.bytes) return { droppedItems: 0, rejected: true };
    let droppedItems = 0;
    // The oldest go first, except one on its way to the backend right now.
    while (this.items + payload.items > this.capacity.items || this.bytes + payload.body.byteLength > this.capacity.bytes) {
      const victim = this.entries.find((entry) => entry.seq !== this.inFlight);
      if (!victim) return { droppedItems, rejected: true };
      droppedItems += victim.items;
      this.remove(victim, 'dropped');
    }
    const entry = this.store(payload);
    this.track(entry);
    if (payload.uids) this.window.add(payload.uids);
    return { droppedItems, rejected: false };
  }

  remove(entry: QueueEntry, outcome: Outcome): void {
    const index = this.entries.findIndex((e) => e.seq === entry.seq);
    if (index < 0) return;
    const [removed] = this.entries.splice(index, 1);
    this.items -= removed!.items;
    this.bytes -= removed!.bytes;
    this.discard(removed!, outcome);
  }

  /** Adds an entry found at start (disk) or just stored, keeping the totals. */
  protected track(entry: E): void {
    this.entries.push(entry);
    this.items += entry.items;
    this.bytes += entry.bytes;
  }

  /** Forgets an entry without discarding its data (a corrupt file that was set aside). */
  protected untrack(entry: E): void {
    const index = this.entries.indexOf(entry);
    if (index < 0) return;
    this.entries.splice(index, 1);
    this.items -= entry.items;
    this.bytes -= entry.bytes;
  }

  protected abstract store(payload: Payload): E;
  protected abstract discard(entry: E, outcome: Outcome): void;
  abstract body(entry: QueueEntry): Uint8Array | undefined;
  abstract close(): void;
}

interface MemoryEntry extends QueueEntry {
  data: Uint8Array;
  uids: readonly string[] | undefined;
}

export class MemoryQueue extends BoundedQueue<MemoryEntry> {
  readonly kind = 'memory' as const;
  private nextSeq = 1;

  protected store(payload: Payload): MemoryEntry {
    return {
      seq: this.nextSeq++, signal: payload.signal, encoding: payload.encoding, compression: payload.compression,
      items: payload.items, bytes: payload.body.byteLength, data: payload.body, uids: payload.uids,
    };
  }

  protected discard(entry: MemoryEntry, outcome: Outcome): void {
    if (outcome === 'dropped' && entry.uids) this.window.forget(entry.uids);
  }

  body(entry: QueueEntry): Uint8Array | undefined {
    return (entry as MemoryEntry).data;
  }

  close(): void {}
}
