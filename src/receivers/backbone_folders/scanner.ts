// One pass over the Backbone root: counts message files per integration, project and state.
// Built for folders with millions of files: directory entries are streamed (never a whole
// folder's names in memory), and files are stat'ed only where size or age is wanted.
// Synchronous on purpose: plain synchronous calls are 2-3x faster than libuv's thread pool
// round trips per file. It runs in a worker thread (scan-worker.ts), or on the agent's own
// thread in slices, a project at a time (scanInSlices; where: scan-placement.ts).
import { type Dir, lstatSync, opendirSync } from 'node:fs';
import path from 'node:path';
import { fsPath, lossyEntriesSync, mayBeLossy, type NamedEntry, readableName, readablePath } from '../../backbone/file-names.ts';
import type { State } from '../../backbone/states.ts';
import { fileState, type LayoutSpec, type Place, ROOT_PLACE, TreeRules } from '../../backbone/tree.ts';
import { CHECK_EVERY, DIR_BUFFER, WalkStopped } from './scan-limits.ts';

export interface FolderStats {
  integration: string;
  project: string;
  state: State;
  messages: number;
  otherFiles: number;
  /** Bytes of all files; undefined for count-only states. */
  bytes: number | undefined;
  /** Oldest message mtime (ms since epoch); undefined when none or count-only. */
  oldestMessageMtimeMs: number | undefined;
  issues: number;
}

export interface UnknownFolder {
  integration: string;
  project: string;
  /** Relative to the root, with forward slashes. */
  relativePath: string;
}

export interface ScanProblem {
  /** error.type: an errno code (EACCES, ENOENT...), `symlink`, `timeout` or `entry_limit`. */
  type: string;
  relativePath: string;
  message: string;
}

export interface ScanResult {
  /** By folderKey(). Only projects scanned to the end are in here. */
  folders: Map<string, FolderStats>;
  /** Projects that were scanned to the end, as "integration/project". */
  completedProjects: Set<string>;
  unknownFolders: UnknownFolder[];
  problems: ScanProblem[];
  /** Why the scan stopped early, if it did. */
  cutShort: 'timeout' | 'entry_limit' | undefined;
  /** The root itself could not be opened (ENOENT: it does not exist): nothing was counted. */
  rootProblem: ScanProblem | undefined;
  entries: number;
  durationMs: number;
}

/** Plain data, so that it can be posted to the scan worker. */
export interface ScanOptions extends LayoutSpec {
  root: string;
  countOnlyStates: readonly State[];
  timeoutMs: number;
  maxEntries: number;
}

export function folderKey(integration: string, project: string, state: State): string {
  return `${integration}\u0000${project}\u0000${state}`;
}

export function scanBackboneRoot(options: ScanOptions): ScanResult {
  const steps = new Scan(options).steps();
  for (let step = steps.next(); ; step = steps.next()) if (step.done === true) return step.value;
}

/** A slice of the calling thread's time a scan takes before it lets the event loop run. */
export const SLICE_MS = 10;

/**
 * The same scan on the calling thread: after each project, once `sliceMs` have passed, it
 * lets the event loop run (timers, exports, the health check) before it goes on.
 */
export async function scanInSlices(options: ScanOptions, sliceMs = SLICE_MS): Promise<ScanResult> {
  const steps = new Scan(options).steps();
  let sliceStarted = performance.now();
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done === true) return step.value;
    if (performance.now() - sliceStarted >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

class Scan {
  private readonly options: ScanOptions;
  private readonly started = Date.now();
  private readonly deadline: number;
  private readonly result: ScanResult;
  private readonly rules: TreeRules;
  private readonly countOnly: ReadonlySet<State>;

  constructor(options: ScanOptions) {
    this.options = options;
    this.deadline = this.started + options.timeoutMs;
    this.rules = new TreeRules(options);
    this.countOnly = new Set(options.countOnlyStates);
    this.result = {
      folders: new Map(), completedProjects: new Set(), unknownFolders: [], problems: [],
      cutShort: undefined, rootProblem: undefined, entries: 0, durationMs: 0,
    };
  }

  /** The scan, a project at a time: it pauses after each one, and returns the result at the end. */
  *steps(): Generator<void, ScanResult> {
    try {
      for (const project of this.projectFolders()) {
        const name = { integration: readableName(project.place.integration!), project: readableName(project.place.project!) };
        const projectFolders = new Map<string, FolderStats>();
        this.walk(project.absolute, project.relative, name, project.place, projectFolders);
        for (const [key, stats] of projectFolders) this.result.folders.set(key, stats);
        this.result.completedProjects.add(`${name.integration}/${name.project}`);
        yield;
      }
    } catch (error) {
      if (!(error instanceof WalkStopped)) throw error;
      this.result.cutShort = error.reason;
    }
    this.result.durationMs = Date.now() - this.started;
    return this.result;
  }

  /** The project folders, level by level down from the root (rules: backbone/tree.ts), in path order. */
  private projectFolders() {
    let level = [{ absolute: this.options.root, relative: '', place: ROOT_PLACE }];
    for (let i = 0; i < this.rules.projectLevel; i++) {
      const next: typeof level = [];
      for (const folder of level) {
        this.eachEntry(folder.absolute, folder.relative, (entry) => {
          if (entry.isDirectory()) {
            const place = this.rules.enter(folder.place, entry.name);
            if (place === undefined) return;
            next.push({ absolute: path.join(folder.absolute, entry.name), relative: joinRelative(folder.relative, entry.name), place });
          } else if (entry.isSymbolicLink()) {
            this.problem('symlink', joinRelative(folder.relative, entry.name), 'symbolic link not followed');
          }
        });
      }
      level = next;
    }
    return level.sort((a, b) => (a.relative < b.relative ? -1 : 1));
  }

  /** Counts the files of one folder under a project, then descends (rules: backbone/tree.ts). */
  private walk(
    absolute: string,
    relative: string,
    name: { integration: string; project: string },
    place: Place,
    folders: Map<string, FolderStats>,
  ): void {
    const folder = place.folder!;
    // The project folder itself holds state folders; files lying in it count as unknown,
    // and only when there are some. Every other folder is reported even when empty.
    const state = fileState(folder);
    let stats = folder.state === undefined ? undefined : statsFor(folders, name.integration, name.project, state, this.countOnly);
    const folderStats = () => (stats ??= statsFor(folders, name.integration, name.project, state, this.countOnly));
    const wantStat = !this.countOnly.has(state);
    const subfolders: NamedEntry[] = [];
    this.eachEntry(absolute, relative, (entry) => {
      if (entry.isFile()) {
        const isMessage = this.rules.isMessage(entry.name);
        if (!wantStat) {
          if (isMessage) folderStats().messages++;
          else folderStats().otherFiles++;
          return;
        }
        this.statFile(path.join(absolute, entry.name), joinRelative(relative, entry.name), isMessage, folderStats());
      } else if (entry.isDirectory()) {
        subfolders.push(entry);
      } else if (entry.isSymbolicLink()) {
        this.problem('symlink', joinRelative(relative, entry.name), 'symbolic link not followed');
      }
      // Sockets, FIFOs and devices are no messages: passed over.
    });

    for (const sub of subfolders) {
      const subPlace = this.rules.enter(place, sub.name);
      if (subPlace === undefined) continue; // excluded
      const subRelative = joinRelative(relative, sub.name);
      const subFolder = subPlace.folder!;
      if (subFolder.issue !== undefined && folder.issue === undefined) folderStats().issues++;
      if (subFolder.unmatched) this.result.unknownFolders.push({ ...name, relativePath: readablePath(subRelative) });
      this.walk(path.join(absolute, sub.name), subRelative, name, subPlace, folders);
    }
  }

  private statFile(absolute: string, relative: string, isMessage: boolean, stats: FolderStats): void {
    try {
      const info = lstatSync(fsPath(absolute));
      if (!info.isFile()) return;
      stats.bytes = (stats.bytes ?? 0) + info.size;
      if (isMessage) {
        stats.messages++;
        if (stats.oldestMessageMtimeMs === undefined || info.mtimeMs < stats.oldestMessageMtimeMs) {
          stats.oldestMessageMtimeMs = info.mtimeMs;
        }
      } else {
        stats.otherFiles++;
      }
    } catch (error) {
      this.problem(errorCode(error), relative, describe(error));
    }
  }

  /**
   * Streams a folder's entries; a folder that cannot be opened is a problem, not a failure.
   * Names that are not valid UTF-8 are passed over in the stream and read once more with
   * Buffer names after it (file-names.ts), so that they can be stat'ed.
   */
  private eachEntry(absolute: string, relative: string, visit: (entry: NamedEntry) => void): void {
    let dir: Dir;
    let lossy = false;
    try {
      dir = opendirSync(fsPath(absolute), { bufferSize: DIR_BUFFER });
    } catch (error) {
      this.problem(errorCode(error), relative, describe(error));
      if (absolute === this.options.root) this.result.rootProblem = this.result.problems.at(-1);
      return;
    }
    try {
      for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
        if (++this.result.entries % CHECK_EVERY === 0) this.checkLimits();
        if (this.result.entries > this.options.maxEntries) throw new WalkStopped('entry_limit');
        if (mayBeLossy(entry.name)) lossy = true;
        else visit(entry);
      }
    } catch (error) {
      if (error instanceof WalkStopped) throw error;
      // The folder vanished or became unreadable while we read it.
      this.problem(errorCode(error), relative, describe(error));
    } finally {
      dir.closeSync();
    }
    if (!lossy) return;
    try {
      for (const entry of lossyEntriesSync(absolute)) visit(entry);
    } catch (error) {
      this.problem(errorCode(error), relative, describe(error));
    }
  }

  private checkLimits(): void {
    if (Date.now() > this.deadline) throw new WalkStopped('timeout');
  }

  private problem(type: string, relativePath: string, message: string): void {
    this.result.problems.push({ type, relativePath: readablePath(relativePath), message });
  }
}

function statsFor(
  folders: Map<string, FolderStats>,
  integration: string,
  project: string,
  state: State,
  countOnly: ReadonlySet<State>,
): FolderStats {
  const key = folderKey(integration, project, state);
  let stats = folders.get(key);
  if (!stats) {
    const full = !countOnly.has(state);
    stats = {
      integration, project, state, messages: 0, otherFiles: 0, issues: 0,
      bytes: full ? 0 : undefined, oldestMessageMtimeMs: undefined,
    };
    folders.set(key, stats);
  }
  return stats;
}

function joinRelative(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
