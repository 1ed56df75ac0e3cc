// The sending queue: requests in the order they were made, bounded by items and by bytes.
// When a new request does not fit, the oldest requests (never the one being sent) are
// dropped to make room: for monitoring data the newest is worth more than the oldest.
import type { Compression, Encoding, Payload, SignalKind } from './payload.ts';

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
  /** Removes a request that was sent or refused for good. */
  remove(entry: QueueEntry): void;
  close(): void;
}

/** Bookkeeping shared by both queues: the entries in order and the bound. */
export abstract class BoundedQueue<E extends QueueEntry> implements DeliveryQueue {
  abstract readonly kind: 'memory' | 'disk';
  readonly capacity: { items: number; bytes: number };
  protected readonly entries: E[] = [];
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

  push(payload: Payload): PushResult {
    if (payload.items > this.capacity.items || payload.body.byteLength > this.capacity.bytes) return { droppedItems: 0, rejected: true };
    let droppedItems = 0;
    // The oldest go first, except one on its way to the backend right now.
    while (this.items + payload.items > this.capacity.items || this.bytes + payload.body.byteLength > this.capacity.bytes) {
      const victim = this.entries.find((entry) => entry.seq !== this.inFlight);
      if (!victim) return { droppedItems, rejected: true };
      droppedItems += victim.items;
      this.remove(victim);
    }
    const entry = this.store(payload);
    this.track(entry);
    return { droppedItems, rejected: false };
  }

  remove(entry: QueueEntry): void {
    const index = this.entries.findIndex((e) => e.seq === entry.seq);
    if (index < 0) return;
    const [removed] = this.entries.splice(index, 1);
    this.items -= removed!.items;
    this.bytes -= removed!.bytes;
    this.discard(removed!);
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
  protected abstract discard(entry: E): void;
  abstract body(entry: QueueEntry): Uint8Array | undefined;
  abstract close(): void;
}

interface MemoryEntry extends QueueEntry {
  data: Uint8Array;
}

export class MemoryQueue extends BoundedQueue<MemoryEntry> {
  readonly kind = 'memory' as const;
  private nextSeq = 1;

  protected store(payload: Payload): MemoryEntry {
    return {
      seq: this.nextSeq++, signal: payload.signal, encoding: payload.encoding, compression: payload.compression,
      items: payload.items, bytes: payload.body.byteLength, data: payload.body,
    };
  }

  protected discard(): void {}

  body(entry: QueueEntry): Uint8Array | undefined {
    return (entry as MemoryEntry).data;
  }

  close(): void {}
}
