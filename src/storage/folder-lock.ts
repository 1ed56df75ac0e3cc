// One agent at a time in a storage folder (a disk queue, a checkpoint). A lock that holds a
// process id and counts a dead one as free breaks in containers: two agents that are each PID 1
// of their own container both see "process 1 is alive" (themselves) or, looking from another
// PID namespace, cannot tell at all. So the lock file holds an owner record (a random instance
// id, host name, PID, the PID namespace's inode, the boot id, since when), and its holder
// refreshes the file's time every `heartbeatMs`. Another agent takes it only when the owner is
// certainly gone: same boot and same PID namespace and that PID is dead; or no heartbeat for
// `staleAfterMs` (judged by the file's time on the same boot, else by watching the file for that
// long with its own clock, so that clocks of other hosts do not matter).
//
// Taking a free lock is link(temp, lock), which fails for all but one taker. Taking over a stale
// one goes through a second file made with O_EXCL (lock.takeover), so only one taker at a time
// may replace it; that taker checks the lock is still the stale one it judged, then renames its
// own record over it. The holder checks at every heartbeat that the file is still its own, and
// says so through onLost when it is not.
import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import { type FileHandle, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

/** Who holds a lock: written in the lock file as JSON. */
export interface LockOwner {
  /** Random, per acquisition: tells two holders apart when everything else is equal. */
  instance: string;
  host: string;
  pid: number;
  /** The inode of the holder's PID namespace ("pid:[4026531836]"); undefined where /proc does not say. */
  pidNamespace: string | undefined;
  /** /proc/sys/kernel/random/boot_id: the same machine, since its last boot. */
  bootId: string | undefined;
  /** When it took the lock (ISO 8601). */
  since: string;
  /** What the folder holds for it ("disk queue of otlphttp in logs"), for messages. */
  purpose: string | undefined;
  /** After how long without a heartbeat its lock counts as left behind: the holder's promise, which takers go by. */
  staleAfterMs: number | undefined;
}

export interface FolderLockOptions {
  /** The lock file's name in the folder. Default: lock. */
  name?: string;
  /** What the folder holds, said in the other agent's message. */
  purpose?: string;
  /** How often the holder refreshes the lock file. Default: 5 s. */
  heartbeatMs?: number;
  /** A lock not refreshed for this long counts as left behind. Default: 3 heartbeats. */
  staleAfterMs?: number;
  /** Called once when the lock turned out no longer to be this holder's (taken over, removed, or not refreshable for staleAfterMs). */
  onLost?: (reason: string) => void;
  /** Called once when the lock is held by an agent this one cannot see is alive or dead: it then watches the lock for up to staleAfterMs. */
  onWait?: (owner: string) => void;
}

export interface FolderLock {
  readonly dir: string;
  readonly file: string;
  readonly owner: LockOwner;
  /** False once lost or released. */
  readonly held: boolean;
  /** Stops the heartbeat and removes the lock file if it is still this holder's. */
  release(): Promise<void>;
  /** The same, synchronously (for a close() that cannot wait). */
  releaseSync(): void;
}

/** Another agent holds the folder: the message names the folder and that agent. */
export class FolderLockHeldError extends Error {
  readonly dir: string;
  readonly file: string;
  readonly owner: LockOwner | undefined;
  constructor(dir: string, file: string, owner: LockOwner | undefined, refreshedMsAgo: number) {
    const purpose = owner?.purpose === undefined ? '' : ` for its ${owner.purpose}`;
    super(`the folder ${dir} is in use by another agent${owner === undefined ? '' : ` (${describeOwner(owner)})`}${purpose}: its lock file ${path.basename(file)} was refreshed ${formatAge(refreshedMsAgo)} ago; give each agent its own storage folder`);
    this.name = 'FolderLockHeldError';
    this.dir = dir;
    this.file = file;
    this.owner = owner;
  }
}

const DEFAULT_HEARTBEAT_MS = 5_000;

export async function acquireFolderLock(dir: string, options: FolderLockOptions = {}): Promise<FolderLock> {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const staleAfterMs = options.staleAfterMs ?? 3 * heartbeatMs;
  if (!(staleAfterMs > heartbeatMs)) throw new Error(`staleAfterMs (${staleAfterMs}) must be longer than heartbeatMs (${heartbeatMs})`);
  const name = options.name ?? 'lock';
  const file = path.join(dir, name);
  const takeover = `${file}.takeover`;
  const owner: LockOwner = {
    instance: randomUUID(), host: hostname(), pid: process.pid, pidNamespace: self.pidNamespace, bootId: self.bootId,
    since: new Date().toISOString(), purpose: options.purpose, staleAfterMs,
  };
  const record = `${JSON.stringify(owner)}\n`;
  await mkdir(dir, { recursive: true });
  // Written whole before it is linked or renamed into place: a lock file is never half written.
  const temp = path.join(dir, `.${name}.${owner.instance}.new`);
  await writeDurably(temp, record, 'wx');
  const pollMs = Math.max(5, Math.min(250, Math.floor(heartbeatMs / 4)));
  let watched: { ino: number; mtimeMs: number; since: number } | undefined;
  let waitSaid = false;
  try {
    for (;;) {
      if (await linkOrCreate(temp, file, record)) return new HeldLock(dir, file, owner, heartbeatMs, staleAfterMs, options.onLost);
      const found = await readLock(file);
      if (found === undefined) continue; // Released meanwhile: try again.
      if (watched !== undefined && (watched.ino !== found.ino || watched.mtimeMs !== found.mtimeMs)) {
        // Refreshed while watched: its holder is alive. Replaced: judge the new one.
        if (watched.ino === found.ino) throw new FolderLockHeldError(dir, file, found.owner, Date.now() - found.mtimeMs);
        watched = undefined;
      }
      const verdict = judge(found, staleAfterMs, watched);
      if (verdict === 'held') throw new FolderLockHeldError(dir, file, found.owner, Date.now() - found.mtimeMs);
      if (verdict === 'stale') {
        if (await takeOver(file, takeover, temp, found, staleAfterMs)) return new HeldLock(dir, file, owner, heartbeatMs, staleAfterMs, options.onLost);
        await delay(pollMs);
        continue;
      }
      if (watched === undefined) watched = { ino: found.ino, mtimeMs: found.mtimeMs, since: performance.now() };
      if (!waitSaid) {
        waitSaid = true;
        options.onWait?.(found.owner === undefined ? 'an unreadable owner record' : describeOwner(found.owner));
      }
      await delay(pollMs);
    }
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * Puts the record in place as the lock file if there is none: true when this taker made it.
 * link() is atomic, and the file appears whole; over NFS a link whose reply was lost fails
 * with EEXIST although it was made, which the temp file's link count tells. On a file system
 * without hard links (SMB), the file is created with O_EXCL and written after: a reader that
 * finds it empty meanwhile watches it like a lock it cannot judge.
 */
async function linkOrCreate(temp: string, file: string, record: string): Promise<boolean> {
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = codeOf(error);
    if (code === 'EEXIST') return (await stat(temp)).nlink === 2;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
  }
  try {
    await writeDurably(file, record, 'wx');
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
}

interface FoundLock {
  ino: number;
  mtimeMs: number;
  /** Undefined when the file does not hold an owner record (a power cut before it reached the disk). */
  owner: LockOwner | undefined;
}

/** The lock file's owner and times, opened so that a network file system shows its latest state; undefined when there is none. */
async function readLock(file: string): Promise<FoundLock | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = await handle.stat();
    return { ino: info.ino, mtimeMs: info.mtimeMs, owner: parseOwner(await handle.readFile('utf8')) };
  } finally {
    await handle.close();
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    if (value === null || typeof value !== 'object' || typeof value.instance !== 'string' || typeof value.pid !== 'number') return undefined;
    return {
      instance: value.instance, host: String(value.host ?? '?'), pid: value.pid,
      pidNamespace: typeof value.pidNamespace === 'string' ? value.pidNamespace : undefined,
      bootId: typeof value.bootId === 'string' ? value.bootId : undefined,
      since: String(value.since ?? '?'), purpose: typeof value.purpose === 'string' ? value.purpose : undefined,
      staleAfterMs: typeof value.staleAfterMs === 'number' && value.staleAfterMs > 0 ? value.staleAfterMs : undefined,
    };
  } catch {
    return undefined;
  }
}

/**
 * held: its owner is alive (certainly: same PID namespace, PID alive and refreshed lately);
 * stale: certainly left behind; watch: cannot be told yet (another PID namespace or machine):
 * look again until it is refreshed (alive) or staleAfterMs passed without (left behind).
 */
function judge(found: FoundLock, ownStaleAfterMs: number, watched: { since: number } | undefined): 'held' | 'stale' | 'watch' {
  const owner = found.owner;
  // The holder's period, not this taker's: a holder that beats every 5 s is not stale after a taker's 300 ms.
  const staleAfterMs = owner?.staleAfterMs ?? ownStaleAfterMs;
  const sameBoot = owner?.bootId !== undefined && owner.bootId === self.bootId;
  // On the same machine, the file's time and this clock are one clock.
  const age = Date.now() - found.mtimeMs;
  if (sameBoot && owner!.pidNamespace !== undefined && owner!.pidNamespace === self.pidNamespace) {
    // This process's PID: held by a lock of this process, or left by an earlier one that had this PID (a container's PID 1).
    if (owner!.pid === process.pid) return heldHere.has(owner!.instance) ? 'held' : 'stale';
    if (!isAlive(owner!.pid)) return 'stale';
    return age > staleAfterMs ? 'stale' : 'held';
  }
  if (sameBoot) return age > staleAfterMs ? 'stale' : 'watch';
  return watched !== undefined && performance.now() - watched.since > staleAfterMs ? 'stale' : 'watch';
}

/**
 * Replaces a lock judged stale by this taker's record; false when another taker is at it or
 * the lock changed since it was judged (then the caller judges again).
 */
async function takeOver(file: string, takeover: string, temp: string, judged: FoundLock, staleAfterMs: number): Promise<boolean> {
  try {
    await writeDurably(takeover, '', 'wx');
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
    // A taker that died halfway leaves its takeover file: gone after staleAfterMs (a takeover takes milliseconds).
    const info = await stat(takeover).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > staleAfterMs) await unlink(takeover).catch(() => {});
    return false;
  }
  try {
    const now = await readLock(file);
    if (now === undefined || now.ino !== judged.ino || now.mtimeMs !== judged.mtimeMs) return false;
    await rename(temp, file);
    await syncFolder(path.dirname(file));
    return true;
  } finally {
    await unlink(takeover).catch(() => {});
  }
}

class HeldLock implements FolderLock {
  readonly dir: string;
  readonly file: string;
  readonly owner: LockOwner;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private readonly onLost: ((reason: string) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private state: 'held' | 'lost' | 'released' = 'held';
  private lastBeat = performance.now();

  constructor(dir: string, file: string, owner: LockOwner, heartbeatMs: number, staleAfterMs: number, onLost: ((reason: string) => void) | undefined) {
    this.dir = dir;
    this.file = file;
    this.owner = owner;
    this.heartbeatMs = heartbeatMs;
    this.staleAfterMs = staleAfterMs;
    this.onLost = onLost;
    heldHere.add(owner.instance);
    this.schedule();
  }

  get held(): boolean {
    return this.state === 'held';
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** Refreshes the lock file's time, after checking it is still this holder's. */
  private async beat(): Promise<void> {
    if (this.state !== 'held') return;
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.file, 'r');
      const owner = parseOwner(await handle.readFile('utf8'));
      if (owner?.instance !== this.owner.instance) {
        this.lose(`the lock ${this.file} was taken over by ${owner === undefined ? 'an unknown owner' : describeOwner(owner)}`);
        return;
      }
      const now = new Date();
      await handle.utimes(now, now);
      this.lastBeat = performance.now();
    } catch (error) {
      if (codeOf(error) === 'ENOENT') {
        this.lose(`the lock ${this.file} was removed`);
        return;
      }
      if (performance.now() - this.lastBeat > this.staleAfterMs) {
        this.lose(`the lock ${this.file} could not be refreshed for ${formatAge(performance.now() - this.lastBeat)} (${(error as Error).message}): another agent may take the folder`);
        return;
      }
    } finally {
      await handle?.close().catch(() => {});
    }
    if (this.state === 'held') this.schedule();
  }

  private lose(reason: string): void {
    if (this.state !== 'held') return;
    this.state = 'lost';
    heldHere.delete(this.owner.instance);
    clearTimeout(this.timer);
    this.onLost?.(reason);
  }

  async release(): Promise<void> {
    if (this.state === 'released') return;
    const wasHeld = this.state === 'held';
    this.state = 'released';
    heldHere.delete(this.owner.instance);
    clearTimeout(this.timer);
    if (!wasHeld) return;
    const text = await readFile(this.file, 'utf8').catch(() => '');
    if (parseOwner(text)?.instance === this.owner.instance) await unlink(this.file).catch(() => {});
  }

  releaseSync(): void {
    if (this.state === 'released') return;
    const wasHeld = this.state === 'held';
    this.state = 'released';
    heldHere.delete(this.owner.instance);
    clearTimeout(this.timer);
    if (!wasHeld) return;
    try {
      if (parseOwner(readFileSync(this.file, 'utf8'))?.instance === this.owner.instance) unlinkSync(this.file);
    } catch {
      // Already gone.
    }
  }
}

/** "process 1 on host agent-7f9c (another PID namespace), since 2026-12-07T19:00:00.000Z" */
export function describeOwner(owner: LockOwner): string {
  const where = owner.bootId === self.bootId
    ? owner.pidNamespace === self.pidNamespace ? '' : owner.pidNamespace === undefined ? ' (PID namespace unknown)' : ' (another PID namespace)'
    : ' (another machine or boot)';
  return `process ${owner.pid} on host ${owner.host}${where}, since ${owner.since}`;
}

/** The instances of the locks this process holds. */
const heldHere = new Set<string>();

/** This process's PID namespace and boot, read once. */
const self = {
  pidNamespace: readOrUndefined(() => readlinkSync('/proc/self/ns/pid')),
  bootId: readOrUndefined(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()),
};

function readOrUndefined(read: () => string): string | undefined {
  try {
    return read() || undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

async function writeDurably(file: string, text: string, flag: 'wx'): Promise<void> {
  const handle = await open(file, flag, 0o644);
  try {
    await handle.writeFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot sync a folder; the rename stands without it.
  } finally {
    await handle.close();
  }
}

function formatAge(ms: number): string {
  if (ms < 0) return '0 s';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A full or read-only disk: the lock cannot be written there, though the folder may still be read. */
export function isWriteFailure(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS';
}
