// Where a scan runs: on the agent's own thread, in slices (scanner.ts, scanInSlices), or in
// the scan worker (scan-thread.ts).
//
// A worker is a V8 isolate and a Node environment of its own: the first one started leaves
// about 15 MB resident for good, even after it ended (measured: `node -e` goes from 41 to
// 57 MB once a worker has run; the idle agent from 80 to 85 MB, its peak from 85 to 100 MB).
// A small tree on a local disk takes a few milliseconds to scan: it is scanned in slices
// between the event loop's other work, and no worker is ever started.
//
// The worker is used where it is needed:
// - on a network or FUSE file system (NFS, SMB, a Data Center shared home), where a system
//   call can hang for minutes: the worker is abandoned after the scan timeout, the agent's
//   own thread never waits for the server;
// - for a big tree (the last scan met more than IN_LOOP_ENTRIES entries), whose scan would
//   take the agent's thread for long enough to be felt (about a second at 200,000 files):
//   the worker runs it on the machine's other core.
// The file system is looked at before every scan (a mount can come and go); a look that
// gets no answer within LOOK_TIMEOUT_MS counts as a network file system.
import { detectFsType, nodeFsTypeProbe } from '../../backbone/fs-type.ts';
import { scanInSlices, type ScanOptions, type ScanResult } from './scanner.ts';
import { ScanThread } from './scan-thread.ts';

/** Trees up to this many directory entries are scanned on the agent's thread. */
export const IN_LOOP_ENTRIES = 20_000;
const LOOK_TIMEOUT_MS = 1_000;

export type ScanPlace = 'loop' | 'worker';

export interface ScanPlacementOptions {
  /** Whether the root lies on a network file system (tests stand in for statfs). */
  isRemote?: (root: string) => Promise<boolean>;
  inLoopEntries?: number;
}

export class ScanPlacement {
  private readonly isRemote: (root: string) => Promise<boolean>;
  private readonly inLoopEntries: number;
  private readonly thread = new ScanThread();
  /** Directory entries the last scan met (undefined before the first). */
  private lastEntries: number | undefined;
  /** Where the last scan ran (tests, and the debug log). */
  lastPlace: ScanPlace | undefined;

  constructor(options: ScanPlacementOptions = {}) {
    this.isRemote = options.isRemote ?? remoteFileSystem;
    this.inLoopEntries = options.inLoopEntries ?? IN_LOOP_ENTRIES;
  }

  /** True while a worker is resident. */
  get workerResident(): boolean {
    return this.thread.resident;
  }

  async scan(options: ScanOptions): Promise<ScanResult> {
    const big = this.lastEntries !== undefined && this.lastEntries > this.inLoopEntries;
    const place: ScanPlace = big || await this.isRemote(options.root) ? 'worker' : 'loop';
    this.lastPlace = place;
    const result = place === 'loop' ? await scanInSlices(options) : await this.thread.scan(options);
    this.lastEntries = result.entries;
    return result;
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}

/** statfs and the mount table, with a deadline: a server that does not answer is remote. */
async function remoteFileSystem(root: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), LOOK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([late, detectFsType(nodeFsTypeProbe, root).then((type) => type.remote)]);
  } finally {
    clearTimeout(timer);
  }
}
