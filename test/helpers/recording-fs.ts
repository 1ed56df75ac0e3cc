// A WatcherFs over the real file system that records every call by path, and can make calls
// on chosen paths fail: to prove which folders the watcher lists, and how it copes with errors.
import type { WatcherFs } from '../../src/receivers/backbone_events/watcher-fs.ts';
import { realWatcherFs } from '../../src/receivers/backbone_events/watcher-fs.ts';

export type FsCall = 'opendir' | 'lstat' | 'watch';

export class RecordingFs {
  readonly calls: { call: FsCall; path: string }[] = [];
  /** Paths (exact) whose opendir fails with this errno code. */
  readonly failOpendir = new Map<string, string>();
  readonly fs: WatcherFs;

  constructor() {
    const fail = (path: string, code: string) => Object.assign(new Error(`${code}: simulated, opendir '${path}'`), { code });
    this.fs = {
      ...realWatcherFs,
      opendir: (path) => {
        this.calls.push({ call: 'opendir', path });
        const code = this.failOpendir.get(path);
        return code ? Promise.reject(fail(path, code)) : realWatcherFs.opendir(path);
      },
      lstat: (path) => {
        this.calls.push({ call: 'lstat', path });
        return realWatcherFs.lstat(path);
      },
      watch: (path, listener) => {
        this.calls.push({ call: 'watch', path });
        return realWatcherFs.watch(path, listener);
      },
    };
  }

  /** Calls on this path or anything below it. */
  under(path: string, call?: FsCall): { call: FsCall; path: string }[] {
    return this.calls.filter((c) => (c.path === path || c.path.startsWith(`${path}/`)) && (call === undefined || c.call === call));
  }
}
