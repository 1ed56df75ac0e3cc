// The watcher's belief of where every followed message is, and the only place that changes it.
// Every change of the belief is one reported transition, and a change is made only on what
// the file system says at that moment:
// - a message is moved from A to B only when A is gone (lstat) and B exists;
// - a message that vanished from A is looked up by name in the other folders of its project
//   (lookup-only folders such as `processed` included, which are never listed), and counts as
//   gone only when it was found nowhere for the grace period;
// - a message that appears where the belief has none is paired with a vanished one of the same
//   name in the same project, or else counts as new.
// Events only say where to look (checkPaths); full listings (fullRound) find whatever events
// missed. Both go through the same resolution, serialised per message (project, side, name),
// so nothing is reported twice and, as every listed folder is listed again and again, nothing
// is missed.
import { readableName } from '../../backbone/file-names.ts';
import { ISSUE_STATES } from '../../backbone/states.ts';
import type { CheckpointFolder } from './checkpoint.ts';
import type { BeliefOp } from './reported-store.ts';
import { type Known, KnownMessages } from './known-messages.ts';
import { absolute, type Folder, joinRel, type TrackedFile, type TreeLayout, type WalkProblem, type WalkResult } from './tree-walk.ts';
import type { DetectedBy, Transition } from './transition.ts';
import { type FileInfo, isGone, type WatcherFs } from './watcher-fs.ts';

/** A message seen missing, while it is looked for. */
interface Vanish {
  /** First seen missing. */
  at: number;
  by: DetectedBy;
}

export interface RoundReport {
  problems: WalkProblem[];
  oversized: string[];
  /** The root had no project folder while messages were known: nothing was taken as gone. */
  emptyRoot: boolean;
  /** The root does not exist: nothing was taken as gone. */
  rootMissing: boolean;
  /** Project folders found. */
  projects: number;
  /** Folders to watch in native mode: every folder the walk opened. */
  watchFolders: string[];
}

export interface ReconcilerOptions {
  layout: TreeLayout;
  fs: WatcherFs;
  graceMs: number;
  emit: (transition: Transition) => void;
  /** Every change of the belief, in order (the journal of what was reported writes them). */
  changed?: (op: BeliefOp) => void;
  now?: () => number;
  /** Messages resolved at once. */
  concurrency?: number;
}

/** Work of one batch for one message key: appearances first (they may pair), then vanishes. */
interface Group {
  appears: TrackedFile[];
  vanishes: string[];
}

interface Destination {
  folder: Folder;
  rel: string;
  info: FileInfo;
}

class Batch {
  /** Sub-folder names of issue-state folders (error/, missing/), read once per batch. */
  readonly issueFolders = new Map<string, Promise<string[]>>();
  needFullRound = false;
}

export class Reconciler {
  private readonly layout: TreeLayout;
  /** Swapped for a faster one when the file system allows (see localWatcherFs). */
  fs: WatcherFs;
  private readonly graceMs: number;
  private readonly emit: (transition: Transition) => void;
  private readonly onChange: ((op: BeliefOp) => void) | undefined;
  /** Off while the belief is restored from disk: those are not changes. */
  private recording = true;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly root: string;
  private readonly known = new KnownMessages();
  private readonly pendingVanish = new Map<Known, Vanish>();
  /**
   * Folders that could not be listed and have not been listed since the start (nor known from
   * the checkpoint): when they can be, their files are the starting point, not appearances.
   */
  private readonly blind = new Set<string>();
  /** Folders listed at least once since the start. */
  private readonly seenFolders = new Set<string>();
  /** Files that appeared while a twin of the same name still exists elsewhere: rel -> first seen. */
  private readonly pendingAppear = new Map<string, number>();
  private folders = new Map<string, Folder>();
  /** Oversized folders whose messages were forgotten. */
  private readonly forgotten = new Set<string>();
  /** The folders of each project (by its path), for lookups. */
  private projectFolders = new Map<string, Folder[]>();
  /** Completed full rounds. */
  rounds = 0;

  constructor(options: ReconcilerOptions) {
    this.layout = options.layout;
    this.fs = options.fs;
    this.graceMs = options.graceMs;
    this.emit = options.emit;
    this.onChange = options.changed;
    this.now = options.now ?? Date.now;
    this.concurrency = options.concurrency ?? 32;
    this.root = options.layout.options.root;
  }

  get size(): number {
    return this.known.size;
  }

  /** Messages being looked for, and appearances waiting for their twin to go. */
  get pending(): number {
    return this.pendingVanish.size + this.pendingAppear.size;
  }

  /** When the next grace period ends, if any is running. */
  nextDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const { at } of this.pendingVanish.values()) if (earliest === undefined || at < earliest) earliest = at;
    for (const at of this.pendingAppear.values()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest === undefined ? undefined : earliest + this.graceMs;
  }

  /** Takes the checkpoint's messages as known, as last seen when it was written, then the journal's changes. */
  restore(entries: readonly CheckpointFolder[], savedAtMs: number, ops: readonly BeliefOp[] = []): number {
    this.recording = false;
    try {
      this.restoreEntries(entries, savedAtMs);
      for (const op of ops) {
        if (op[0] === '+') this.restoreEntries([{ rel: op[1], names: [op[2]], since: [op[3]], ino: [op[4]] }], savedAtMs);
        else {
          const known = this.known.get(joinRel(op[1], op[2]));
          if (known) this.remove(known);
        }
      }
    } finally {
      this.recording = true;
    }
    return this.known.size;
  }

  private restoreEntries(entries: readonly CheckpointFolder[], savedAtMs: number): number {
    let restored = 0;
    for (const { rel, names, since, ino } of entries) {
      if (rel === '') continue;
      const folder = this.layout.folderAt(rel);
      if (!folder.listed) continue;
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        if (!this.layout.tracks(folder, name) || this.known.folder(rel)?.byName.has(name)) continue;
        this.add(folder, name, since[i]!, ino[i]!, savedAtMs);
        restored++;
      }
    }
    return restored;
  }

  /** The names of the messages known in one folder. */
  namesIn(folderRel: string): string[] {
    return [...(this.known.folder(folderRel)?.byName.keys() ?? [])];
  }

  /** What the checkpoint keeps: per folder, the names, since and inode of its messages. */
  snapshot(): CheckpointFolder[] {
    const entries: CheckpointFolder[] = [];
    for (const dir of this.known.allFolders()) {
      const names: string[] = [];
      const since: number[] = [];
      const ino: number[] = [];
      for (const known of dir.byName.values()) {
        names.push(known.name);
        since.push(known.since);
        ino.push(known.ino);
      }
      entries.push({ rel: dir.rel, names, since, ino });
    }
    return entries;
  }

  /**
   * Lists the tree and brings the belief in line with it. `baseline` takes what is there as
   * the starting point (no transitions); `restart` reports differences to the checkpoint.
   */
  async fullRound(kind: 'baseline' | 'scan' | 'restart'): Promise<RoundReport> {
    const walk = await this.layout.walk(this.fs);
    if (walk.rootMissing) {
      // Nothing to compare with: the folders known so far (and their watches) stay as they were,
      // and no message that vanished with the root is taken as gone.
      this.pendingVanish.clear();
      this.rounds++;
      return {
        problems: walk.problems, oversized: [], emptyRoot: false, rootMissing: true, projects: 0,
        watchFolders: [...this.folders.values()].filter((f) => f.project === undefined || f.listed).map((f) => f.rel),
      };
    }
    this.setFolders(walk.folders);
    const report: RoundReport = {
      problems: walk.problems, oversized: walk.oversized, emptyRoot: false, rootMissing: false,
      projects: new Set([...walk.folders.values()].flatMap((f) => (f.project ? [f.project.path] : []))).size,
      watchFolders: [...walk.folders.values()].filter((f) => f.project === undefined || f.listed).map((f) => f.rel),
    };
    this.forgetDemoted();
    // Folders listed for the first time that could not be listed before: their files are the
    // starting point (they were there all along, as far as anyone can tell).
    const firstSight = new Set<string>();
    const seenBefore = kind === 'scan' ? new Set(this.seenFolders) : undefined;
    for (const rel of walk.listed) {
      if (!this.seenFolders.has(rel)) {
        if (kind === 'baseline' || this.underBlind(rel)) firstSight.add(rel);
        this.seenFolders.add(rel);
      }
    }
    // A folder that cannot be listed (EMFILE, EACCES) and was never seen is blind: when it can be,
    // its files are the starting point. Unless it is new: made under a folder listed before,
    // after the start, its files are new too, and are reported as appeared once it can be listed.
    for (const rel of walk.uncertain) {
      if (this.seenFolders.has(rel) || this.known.folder(rel) !== undefined) continue;
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      if (seenBefore?.has(parent) && rel !== '') continue;
      this.blind.add(rel);
    }
    for (const rel of this.blind) if (walk.listed.has(rel)) this.blind.delete(rel);

    for (const { folder, names } of walk.files.values()) {
      if (!firstSight.has(folder.rel) || this.known.folder(folder.rel) !== undefined) continue;
      await this.takeAsFound(folder, names);
    }
    if (kind === 'baseline') {
      this.rounds++;
      return report;
    }

    report.emptyRoot = report.projects === 0 && this.known.size > 0;
    const by: DetectedBy = kind === 'restart' ? 'restart' : 'scan';
    const groups = new Map<string, Group>();
    const group = (key: string) => {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { appears: [], vanishes: [] }));
      return g;
    };
    const listedAt = this.now();
    for (const { folder, names } of walk.files.values()) {
      const dir = this.known.folder(folder.rel);
      for (const name of names) {
        const known = dir?.byName.get(name);
        if (known === undefined) {
          group(this.layout.key(folder, name)).appears.push({ rel: joinRel(folder.rel, name), name, folder });
          continue;
        }
        known.seenAt = listedAt;
        if (this.pendingVanish.has(known)) this.unvanish(known);
      }
    }
    if (!report.emptyRoot) {
      for (const dir of this.known.allFolders()) {
        const listed = walk.files.get(dir.rel);
        if (!this.observedGone(dir.rel, walk)) continue;
        // One folder's names at a time, never the whole tree's.
        const present = new Set(listed?.names);
        for (const known of dir.byName.values()) {
          if (!present.has(known.name)) group(this.keyOf(known)).vanishes.push(known.rel);
        }
      }
    }
    for (const rel of this.pendingAppear.keys()) {
      const slash = rel.lastIndexOf('/');
      if (!walk.files.get(rel.slice(0, slash))?.names.includes(rel.slice(slash + 1))) this.pendingAppear.delete(rel);
    }

    const batch = new Batch();
    await this.pool([...groups.values()], (g) => this.resolveGroup(g, by, batch));
    this.rounds++;
    return report;
  }

  /**
   * Looks at paths an event named (relative to the root). A folder made inside a project (a
   * new issue folder, say) is listed at once and returned, to be watched too; anything else
   * about folders (one removed, a new project) asks for a full round.
   */
  async checkPaths(rels: Iterable<string>): Promise<{ needFullRound: boolean; newFolders: string[]; oversized: string[] }> {
    const batch = new Batch();
    const groups = new Map<string, Group>();
    const group = (file: TrackedFile) => {
      const key = this.layout.key(file.folder, file.name);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { appears: [], vanishes: [] }));
      return g;
    };
    const others: { rel: string; parent: Folder; name: string }[] = [];
    const knownFolders: Folder[] = [];
    for (const rel of rels) {
      const slash = rel.lastIndexOf('/');
      const folderRel = slash < 0 ? '' : rel.slice(0, slash);
      const name = rel.slice(slash + 1);
      const folder = this.folders.get(folderRel);
      const self = this.folders.get(rel);
      if (self !== undefined) {
        knownFolders.push(self); // already listed (made just before the last listing), or removed
        continue;
      }
      if (folder === undefined) {
        batch.needFullRound = true; // in a folder not listed yet
        continue;
      }
      if (!folder.listed || !this.layout.tracks(folder, name)) {
        others.push({ rel, parent: folder, name });
        continue;
      }
      if (this.known.has(rel)) group({ rel, name, folder }).vanishes.push(rel);
      else group({ rel, name, folder }).appears.push({ rel, name, folder });
    }
    // An entry that is not a followed file may be a new folder.
    const made: Folder[] = [];
    await this.pool(others, async ({ rel, parent, name }) => {
      if ((await this.lstat(rel))?.kind !== 'directory') return;
      if (parent.project === undefined) batch.needFullRound = true; // a new integration or project
      else made.push(this.layout.child(parent, name));
    });
    const newFolders: string[] = [];
    const oversized: string[] = [];
    await this.pool(knownFolders, async (folder) => {
      if ((await this.lstat(folder.rel))?.kind !== 'directory') batch.needFullRound = true;
      else if (folder.project === undefined || folder.listed) newFolders.push(folder.rel); // watched, or watched anew if made again
    });
    if (made.length > 0) {
      const walk = await this.layout.walk(this.fs, made.filter((f) => !this.folders.has(f.rel)));
      if (walk.uncertain.length > 0) batch.needFullRound = true;
      oversized.push(...walk.oversized);
      for (const folder of walk.folders.values()) {
        if (this.folders.has(folder.rel)) continue;
        this.folders.set(folder.rel, folder);
        this.addProjectFolder(folder);
        if (folder.listed) newFolders.push(folder.rel);
      }
      for (const { folder, names } of walk.files.values()) {
        for (const name of names) {
          const rel = joinRel(folder.rel, name);
          if (!this.known.has(rel)) group({ rel, name, folder }).appears.push({ rel, name, folder });
        }
      }
    }
    await this.pool([...groups.values()], (g) => this.resolveGroup(g, 'event', batch));
    return { needFullRound: batch.needFullRound, newFolders, oversized };
  }

  /** Follows these files of a folder from now on, as they are (their modification time as since). */
  private async takeAsFound(folder: Folder, names: readonly string[]): Promise<void> {
    const lstatNow = this.fs.lstatNow;
    if (lstatNow === undefined) {
      await this.pool(names, async (name) => {
        const info = await this.lstat(joinRel(folder.rel, name));
        if (info?.kind === 'file' && !this.known.has(joinRel(folder.rel, name))) this.add(folder, name, info.mtimeMs, info.ino, this.now());
      });
      return;
    }
    // A local file system: one synchronous lstat after the other is several times faster than
    // a promise each (200,000 messages at a fresh start), with a pause now and then for the
    // rest of the agent (exports, the health check).
    const seenAt = this.now();
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const info = lstatNow(absolute(this.root, joinRel(folder.rel, name)));
      if (info?.kind === 'file') this.add(folder, name, info.mtimeMs, info.ino, seenAt);
      if (i % 5000 === 4999) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async resolveGroup(g: Group, by: DetectedBy, batch: Batch): Promise<void> {
    for (const file of g.appears) await this.resolveAppear(file, by, batch);
    for (const rel of g.vanishes) await this.resolveVanish(rel, by, batch);
  }

  private async resolveAppear(file: TrackedFile, by: DetectedBy, batch: Batch): Promise<void> {
    const present = this.known.get(file.rel);
    if (present) {
      if (this.pendingVanish.has(present) && (await this.lstat(file.rel))?.kind === 'file') this.unvanish(present);
      return;
    }
    const info = await this.lstat(file.rel);
    if (info === undefined || info.kind !== 'file') {
      if (info?.kind === 'directory') batch.needFullRound = true;
      this.pendingAppear.delete(file.rel);
      return;
    }
    if (this.known.has(file.rel)) return;
    const twins = this.known.twins(this.groupOf(file.folder), file.name).filter((twin) => twin.folderRel !== file.folder.rel)
      .sort((a, b) => Number(this.pendingVanish.has(b)) - Number(this.pendingVanish.has(a)));
    let twinRemains = false;
    for (const twin of twins) {
      const twinRel = twin.rel;
      if (this.known.get(twinRel) !== twin) continue;
      const twinInfo = await this.lstatOrError(twinRel);
      if (twinInfo === 'gone') {
        if (this.known.get(twinRel) !== twin || this.known.has(file.rel)) return; // resolved meanwhile
        this.move(twin, { folder: file.folder, rel: file.rel, info }, this.pendingVanish.get(twin)?.by ?? by);
        return;
      }
      twinRemains = true;
    }
    const now = this.now();
    if (twinRemains) {
      // Maybe a copy that its origin has not yet left: wait for the grace period.
      const first = this.pendingAppear.get(file.rel) ?? now;
      this.pendingAppear.set(file.rel, first);
      if (now - first < this.graceMs) return;
    }
    this.pendingAppear.delete(file.rel);
    const time = clamp(info.ctimeMs, 0, now);
    this.add(file.folder, file.name, time, info.ino, now);
    this.emit({
      ...this.names(file.folder), message: readableName(file.name), from: 'none', to: file.folder.state,
      issue: readableIssue(file.folder.cls?.issue), dwellSeconds: undefined, detectedBy: by, timeMs: time,
      identity: { ino: info.ino, fromRel: undefined, toRel: file.rel, atMs: info.ctimeMs },
    });
  }

  private async resolveVanish(rel: string, by: DetectedBy, batch: Batch): Promise<void> {
    const known = this.known.get(rel);
    if (!known) return;
    const info = await this.lstatOrError(rel);
    if (info !== 'gone') {
      // Still there (or cannot tell): nothing moved.
      if (info !== 'unknown' && info.kind === 'file') {
        known.seenAt = this.now();
        if (this.pendingVanish.has(known)) this.unvanish(known);
      }
      return;
    }
    const destination = await this.lookup(known, batch);
    if (this.known.get(rel) !== known) return; // resolved meanwhile
    if (destination) {
      this.move(known, destination, this.pendingVanish.get(known)?.by ?? by);
      return;
    }
    const now = this.now();
    const vanish = this.pendingVanish.get(known);
    if (vanish === undefined) {
      this.pendingVanish.set(known, { at: now, by });
      return;
    }
    if (now - vanish.at < this.graceMs) return;
    if ((await this.lstat(''))?.kind !== 'directory') {
      // The root itself went (moved away, unmounted): nothing is known about its messages.
      this.unvanish(known);
      batch.needFullRound = true;
      return;
    }
    // Found nowhere for the whole grace period: gone. Its folder's mtime says when, at the latest.
    const folder = this.folderFor(known.folderRel);
    const folderInfo = await this.lstat(known.folderRel);
    const time = clamp(folderInfo?.mtimeMs ?? vanish.at, known.since, vanish.at);
    this.remove(known);
    this.emit({
      ...this.names(folder), message: readableName(known.name), from: folder.state, to: 'none', issue: readableIssue(folder.cls?.issue),
      dwellSeconds: (time - known.since) / 1000, detectedBy: vanish.by, timeMs: time,
      identity: { ino: known.ino, fromRel: known.rel, toRel: undefined, atMs: known.since },
    });
  }

  /** Where a vanished message went: its name in the other folders of its project and side. */
  private async lookup(known: Known, batch: Batch): Promise<Destination | undefined> {
    const origin = this.folderFor(known.folderRel);
    const project = origin.project?.path;
    if (project === undefined) return undefined;
    const lookupOnly: Folder[] = [];
    const listed: Folder[] = [];
    const issueRoots: Folder[] = [];
    for (const folder of this.projectFolders.get(project) ?? []) {
      if (folder.side !== origin.side || folder.rel === origin.rel) continue;
      if (!folder.listed) lookupOnly.push(folder);
      else {
        listed.push(folder);
        if (folder.cls?.issue === undefined && ISSUE_STATES.has(folder.state)) issueRoots.push(folder);
      }
    }
    const tried = new Set<string>();
    const attempt = async (folder: Folder): Promise<Destination | undefined> => {
      if (tried.has(folder.rel)) return undefined;
      tried.add(folder.rel);
      const rel = joinRel(folder.rel, known.name);
      if (this.known.has(rel)) return undefined; // a message already accounted for
      const info = await this.lstat(rel);
      return info?.kind === 'file' ? { folder, rel, info } : undefined;
    };
    // In folders that are never listed, a file of the same name is this message when it is the
    // same inode (a rename keeps it); failing that, when it changed since the message was last
    // seen where it was (a copy; 2 s allowed between this host's clock and a file server's).
    // An older file of the same name is not it.
    const unlisted: Destination[] = [];
    for (const folder of lookupOnly) {
      const found = await attempt(folder);
      if (found?.info.ino === known.ino) return found;
      if (found) unlisted.push(found);
    }
    const copy = unlisted.find((found) => found.info.ctimeMs >= known.seenAt - 2000);
    if (copy) return copy;
    for (const folder of listed) {
      const found = await attempt(folder);
      if (found) return found;
    }
    // Issue folders made since the last listing (Backbone creates error/<issue>/ on the way).
    for (const issueRoot of issueRoots) {
      for (const name of await this.issueFolders(issueRoot, batch)) {
        const found = await attempt(this.folders.get(joinRel(issueRoot.rel, name)) ?? this.layout.child(issueRoot, name));
        if (found) return found;
      }
    }
    return undefined;
  }

  private issueFolders(folder: Folder, batch: Batch): Promise<string[]> {
    let names = batch.issueFolders.get(folder.rel);
    if (!names) {
      names = (async () => {
        const found: string[] = [];
        try {
          for await (const entry of await this.fs.opendir(absolute(this.root, folder.rel))) {
            if (entry.kind === 'directory') found.push(entry.name);
          }
        } catch {
          // unreadable or gone: no issue folders to look in
        }
        return found;
      })();
      batch.issueFolders.set(folder.rel, names);
    }
    return names;
  }

  private move(known: Known, destination: Destination, by: DetectedBy): void {
    const origin = this.folderFor(known.folderRel);
    const now = this.now();
    const time = clamp(destination.info.ctimeMs, known.since, now);
    this.remove(known);
    this.pendingAppear.delete(destination.rel);
    if (destination.folder.listed && !this.known.has(destination.rel)) {
      this.add(destination.folder, known.name, time, destination.info.ino, now);
    }
    this.emit({
      ...this.names(origin), message: readableName(known.name), from: origin.state, to: destination.folder.state,
      issue: readableIssue(destination.folder.cls?.issue ?? origin.cls?.issue),
      dwellSeconds: (time - known.since) / 1000, detectedBy: by, timeMs: time,
      identity: { ino: known.ino, fromRel: known.rel, toRel: destination.rel, atMs: destination.info.ctimeMs },
    });
  }

  /** Whether the listing shows that a known file of this folder is gone. */
  private observedGone(folderRel: string, walk: WalkResult): boolean {
    if (walk.listed.has(folderRel)) return true;
    // Not listed this time: left alone when it or a folder above it could not be read...
    for (const uncertain of walk.uncertain) {
      if (uncertain === '' || folderRel === uncertain || folderRel.startsWith(`${uncertain}/`)) return false;
    }
    // ...otherwise the folder is gone (or is lookup-only now), and so are its files.
    return true;
  }

  /** Folders found oversized are lookup-only from now on: their messages are no longer followed (nor reported gone). */
  private forgetDemoted(): void {
    for (const rel of this.layout.demoted) {
      if (this.forgotten.has(rel)) continue;
      this.forgotten.add(rel);
      this.forgetUnder(rel);
    }
  }

  private forgetUnder(folderRel: string): void {
    for (const dir of [...this.known.allFolders()]) {
      if (dir.rel === folderRel || dir.rel.startsWith(`${folderRel}/`)) for (const known of [...dir.byName.values()]) this.remove(known);
    }
  }

  /** Whether a folder lies in (or is) a folder that could never be listed. */
  private underBlind(rel: string): boolean {
    for (const blind of this.blind) if (blind === '' || rel === blind || rel.startsWith(`${blind}/`)) return true;
    return false;
  }

  private setFolders(folders: Map<string, Folder>): void {
    this.folders = folders;
    this.projectFolders = new Map();
    for (const folder of folders.values()) this.addProjectFolder(folder);
  }

  private addProjectFolder(folder: Folder): void {
    if (folder.project === undefined) return;
    const list = this.projectFolders.get(folder.project.path);
    if (list) list.push(folder);
    else this.projectFolders.set(folder.project.path, [folder]);
  }

  private folderFor(rel: string): Folder {
    return this.folders.get(rel) ?? this.layout.folderAt(rel);
  }

  private keyOf(known: Known): string {
    return this.layout.key(this.folderFor(known.folderRel), known.name);
  }

  /** Project and side of a folder: where its messages may move. */
  private groupOf(folder: Folder): string {
    return this.layout.key(folder, '');
  }

  private names(folder: Folder): { integration: string; project: string } {
    return { integration: readableName(folder.project?.integration ?? ''), project: readableName(folder.project?.project ?? '') };
  }

  private add(folder: Folder, name: string, since: number, ino: number, seenAt: number): void {
    this.known.add(folder.rel, this.groupOf(folder), name, since, ino, seenAt);
    if (this.recording) this.onChange?.(['+', folder.rel, name, since, ino]);
  }

  private remove(known: Known): void {
    this.known.delete(known);
    this.pendingVanish.delete(known);
    if (this.recording) this.onChange?.(['-', known.folderRel, known.name]);
  }

  private unvanish(known: Known): void {
    this.pendingVanish.delete(known);
  }

  private async lstat(rel: string): Promise<FileInfo | undefined> {
    try {
      return await this.fs.lstat(absolute(this.root, rel));
    } catch {
      return undefined;
    }
  }

  /** 'gone' only when the file system says so; 'unknown' for any other failure. */
  private async lstatOrError(rel: string): Promise<FileInfo | 'gone' | 'unknown'> {
    try {
      return await this.fs.lstat(absolute(this.root, rel));
    } catch (error) {
      return isGone(error) ? 'gone' : 'unknown';
    }
  }

  private async pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await work(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, items.length) }, worker));
  }
}

function readableIssue(issue: string | undefined): string | undefined {
  return issue === undefined ? undefined : readableName(issue);
}

function clamp(value: number, low: number, high: number): number {
  if (!Number.isFinite(value)) return high;
  return Math.min(high, Math.max(low, value));
}
