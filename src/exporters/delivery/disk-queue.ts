// The disk-backed sending queue: one file per request, named by sequence number, written to
// a temporary name and renamed into place before the exporter reports the data as taken, and
// deleted only once the backend accepted the request (or refused it for good). What is on
// disk when the agent is killed is sent after the restart: at-least-once delivery, with at
// most the request in flight at the kill sent twice.
//
// File format (little-endian): "BBQ1", signal (0 metrics, 1 logs), encoding (0 protobuf,
// 1 json), compression (0 none, 1 gzip), 0, items (u32), body length (u32), CRC-32 of the
// body (u32), body. A file that does not match is renamed to *.corrupt and reported.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import type { Compression, Encoding, Payload, SignalKind } from './payload.ts';
import { BoundedQueue, type QueueEntry } from './queue.ts';

const MAGIC = 'BBQ1';
const HEADER = 20;
const SUFFIX = '.otlp';
const SIGNALS: SignalKind[] = ['metrics', 'logs'];
const ENCODINGS: Encoding[] = ['protobuf', 'json'];
const COMPRESSIONS: Compression[] = ['none', 'gzip'];

interface DiskEntry extends QueueEntry {
  file: string;
}

export class DiskQueue extends BoundedQueue<DiskEntry> {
  readonly kind = 'disk' as const;
  readonly dir: string;
  private readonly log: AgentLog;
  private nextSeq = 1;
  private readonly lockFile: string;

  /** Opens (creating) the folder, takes its lock and finds the requests an earlier run left. */
  constructor(dir: string, capacity: { items: number; bytes: number }, log: AgentLog) {
    super(capacity);
    this.dir = dir;
    this.log = log;
    mkdirSync(dir, { recursive: true });
    this.lockFile = path.join(dir, 'lock');
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
    found.sort((a, b) => a.seq - b.seq);
    for (const { seq, name } of found) {
      const file = path.join(this.dir, name);
      const header = readHeader(file);
      if (typeof header === 'string' || !Number.isSafeInteger(seq)) {
        this.setAside(file, typeof header === 'string' ? header : 'its name is not a sequence number of this agent');
        continue;
      }
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      this.track({ seq, file, ...header });
    }
    const { requests, items, bytes } = this.size();
    if (requests > 0) this.log.info(`disk queue ${this.dir}: ${requests} request(s) with ${items} item(s) (${bytes} bytes) from an earlier run will be sent`);
  }

  protected store(payload: Payload): DiskEntry {
    const seq = this.nextSeq++;
    const file = path.join(this.dir, `${String(seq).padStart(16, '0')}${SUFFIX}`);
    const header = Buffer.alloc(HEADER);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt8(SIGNALS.indexOf(payload.signal), 4);
    header.writeUInt8(ENCODINGS.indexOf(payload.encoding), 5);
    header.writeUInt8(COMPRESSIONS.indexOf(payload.compression), 6);
    header.writeUInt32LE(payload.items, 8);
    header.writeUInt32LE(payload.body.byteLength, 12);
    header.writeUInt32LE(crc32(payload.body), 16);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, Buffer.concat([header, payload.body]));
    renameSync(tmp, file);
    return {
      seq, file, signal: payload.signal, encoding: payload.encoding, compression: payload.compression,
      items: payload.items, bytes: payload.body.byteLength,
    };
  }

  protected discard(entry: DiskEntry): void {
    rmSync(entry.file, { force: true });
  }

  body(entry: QueueEntry): Uint8Array | undefined {
    const diskEntry = entry as DiskEntry;
    let data: Buffer;
    try {
      data = readFileSync(diskEntry.file);
    } catch (error) {
      this.log.warn(`disk queue: cannot read ${diskEntry.file}: ${(error as Error).message}; skipping it`);
      this.untrack(diskEntry);
      return undefined;
    }
    const body = data.subarray(HEADER);
    if (data.length < HEADER || body.length !== data.readUInt32LE(12) || crc32(body) !== data.readUInt32LE(16)) {
      this.untrack(diskEntry);
      this.setAside(diskEntry.file, 'its content does not match its checksum');
      return undefined;
    }
    return body;
  }

  private setAside(file: string, why: string): void {
    const target = file.replace(/\.otlp$/, '.corrupt');
    try {
      renameSync(file, target);
    } catch {
      rmSync(file, { force: true });
    }
    this.log.warn(`disk queue: ${path.basename(file)} is unreadable (${why}); set aside as ${path.basename(target)}, the rest of the queue is sent`);
  }

  close(): void {
    try {
      if (readFileSync(this.lockFile, 'utf8').trim() === String(process.pid)) rmSync(this.lockFile, { force: true });
    } catch {
      // Already gone.
    }
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

type Header = Pick<DiskEntry, 'signal' | 'encoding' | 'compression' | 'items' | 'bytes'>;

/** The header of a queue file, or why it cannot be used. */
function readHeader(file: string): Header | string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(HEADER);
    if (size < HEADER || readSync(fd, header, 0, HEADER, 0) < HEADER) return 'it is too short';
    if (header.toString('latin1', 0, 4) !== MAGIC) return 'it is not a queue file of this agent';
    const signal = SIGNALS[header.readUInt8(4)];
    const encoding = ENCODINGS[header.readUInt8(5)];
    const compression = COMPRESSIONS[header.readUInt8(6)];
    const bytes = header.readUInt32LE(12);
    if (!signal || !encoding || !compression) return 'its header is damaged';
    if (size !== HEADER + bytes) return `it holds ${size - HEADER} bytes where its header says ${bytes}`;
    return { signal, encoding, compression, items: header.readUInt32LE(8), bytes };
  } catch (error) {
    return (error as Error).message;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Bytes used by queue files under `dir` (for tests and diagnostics). */
export function queueFiles(dir: string): { name: string; size: number }[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith(SUFFIX)).map((name) => ({ name, size: statSync(path.join(dir, name)).size }));
  } catch {
    return [];
  }
}
