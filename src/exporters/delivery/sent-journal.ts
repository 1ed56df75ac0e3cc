// The keys (log.record.uid) of requests the disk queue sent, appended to `sent.uids` and
// fsynced before a sent request's file is deleted, so that the window of keys (uid-window.ts)
// is rebuilt at start and a record handed on again after a kill -9 is not queued twice.
// Compacted to the window's size when it grew to twice that.
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { appendDurably, syncFolder } from '../../storage/durable-file.ts';
import { SENT_WINDOW } from './uid-window.ts';

export const JOURNAL = 'sent.uids';

export class SentJournal {
  readonly file: string;
  private lines = 0;

  constructor(dir: string) {
    this.file = path.join(dir, JOURNAL);
  }

  /** The keys of requests sent lately (the journal's last SENT_WINDOW lines). */
  read(): string[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'latin1');
    } catch {
      return [];
    }
    // A line cut short by a crash is no key: keys are 32 hexadecimal digits.
    const uids = text.split('\n').filter((line) => /^[0-9a-f]{8,64}$/.test(line));
    this.lines = uids.length;
    return uids.slice(-SENT_WINDOW);
  }

  /** Appends keys (fsynced); throws when the disk cannot take them. */
  async append(uids: readonly string[]): Promise<void> {
    if (uids.length === 0) return;
    await appendDurably(this.file, `${uids.join('\n')}\n`);
    this.lines += uids.length;
  }

  get needsCompaction(): boolean {
    return this.lines > 2 * SENT_WINDOW;
  }

  /** Rewrites the journal with `keep` only (the window's keys). */
  async compact(keep: readonly string[]): Promise<void> {
    const tmp = `${this.file}.tmp`;
    try {
      await writeFile(tmp, keep.length === 0 ? '' : `${keep.join('\n')}\n`, { mode: 0o600, flush: true });
      await rename(tmp, this.file);
      await syncFolder(path.dirname(this.file));
      this.lines = keep.length;
    } catch {
      await rm(tmp, { force: true }).catch(() => {});
    }
  }
}
