// The sending queue: requests in the order they were made, bounded by items and by bytes.
// When a new request does not fit, the oldest requests (never the one being sent) are
// dropped to make room: for monitoring data the newest is worth more than the oldest.
// It also keeps the idempotency keys (log.record.uid) it holds or sent lately, so that a
// record handed on again is not queued twice (uid-window.ts).
//
// push() answers once the request is kept as the queue promises: in memory at once; on disk
// once its file is fsynced and renamed into place. Pushes are made one after the other, so
// that requests keep their order.
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
  /** Set when the request itself was not kept: larger than the whole queue, or its file could not be written. */
  rejected?: 'too_large' | { writeFailed: Error };
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
  /** Adds a request once it is kept as promised (see the file's comment). */
  push(payload: Payload): Promise<PushResult>;
  /** The oldest request. */
  head(): QueueEntry | undefined;
  /** Marks the request being sent (it is not dropped to make room meanwhile), or none. */
  sending(entry: QueueEntry | undefined): void;
  /** The body of an entry; undefined when it cannot be read (a corrupt file, set aside). */
  body(entry: QueueEntry): Uint8Array | undefined;
  /** Removes a request that was sent, or dropped (its keys are forgotten: a later report of them passes). */
  remove(entry: QueueEntry, outcome: Outcome): Promise<void>;
  /** True when a record with this log.record.uid is queued or was sent lately (see uid-window.ts). */
  seen(uid: string): boolean;
  close(): Promise<void>;
}

/** Bookkeeping shared by both queues: the entries in order, the bound, one push at a time. */
export abstract class BoundedQueue<E extends QueueEntry> implements DeliveryQueue {
  abstract readonly kind: 'memory' | 'disk';
  readonly capacity: { items: number; bytes: number };
  protected readonly entries: E[] = [];
  protected readonly window = new UidWindow();
  private items = 0;
  private bytes = 0;
  private inFlight: number | undefined;
  private pushing: Promise<unknown> = Promise.resolve();

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

  seen(uid: string): boolean {
    return this.window.has(uid);
  }

  push(payload: Payload): Promise<PushResult> {
    const result = this.pushing.then(() => this.pushNow(payload));
    this.pushing = result.catch(() => {});
    return result;
  }

  private async pushNow(payload: Payload): Promise<PushResult> {
    if (payload.items > this.capacity.items || payload.body.byteLength > this.capacity.bytes) return { droppedItems: 0, rejected: 'too_large' };
    let droppedItems = 0;
    // The oldest go first, except one on its way to the backend right now.
    while (this.items + payload.items > this.capacity.items || this.bytes + payload.body.byteLength > this.capacity.bytes) {
      const victim = this.entries.find((entry) => entry.seq !== this.inFlight);
      if (!victim) return { droppedItems, rejected: 'too_large' };
      droppedItems += victim.items;
      await this.remove(victim, 'dropped');
    }
    let entry: E;
    try {
      entry = await this.store(payload);
    } catch (error) {
      return { droppedItems, rejected: { writeFailed: error as Error } };
    }
    this.track(entry);
    if (payload.uids) this.window.addQueued(payload.uids);
    return { droppedItems };
  }

  async remove(entry: QueueEntry, outcome: Outcome): Promise<void> {
    const index = this.entries.findIndex((e) => e.seq === entry.seq);
    if (index < 0) return;
    const [removed] = this.entries.splice(index, 1);
    this.items -= removed!.items;
    this.bytes -= removed!.bytes;
    await this.discard(removed!, outcome);
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

  /** Keeps a request as the queue promises; throws when it cannot (the disk is full). */
  protected abstract store(payload: Payload): Promise<E>;
  protected abstract discard(entry: E, outcome: Outcome): Promise<void>;
  abstract body(entry: QueueEntry): Uint8Array | undefined;
  abstract close(): Promise<void>;
}

interface MemoryEntry extends QueueEntry {
  data: Uint8Array;
  uids: readonly string[] | undefined;
}

export class MemoryQueue extends BoundedQueue<MemoryEntry> {
  readonly kind = 'memory' as const;
  private nextSeq = 1;

  protected async store(payload: Payload): Promise<MemoryEntry> {
    return {
      seq: this.nextSeq++, signal: payload.signal, encoding: payload.encoding, compression: payload.compression,
      items: payload.items, bytes: payload.body.byteLength, data: payload.body, uids: payload.uids,
    };
  }

  protected async discard(entry: MemoryEntry, outcome: Outcome): Promise<void> {
    if (!entry.uids) return;
    if (outcome === 'sent') this.window.addSent(entry.uids);
    else this.window.forget(entry.uids);
  }

  body(entry: QueueEntry): Uint8Array | undefined {
    return (entry as MemoryEntry).data;
  }

  async close(): Promise<void> {}
}
