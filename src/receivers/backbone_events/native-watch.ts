// Native mode's fast path: one fs.watch (inotify on Linux) per folder the last listing opened
// (structure and listed state folders; never a lookup-only folder such as `processed`). An
// event only names an entry to look at: the reconciler checks it with lstat, so an event that
// is duplicated, reordered or lost does no harm (listings catch what events miss).
//
// Raw fs.watch rather than chokidar: the watcher needs no more than "look at this name", and
// in a 10,000-rename burst chokidar 6 delivered its last event about 1.4 s after the burst, raw
// fs.watch about 0.1 s (see bench/watcher.bench.ts); chokidar also stats every entry itself,
// work the reconciler does anyway.
import type { FSWatcher } from 'node:fs';
import { absolute, joinRel } from './tree-walk.ts';
import { errorCode, type WatcherFs } from './watcher-fs.ts';

export interface NativeWatchHandlers {
  /** An entry (relative to the root) may have appeared or vanished. */
  entry(rel: string): void;
  /** Something changed that only a full listing sorts out. */
  folderChanged(rel: string): void;
  /** Watching cannot go on (inotify watch limit, too many open files): switch to polling. */
  fatal(error: Error): void;
}

interface Watched {
  watcher: FSWatcher;
  ino: number;
}

/** Errors after which native watching cannot be trusted to cover the tree. */
const FATAL = new Set(['ENOSPC', 'EMFILE', 'ENFILE', 'ENOSYS', 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM']);

export class NativeWatch {
  private readonly fs: WatcherFs;
  private readonly root: string;
  private readonly handlers: NativeWatchHandlers;
  private readonly watched = new Map<string, Watched>();
  private closed = false;

  constructor(fs: WatcherFs, root: string, handlers: NativeWatchHandlers) {
    this.fs = fs;
    this.root = root;
    this.handlers = handlers;
  }

  get count(): number {
    return this.watched.size;
  }

  /**
   * Watches exactly these folders: new ones are added, gone ones closed, replaced ones renewed.
   * Returns the folders whose watch is new: what they held before the watch was in place is
   * known only from a listing made after it (the caller lists them again).
   */
  async sync(rels: readonly string[]): Promise<string[]> {
    const added: string[] = [];
    const wanted = new Set(rels);
    for (const [rel, watched] of this.watched) {
      if (!wanted.has(rel)) this.unwatch(rel, watched);
    }
    for (const rel of rels) {
      if (this.closed) return added;
      let ino: number;
      try {
        const info = await this.fs.lstat(absolute(this.root, rel));
        if (info.kind !== 'directory') continue;
        ino = info.ino;
      } catch {
        const gone = this.watched.get(rel);
        if (gone) this.unwatch(rel, gone);
        continue;
      }
      const current = this.watched.get(rel);
      if (current && current.ino === ino) continue;
      if (current) this.unwatch(rel, current); // the folder was removed and made again
      if (!this.watch(rel, ino)) return added;
      added.push(rel);
    }
    return added;
  }

  /**
   * Watches these folders too (made since the last listing). Returns the folders whose watch is
   * new (to be listed again now that it is in place), and whether one of them was already
   * watched but has been removed and made again since (a full listing should follow).
   */
  async add(rels: readonly string[]): Promise<{ added: string[]; replaced: boolean }> {
    let replaced = false;
    const added: string[] = [];
    for (const rel of rels) {
      if (this.closed) break;
      try {
        const info = await this.fs.lstat(absolute(this.root, rel));
        if (info.kind !== 'directory') continue;
        const current = this.watched.get(rel);
        if (current?.ino === info.ino) continue;
        if (current) {
          this.unwatch(rel, current);
          replaced = true;
        }
        if (!this.watch(rel, info.ino)) break; // fatal: switching to polling
        added.push(rel);
      } catch {
        // gone again: nothing to watch
      }
    }
    return { added, replaced };
  }

  private watch(rel: string, ino: number): boolean {
    let watcher: FSWatcher;
    try {
      watcher = this.fs.watch(absolute(this.root, rel), (event, name) => {
        // 'change' is a change of content or attributes: nothing appeared or vanished.
        if (event !== 'rename') return;
        if (name === null || name === '') this.handlers.folderChanged(rel);
        else this.handlers.entry(joinRel(rel, name));
      });
    } catch (error) {
      if (FATAL.has(errorCode(error))) {
        this.handlers.fatal(error as Error);
        return false;
      }
      this.handlers.folderChanged(rel); // gone or unreadable meanwhile: the next listing sorts it out
      return true;
    }
    watcher.on('error', (error: Error) => {
      const watched = this.watched.get(rel);
      if (watched?.watcher === watcher) this.unwatch(rel, watched);
      if (FATAL.has(errorCode(error))) this.handlers.fatal(error);
      else this.handlers.folderChanged(rel);
    });
    this.watched.set(rel, { watcher, ino });
    return true;
  }

  private unwatch(rel: string, watched: Watched): void {
    this.watched.delete(rel);
    try {
      watched.watcher.close();
    } catch {
      // already closed
    }
  }

  close(): void {
    this.closed = true;
    for (const [rel, watched] of this.watched) this.unwatch(rel, watched);
  }
}
