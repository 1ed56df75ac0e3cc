// The disk-backed sending queue: one file per request, named by sequence number, written to
// a temporary name, fsynced, renamed into place (the folder fsynced once per batch, see
// persist()), and deleted only once the backend accepted the request (or refused it for
// good). What is on disk when the agent is killed is sent after the restart, with at most
// the request in flight at the kill sent twice (byte for byte the same request).
//
// Each file also carries the log.record.uid of its records, and before a sent file is
// deleted its keys are appended to a journal (sent.uids): the window of keys taken lately
// (uid-window.ts) is rebuilt from both at start, so that a record replayed after a kill -9
// is not queued again.
//
// When a file cannot be written (ENOSPC, EDQUOT, EIO): said once with the folder and the
// free space, the temporary file removed, the request held in memory (bounded: half the
// queue's capacity, at most HELD_BYTES; beyond it the oldest held request is dropped and counted
// in `lost`) and written when a retry succeeds, every second; persist() answers false
// meanwhile, so that no receiver counts it as reported.
//
// File format (little-endian): "BBQ2", signal (0 metrics, 1 logs), encoding (0 protobuf,
// 1 json), compression (0 none, 1 gzip), 0, items (u32), body length (u32), CRC-32 of the
// body and the keys (u32), keys length (u32), body, keys (ASCII, one per line). "BBQ1"
// files (no keys, 20-byte header) of earlier versions are still read. A file that does not
// match is renamed to *.corrupt and reported.
import {
  appendFileSync, closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync,
  statfsSync, statSync, writeFileSync, writeSync,
} from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { formatByteSize } from './config.ts';
import { crashPoint } from './crash-point.ts';
import type { Compression, Encoding, Payload, SignalKind } from './payload.ts';
import { BoundedQueue, type Outcome, type PushResult, type QueueEntry } from './queue.ts';
import { UID_WINDOW } from './uid-window.ts';

const MAGIC_V1 = 'BBQ1';
const MAGIC = 'BBQ2';
const HEADER_V1 = 20;
const HEADER = 24;
const SUFFIX = '.otlp';
const JOURNAL = 'sent.uids';
const SIGNALS: SignalKind[] = ['metrics', 'logs'];
const ENCODINGS: Encoding[] = ['protobuf', 'json'];
const COMPRESSIONS: Compression[] = ['none', 'gzip'];
/**
 * Requests held in memory while the disk cannot take them, at most: half the queue's capacity
 * (the other half is for what is already on disk, so that holding never pushes out a request
 * that was kept), and never more than HELD_BYTES (what a 512 MiB container can spare).
 */
export const HELD_BYTES = 32 * 1024 * 1024;
const RETRY_MS = 1000;

interface DiskEntry extends QueueEntry {
  file: string;
  /** Set while the file could not be written: the whole file, kept in memory. */
  held?: { frame: Buffer; uids: readonly string[] };
}

export class DiskQueue extends BoundedQueue<DiskEntry> {
  readonly kind = 'disk' as const;
  readonly dir: string;
  private readonly log: AgentLog;
  private nextSeq = 1;
  private readonly lockFile: string;
  private readonly journal: string;
  private journalLines = 0;
  /** A file was renamed into place since the folder was last fsynced. */
  private folderDirty = false;
  private held = { requests: 0, items: 0, bytes: 0 };
  private failing: { since: number; code: string } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Keys of sent requests that the journal could not take yet (the disk is full), and their files, removed once it did. */
  private unjournaled: string[] = [];
  private sentFiles: string[] = [];

  /** Opens (creating) the folder, takes its lock and finds the requests an earlier run left. */
  constructor(dir: string, capacity: { items: number; bytes: number }, log: AgentLog) {
    super(capacity);
    this.dir = dir;
    this.log = log;
    mkdirSync(dir, { recursive: true });
    this.lockFile = path.join(dir, 'lock');
    this.journal = path.join(dir, JOURNAL);
    this.lock();
    this.recover();
  }

  private lock(): void {
    try {
      writeFileSync(this.lockFile, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(this.lockFile, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new Error(`the disk queue ${this.dir} is in use by process ${holder}; give each agent its own storage folder`);
    }
    // Left by a process that is gone (killed, or this one's own earlier life in a container).
    writeFileSync(this.lockFile, String(process.pid));
  }

  private recover(): void {
    const found: { seq: number; name: string }[] = [];
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.tmp')) {
        // A write cut short by a crash: that data was never reported as taken.
        rmSync(path.join(this.dir, name), { force: true });
        continue;
      }
      const match = /^(\d+)\.otlp$/.exec(name);
      if (match) found.push({ seq: Number(match[1]), name });
    }
    this.window.add(this.readJournal());
    found.sort((a, b) => a.seq - b.seq);
    for (const { seq, name } of found) {
      const file = path.join(this.dir, name);
      const header = readHeader(file);
      if (typeof header === 'string' || !Number.isSafeInteger(seq)) {
        this.setAside(file, typeof header === 'string' ? header : 'its name is not a sequence number of this agent', itemsInHeader(file));
        continue;
      }
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      this.window.add(header.uids);
      const { uids: _uids, ...entry } = header;
      this.track({ seq, file, ...entry });
    }
    const { requests, items, bytes } = this.size();
    if (requests > 0) this.log.info(`disk queue ${this.dir}: ${requests} request(s) with ${items} item(s) (${bytes} bytes) from an earlier run will be sent`);
  }

  /** The keys of requests sent lately (the journal's last UID_WINDOW lines). */
  private readJournal(): string[] {
    let text: string;
    try {
      text = readFileSync(this.journal, 'latin1');
    } catch {
      return [];
    }
    // A line cut short by a crash is no key: keys are 32 hexadecimal digits.
    const uids = text.split('\n').filter((line) => /^[0-9a-f]{8,64}$/.test(line));
    this.journalLines = uids.length;
    return uids.slice(-UID_WINDOW);
  }

  override push(payload: Payload): PushResult {
    if (this.held.requests > 0) this.writeHeld();
    const result = super.push(payload);
    this.boundHeld();
    return result;
  }

  protected store(payload: Payload): DiskEntry {
    const seq = this.nextSeq++;
    const file = path.join(this.dir, `${String(seq).padStart(16, '0')}${SUFFIX}`);
    const uids = payload.uids ?? [];
    const keys = Buffer.from(uids.length === 0 ? '' : `${uids.join('\n')}\n`, 'latin1');
    const header = Buffer.alloc(HEADER);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt8(SIGNALS.indexOf(payload.signal), 4);
    header.writeUInt8(ENCODINGS.indexOf(payload.encoding), 5);
    header.writeUInt8(COMPRESSIONS.indexOf(payload.compression), 6);
    header.writeUInt32LE(payload.items, 8);
    header.writeUInt32LE(payload.body.byteLength, 12);
    header.writeUInt32LE(crc32(keys, crc32(payload.body)), 16);
    header.writeUInt32LE(keys.byteLength, 20);
    const frame = Buffer.concat([header, payload.body, keys]);
    const entry: DiskEntry = {
      seq, file, signal: payload.signal, encoding: payload.encoding, compression: payload.compression,
      items: payload.items, bytes: payload.body.byteLength,
    };
    // Behind a request held in memory, the next ones wait too: files stay in order.
    const error = this.held.requests === 0 ? this.writeFile(file, frame) : undefined;
    if (this.held.requests === 0 && error === undefined) return entry;
    if (error !== undefined) this.startHolding(error);
    entry.held = { frame, uids };
    this.held.requests++;
    this.held.items += entry.items;
    this.held.bytes += frame.byteLength;
    return entry;
  }

  /** Writes one queue file (temporary name, fsync, rename); the error when it could not, with nothing left behind. */
  private writeFile(file: string, frame: Buffer): Error | undefined {
    const tmp = `${file}.tmp`;
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'w', 0o600);
      writeFileSync(fd, frame);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      crashPoint('queue-written');
      renameSync(tmp, file);
      this.folderDirty = true;
      crashPoint('queue-renamed');
      return undefined;
    } catch (error) {
      if (fd !== undefined) {
        try {
          closeSync(fd);
        } catch {
          // already failing
        }
      }
      rmSync(tmp, { force: true });
      return error as Error;
    }
  }

  private startHolding(error: Error): void {
    if (this.failing) return;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    this.failing = { since: Date.now(), code };
    const bound = `${formatByteSize(this.heldBound.bytes)} and ${this.heldBound.items} items`;
    this.log.error(`cannot write to the disk queue ${this.dir}: ${error.message} (${freeSpace(this.dir)}); requests are held in memory (up to ${bound}) and written as soon as there is room, tried every ${RETRY_MS / 1000} s; meanwhile the receivers' checkpoints do not advance, so nothing held is counted as reported`);
    this.retryTimer = setInterval(() => this.writeHeld(), RETRY_MS);
    this.retryTimer.unref();
  }

  /** Writes the held requests, oldest first, until one fails. */
  private writeHeld(): void {
    for (const entry of this.entries) {
      if (!entry.held) continue;
      if (this.writeFile(entry.file, entry.held.frame) !== undefined) return;
      this.held.requests--;
      this.held.items -= entry.items;
      this.held.bytes -= entry.held.frame.byteLength;
      delete entry.held;
    }
    this.journalPending();
    if (this.failing) {
      clearInterval(this.retryTimer);
      const seconds = ((Date.now() - this.failing.since) / 1000).toFixed(1);
      this.failing = undefined;
      this.log.info(`disk queue ${this.dir} recovered: ${freeSpace(this.dir)} again, caught up (the requests held in memory for ${seconds} s are on disk)${this.lost > 0 ? `; ${this.lost} item(s) had to be dropped meanwhile and are reported again from the receivers' checkpoints` : ''}`);
    }
  }

  /** Over the memory bound: the oldest held requests (never the one being sent) are dropped and counted in `lost`. */
  private get heldBound(): { bytes: number; items: number } {
    return { bytes: Math.min(HELD_BYTES, Math.floor(this.capacity.bytes / 2)), items: Math.floor(this.capacity.items / 2) };
  }

  private boundHeld(): void {
    const bound = this.heldBound;
    while (this.held.bytes > bound.bytes || this.held.items > bound.items) {
      const victim = this.entries.find((entry) => entry.held && entry.seq !== this.inFlightSeq);
      if (!victim) return;
      this.lost += victim.items;
      this.remove(victim, 'dropped');
    }
  }

  /** Requests held in memory because the disk could not take them (lost if the process ends now). */
  heldSize(): { requests: number; items: number; bytes: number } {
    return { ...this.held };
  }

  override persist(): boolean {
    if (this.held.requests > 0) this.writeHeld();
    this.journalPending();
    if (this.folderDirty) {
      try {
        syncFolder(this.dir);
        this.folderDirty = false;
      } catch (error) {
        this.log.problem(`fsync ${this.dir}`, 'error', `cannot flush the disk queue folder ${this.dir} to disk: ${(error as Error).message}; the receivers' checkpoints do not advance until it can`);
        return false;
      }
      this.log.resolved(`fsync ${this.dir}`, `the disk queue folder ${this.dir} can be flushed again`);
    }
    return this.held.requests === 0;
  }

  protected discard(entry: DiskEntry, outcome: Outcome): void {
    if (entry.held) {
      this.held.requests--;
      this.held.items -= entry.items;
      this.held.bytes -= entry.held.frame.byteLength;
      if (outcome === 'dropped') this.window.forget(entry.held.uids);
      return;
    }
    const uids = outcome === 'sent' || this.window.size > 0 ? readKeys(entry.file) : [];
    if (outcome === 'sent') {
      crashPoint('queue-sent');
      // The keys go to the journal before the file goes: a replay after a restart is still dropped.
      // Until they are (the disk is full), the file stays: sent again after a restart at worst.
      this.unjournaled.push(...uids);
      this.sentFiles.push(entry.file);
      this.journalPending();
      return;
    }
    this.window.forget(uids);
    rmSync(entry.file, { force: true });
  }

  /** Appends the keys of sent requests to the journal (fsynced); compacts it when it grew to twice the window. */
  private journalPending(): boolean {
    if (this.unjournaled.length === 0) {
      for (const file of this.sentFiles.splice(0)) rmSync(file, { force: true });
      return true;
    }
    try {
      const fd = openSync(this.journal, 'a', 0o600);
      try {
        writeSync(fd, `${this.unjournaled.join('\n')}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.journalLines += this.unjournaled.length;
      this.unjournaled = [];
    } catch {
      return false;
    }
    for (const file of this.sentFiles.splice(0)) rmSync(file, { force: true });
    if (this.journalLines > 2 * UID_WINDOW) this.compactJournal();
    return true;
  }

  private compactJournal(): void {
    const keep = [...this.window.keys()].slice(-UID_WINDOW);
    const tmp = `${this.journal}.tmp`;
    try {
      writeFileSync(tmp, keep.length === 0 ? '' : `${keep.join('\n')}\n`, { mode: 0o600, flush: true });
      renameSync(tmp, this.journal);
      syncFolder(this.dir);
      this.journalLines = keep.length;
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  body(entry: QueueEntry): Uint8Array | undefined {
    const diskEntry = entry as DiskEntry;
    if (diskEntry.held) return diskEntry.held.frame.subarray(HEADER, HEADER + diskEntry.bytes);
    let data: Buffer;
    try {
      data = readFileSync(diskEntry.file);
    } catch (error) {
      this.log.warn(`disk queue: cannot read ${diskEntry.file}: ${(error as Error).message}; skipping it`);
      this.untrack(diskEntry);
      return undefined;
    }
    const frame = checkFrame(data);
    if (typeof frame === 'string') {
      this.untrack(diskEntry);
      this.setAside(diskEntry.file, frame, diskEntry.items);
      return undefined;
    }
    return frame.body;
  }

  /** A damaged file: renamed to *.corrupt and said, with what it held as far as its header tells (those items are not sent). */
  private setAside(file: string, why: string, items: number | undefined): void {
    const target = file.replace(/\.otlp$/, '.corrupt');
    try {
      renameSync(file, target);
    } catch {
      rmSync(file, { force: true });
    }
    const what = items === undefined ? 'what it held (its header cannot be read) is' : `its ${items} item(s) are`;
    this.log.warn(`disk queue: ${path.basename(file)} is unreadable (${why}); set aside as ${path.basename(target)}: ${what} not sent; the rest of the queue is sent`);
  }

  close(): void {
    clearInterval(this.retryTimer);
    this.journalPending();
    try {
      if (readFileSync(this.lockFile, 'utf8').trim() === String(process.pid)) rmSync(this.lockFile, { force: true });
    } catch {
      // Already gone.
    }
  }
}

/** fsync of a folder: makes the renames and deletions in it survive a power cut. */
function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** "12.3MiB free of 1MiB" for messages; the reason when it cannot be read. */
function freeSpace(dir: string): string {
  try {
    const info = statfsSync(dir);
    return `${info.bavail * info.bsize} bytes free of ${info.blocks * info.bsize}`;
  } catch (error) {
    return `free space unknown: ${(error as Error).message}`;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type Header = Pick<DiskEntry, 'signal' | 'encoding' | 'compression' | 'items' | 'bytes'> & { uids: string[] };

/** The header (and keys) of a queue file, or why it cannot be used. */
function readHeader(file: string): Header | string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(HEADER);
    if (size < HEADER_V1 || readSync(fd, header, 0, Math.min(HEADER, size), 0) < HEADER_V1) return 'it is too short';
    const magic = header.toString('latin1', 0, 4);
    if (magic !== MAGIC && magic !== MAGIC_V1) return 'it is not a queue file of this agent';
    const signal = SIGNALS[header.readUInt8(4)];
    const encoding = ENCODINGS[header.readUInt8(5)];
    const compression = COMPRESSIONS[header.readUInt8(6)];
    const bytes = header.readUInt32LE(12);
    if (!signal || !encoding || !compression) return 'its header is damaged';
    const items = header.readUInt32LE(8);
    if (magic === MAGIC_V1) {
      if (size !== HEADER_V1 + bytes) return `it holds ${size - HEADER_V1} bytes where its header says ${bytes}`;
      return { signal, encoding, compression, items, bytes, uids: [] };
    }
    if (size < HEADER) return 'it is too short';
    const keyBytes = header.readUInt32LE(20);
    if (size !== HEADER + bytes + keyBytes) return `it holds ${size - HEADER} bytes where its header says ${bytes + keyBytes}`;
    const keys = Buffer.alloc(keyBytes);
    readSync(fd, keys, 0, keyBytes, HEADER + bytes);
    return { signal, encoding, compression, items, bytes, uids: splitKeys(keys) };
  } catch (error) {
    return (error as Error).message;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The item count a damaged file's header still tells, if it does. */
function itemsInHeader(file: string): number | undefined {
  try {
    const data = readFileSync(file);
    return data.length >= 12 && [MAGIC, MAGIC_V1].includes(data.toString('latin1', 0, 4)) ? data.readUInt32LE(8) : undefined;
  } catch {
    return undefined;
  }
}

function splitKeys(keys: Buffer): string[] {
  return keys.length === 0 ? [] : keys.toString('latin1').split('\n').filter((line) => line !== '');
}

/** The body of a whole queue file, checked against its checksum; or why it cannot be used. */
function checkFrame(data: Buffer): { body: Buffer; uids: string[] } | string {
  const magic = data.length >= 4 ? data.toString('latin1', 0, 4) : '';
  if (magic === MAGIC_V1 && data.length >= HEADER_V1) {
    const body = data.subarray(HEADER_V1);
    if (body.length !== data.readUInt32LE(12) || crc32(body) !== data.readUInt32LE(16)) return 'its content does not match its checksum';
    return { body, uids: [] };
  }
  if (magic !== MAGIC || data.length < HEADER) return 'its content does not match its checksum';
  const bytes = data.readUInt32LE(12);
  const keyBytes = data.readUInt32LE(20);
  if (data.length !== HEADER + bytes + keyBytes) return 'its content does not match its checksum';
  const body = data.subarray(HEADER, HEADER + bytes);
  const keys = data.subarray(HEADER + bytes);
  if (crc32(keys, crc32(body)) !== data.readUInt32LE(16)) return 'its content does not match its checksum';
  return { body, uids: splitKeys(keys) };
}

/** The keys of a queue file (empty when it cannot be read). */
function readKeys(file: string): string[] {
  const header = readHeader(file);
  return typeof header === 'string' ? [] : header.uids;
}

/** Bytes used by queue files under `dir` (for tests and diagnostics). */
export function queueFiles(dir: string): { name: string; size: number }[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith(SUFFIX)).map((name) => ({ name, size: statSync(path.join(dir, name)).size }));
  } catch {
    return [];
  }
}
