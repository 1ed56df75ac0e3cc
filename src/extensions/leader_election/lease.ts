// The lease as a file on a shared file system (NFS, EFS, SMB, or a local one), with nothing
// but operations the file server performs atomically: no inotify, no POSIX locks (which NFS
// may not honour), no comparison of clocks between hosts.
//
// The lease is one empty file in the folder <lease_dir>/lease.d, and everything is in its name:
//
//     lease.<counter>.<epoch>.<holder>[.released]
//
// `counter` grows by one with every renewal, takeover and release; `epoch` is the counter at
// which the holder's term began, so it grows with every change of holder: the fencing token.
// Every change is one rename(2) of exactly the name the agent last saw to the next name. The
// server renames only when the source still exists, so of two agents that rename the same name
// one wins and the other gets ENOENT: a compare-and-swap. The holder compares its token on
// every renewal this way; a standby that acts on an old view (a stale directory cache, or it
// was paused itself) only gets ENOENT. The folder is created once, by renaming a prepared
// folder into place (rename(2) does not replace a folder that is not empty), so it always
// holds exactly one lease file, and two agents can never both start a lease.
//
// Caching on NFS clients can delay when a standby sees a renewal (it then sees no change and
// its takeover attempt fails with ENOENT) or a takeover: it never makes two holders.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** One state of the lease, as the backend saw it. */
export interface LeaseRecord {
  /** Changes with every renewal, takeover and release: what standbys watch for signs of life. */
  version: string;
  /** The fencing token: the same through one holder's term, higher for every later term. */
  epoch: number;
  holder: string;
  /** The holder gave the lease up (at shutdown): a standby may take it at once. */
  released: boolean;
}

/**
 * Where the lease is kept. Each method is one atomic step at the server; the timing (how
 * long a lease holds, when to renew, when a standby may take over) is the elector's.
 */
export interface LeaseBackend {
  /** Where the lease is, for log lines. */
  readonly description: string;
  /** Creates what the backend needs (the folder) and checks that it can write there. */
  prepare(): Promise<void>;
  /** The lease as it is now; undefined when there is none yet. */
  observe(): Promise<LeaseRecord | undefined>;
  /**
   * Takes the lease for `identity` as a new term if it is still exactly `seen` (undefined: if
   * there is no lease yet). Undefined when another agent changed it first.
   */
  acquire(seen: LeaseRecord | undefined, identity: string): Promise<LeaseRecord | undefined>;
  /** Renews if the lease is still exactly `mine`; undefined when another agent holds it now. Throws on I/O trouble. */
  renew(mine: LeaseRecord): Promise<LeaseRecord | undefined>;
  /** Gives the lease up if it is still exactly `mine`, so that a standby can take it at once. */
  release(mine: LeaseRecord): Promise<void>;
}

export const LEASE_FOLDER = 'lease.d';
const NAME = /^lease\.(\d+)\.(\d+)\.([A-Za-z0-9_-]+)(\.released)?$/;

interface Parsed extends LeaseRecord {
  counter: number;
}

function leaseName(counter: number, epoch: number, holder: string, released = false): string {
  const pad = (n: number) => String(n).padStart(12, '0');
  return `lease.${pad(counter)}.${pad(epoch)}.${holder}${released ? '.released' : ''}`;
}

export function parseLeaseName(name: string): Parsed | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const counter = Number(match[1]);
  const epoch = Number(match[2]);
  if (!Number.isSafeInteger(counter) || !Number.isSafeInteger(epoch) || epoch > counter) return undefined;
  return { version: name, counter, epoch, holder: match[3]!, released: match[4] !== undefined };
}

function code(error: unknown): string {
  const value = (error as { code?: unknown } | null)?.code;
  return typeof value === 'string' ? value : '';
}

export class FileLease implements LeaseBackend {
  readonly dir: string;
  private readonly folder: string;
  readonly description: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    this.folder = path.join(this.dir, LEASE_FOLDER);
    this.description = `file lease in ${this.folder}`;
  }

  async prepare(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    // A write test, so that a read-only or foreign-owned folder is reported at start.
    const probe = path.join(this.dir, `.write-test-${process.pid}-${Date.now()}`);
    await fs.writeFile(probe, '');
    await fs.rm(probe, { force: true });
  }

  async observe(): Promise<LeaseRecord | undefined> {
    let names: string[];
    try {
      names = await fs.readdir(this.folder);
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
    let latest: Parsed | undefined;
    for (const name of names) {
      const parsed = parseLeaseName(name);
      if (parsed && (latest === undefined || parsed.counter > latest.counter)) latest = parsed;
    }
    return latest === undefined ? undefined : strip(latest);
  }

  async acquire(seen: LeaseRecord | undefined, identity: string): Promise<LeaseRecord | undefined> {
    if (seen === undefined) return this.create(identity);
    const from = parseLeaseName(seen.version);
    if (!from) return undefined;
    const counter = from.counter + 1;
    const to = leaseName(counter, counter, identity);
    return (await this.move(from.version, to)) ? strip(parseLeaseName(to)!) : undefined;
  }

  async renew(mine: LeaseRecord): Promise<LeaseRecord | undefined> {
    const from = parseLeaseName(mine.version)!;
    const to = leaseName(from.counter + 1, from.epoch, from.holder);
    return (await this.move(from.version, to)) ? strip(parseLeaseName(to)!) : undefined;
  }

  async release(mine: LeaseRecord): Promise<void> {
    const from = parseLeaseName(mine.version)!;
    await this.move(from.version, leaseName(from.counter + 1, from.epoch, from.holder, true));
  }

  /** The compare-and-swap: true when this rename moved the lease from `from` to `to`. */
  private async move(from: string, to: string): Promise<boolean> {
    try {
      await fs.rename(path.join(this.folder, from), path.join(this.folder, to));
      return true;
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
      // Another agent moved it first; or, over NFS, the rename was done and its reply lost,
      // so that the retransmission found no source: then the target is there, and ours.
      return exists(path.join(this.folder, to));
    }
  }

  /**
   * The first lease: a prepared folder with the first lease file in it, renamed into place.
   * rename(2) fails on a folder that is not empty, so only one agent can succeed, ever (until
   * someone deletes the folder).
   */
  private async create(identity: string): Promise<LeaseRecord | undefined> {
    await fs.mkdir(this.dir, { recursive: true });
    const staging = await fs.mkdtemp(path.join(this.dir, `.new-lease-${identity}-`));
    const first = leaseName(1, 1, identity);
    try {
      await fs.writeFile(path.join(staging, first), '', { flag: 'wx' });
      try {
        await fs.rename(staging, this.folder);
        return strip(parseLeaseName(first)!);
      } catch (error) {
        const why = code(error);
        if (why === 'ENOTEMPTY' || why === 'EEXIST' || why === 'ENOTDIR' || why === 'EISDIR') return undefined;
        if (why === 'ENOENT' && await exists(path.join(this.folder, first))) return strip(parseLeaseName(first)!);
        throw error;
      }
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
}

function strip(parsed: Parsed): LeaseRecord {
  return { version: parsed.version, epoch: parsed.epoch, holder: parsed.holder, released: parsed.released };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}
