// The disk-backed sending queue: one file per request (queue-file.ts), named by sequence
// number, written to a temporary name, fsynced, renamed into place and the folder fsynced
// before push() answers, so that a request the queue accepted survives kill -9 and a power
// cut; deleted only once the backend accepted the request (or refused it for good). What is
// on disk when the agent is killed is sent after the restart, with at most the request in
// flight at the kill sent twice (byte for byte the same request).
//
// Before a sent file is deleted its keys (log.record.uid) go to the sent journal
// (sent-journal.ts): the window of keys (uid-window.ts) is rebuilt at start from the files and
// the journal, so that a record handed on again after a kill -9 is not queued twice.
//
// A file that cannot be written (ENOSPC, EDQUOT, EIO) is not kept in memory instead: push()
// answers that it could not write, the exporter refuses the batch (disk_full), and the
// receiver that promises its records (backbone_events) keeps them and hands them on again.
// The fsyncs run off the event loop (storage/durable-file.ts).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { crashPoint } from '../../storage/crash-point.ts';
import type { FolderLock } from '../../storage/folder-lock.ts';
import { writeFileDurably } from '../../storage/durable-file.ts';
import type { Payload } from './payload.ts';
import { checkFrame, encodeFrame, fileName, itemsInHeader, readHeader, readKeys } from './queue-file.ts';
import { BoundedQueue, type Outcome, type QueueEntry } from './queue.ts';
import { SentJournal } from './sent-journal.ts';

interface DiskEntry extends QueueEntry {
  file: string;
}

export class DiskQueue extends BoundedQueue<DiskEntry> {
  readonly kind = 'disk' as const;
  readonly dir: string;
  private readonly log: AgentLog;
  private nextSeq = 1;
  /** Taken by the exporter before the queue is opened (folder-lock.ts); released when it closes. */
  private readonly lock: FolderLock | undefined;
  private readonly journal: SentJournal;
  /** Keys of sent requests that the journal could not take yet (the disk is full), and their files, removed once it did. */
  private unjournaled: string[] = [];
  private sentFiles: string[] = [];

  /** Opens (creating) the folder and finds the requests an earlier run left. */
  constructor(dir: string, capacity: { items: number; bytes: number }, log: AgentLog, lock?: FolderLock) {
    super(capacity);
    this.dir = dir;
    this.log = log;
    this.lock = lock;
    mkdirSync(dir, { recursive: true });
    this.journal = new SentJournal(dir);
    this.recover();
  }

  private recover(): void {
    const found: { seq: number; name: string }[] = [];
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.tmp')) {
        // A write cut short by a crash: that request was never answered as kept.
        rmSync(path.join(this.dir, name), { force: true });
        continue;
      }
      const match = /^(\d+)\.otlp$/.exec(name);
      if (match) found.push({ seq: Number(match[1]), name });
    }
    this.window.addSent(this.journal.read());
    found.sort((a, b) => a.seq - b.seq);
    for (const { seq, name } of found) {
      const file = path.join(this.dir, name);
      const header = readHeader(file);
      if (typeof header === 'string' || !Number.isSafeInteger(seq)) {
        this.setAside(file, typeof header === 'string' ? header : 'its name is not a sequence number of this agent', itemsInHeader(file));
        continue;
      }
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      this.window.addQueued(header.uids);
      const { uids: _uids, ...entry } = header;
      this.track({ seq, file, ...entry });
    }
    const { requests, items, bytes } = this.size();
    if (requests > 0) this.log.info(`disk queue ${this.dir}: ${requests} request(s) with ${items} item(s) (${bytes} bytes) from an earlier run will be sent`);
  }

  protected async store(payload: Payload): Promise<DiskEntry> {
    const seq = this.nextSeq++;
    const file = path.join(this.dir, fileName(seq));
    await writeFileDurably(file, encodeFrame(payload), {
      beforeRename: () => crashPoint('queue-written'),
      afterRename: () => crashPoint('queue-renamed'),
    });
    return {
      seq, file, signal: payload.signal, encoding: payload.encoding, compression: payload.compression,
      items: payload.items, bytes: payload.body.byteLength,
    };
  }

  /** What to say when a file could not be written: the folder, the error and the free space. */
  describeWriteFailure(error: Error): string {
    return `cannot write to the disk queue ${this.dir}: ${error.message} (${freeSpace(this.dir)})`;
  }

  protected async discard(entry: DiskEntry, outcome: Outcome): Promise<void> {
    const uids = readKeys(entry.file);
    if (outcome === 'sent') {
      crashPoint('queue-sent');
      this.window.addSent(uids);
      // The keys go to the journal before the file goes: a record handed on again after a
      // restart is still dropped. Until they are (the disk is full), the file stays: sent
      // again after a restart at worst.
      this.unjournaled.push(...uids);
      this.sentFiles.push(entry.file);
      await this.journalPending();
      return;
    }
    this.window.forget(uids);
    await rm(entry.file, { force: true });
  }

  private async journalPending(): Promise<void> {
    if (this.unjournaled.length > 0) {
      const keys = this.unjournaled;
      this.unjournaled = [];
      try {
        await this.journal.append(keys);
      } catch {
        this.unjournaled = keys.concat(this.unjournaled);
        return;
      }
    }
    for (const file of this.sentFiles.splice(0)) await rm(file, { force: true });
    if (this.journal.needsCompaction) await this.journal.compact([...this.window.sentKeys()]);
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

  async close(): Promise<void> {
    await this.journalPending();
    await this.lock?.release();
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

