// One listing of the Backbone tree as the watcher needs it: every folder classified by the
// shared layout rules, the files of the listed state folders, and which folders could not be
// read. Lookup-only folders (`processed`) are recorded by path but never opened.
import path from 'node:path';
import { classifySubfolder, fileState, type FolderClass, PROJECT_FOLDER, projectLevel } from '../backbone_folders/layout-walk.ts';
import type { State, StateMatcher } from '../backbone_folders/states.ts';
import { type DirEntry, describe, errorCode, isGone, type WatcherFs } from './watcher-fs.ts';

/** Messages only ever move within one side: receive-side states, or send and sendfailed. */
export type Side = 'receive' | 'send';

export interface Project {
  /** Relative path of the project folder: what identifies it. */
  path: string;
  integration: string;
  project: string;
}

export interface Folder {
  /** Relative to the root, with forward slashes; '' is the root. */
  rel: string;
  /** undefined above the project level. */
  project: Project | undefined;
  cls: FolderClass | undefined;
  /** The state its files count for ('unknown' above and at the project level). */
  state: State;
  side: Side;
  /** Its files are listed and followed; false for lookup-only folders. */
  listed: boolean;
}

export interface TrackedFile {
  rel: string;
  name: string;
  folder: Folder;
}

/** The followed files of one listed folder: names only (a path string per file would double the memory a listing takes). */
export interface FolderFiles {
  folder: Folder;
  names: string[];
}

export interface WalkProblem {
  type: string;
  rel: string;
  message: string;
}

export interface WalkResult {
  /** Every folder met, listed or lookup-only, by rel. */
  folders: Map<string, Folder>;
  /** Followed files of the listed folders, by the folder's rel. */
  files: Map<string, FolderFiles>;
  /** Folders listed to the end: a known file of one of these that is not in `files` is gone. */
  listed: Set<string>;
  /** Folders that could not be read (not because they are gone): their files are left as they were. */
  uncertain: string[];
  /** The root itself does not exist (moved away, not mounted): nothing under it is taken as gone. */
  rootMissing: boolean;
  /** Listed folders that held more than max_folder_files files: from now on lookup-only. */
  oversized: string[];
  problems: WalkProblem[];
}

export interface TreeOptions {
  root: string;
  matcher: StateMatcher;
  integrationDepth: number;
  projectDepth: number;
  messageSuffix: string;
  lookupOnlyStates: ReadonlySet<State>;
  otherFilesStates: ReadonlySet<State>;
  maxFolderFiles: number;
}

const SEND_SIDE: ReadonlySet<State> = new Set<State>(['send', 'sendfailed']);

export function sideOf(state: State): Side {
  return SEND_SIDE.has(state) ? 'send' : 'receive';
}

export function joinRel(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

export function absolute(root: string, rel: string): string {
  if (rel === '') return root;
  // Called for every lstat: plain concatenation (root is resolved, rel has no '.' or '..').
  const native = path.sep === '/' ? rel : rel.replaceAll('/', path.sep);
  return root.endsWith(path.sep) ? root + native : root + path.sep + native;
}

async function* oneByOne(entries: AsyncIterable<DirEntry>): AsyncIterable<readonly DirEntry[]> {
  for await (const entry of entries) yield [entry];
}

/** Classifies the tree's layout; `demoted` are folders found oversized earlier in this run. */
export class TreeLayout {
  readonly options: TreeOptions;
  readonly demoted = new Set<string>();
  private readonly level: number;

  constructor(options: TreeOptions) {
    this.options = options;
    this.level = projectLevel(options.integrationDepth, options.projectDepth);
  }

  /** Whether files of this name in this folder are followed. */
  tracks(folder: Folder, name: string): boolean {
    if (folder.project === undefined) return false;
    return name.endsWith(this.options.messageSuffix) || this.options.otherFilesStates.has(folder.state);
  }

  key(folder: Folder, name: string): string {
    return `${folder.project?.path ?? ''}\u0000${folder.side}\u0000${name}`;
  }

  private make(rel: string, project: Project | undefined, cls: FolderClass | undefined): Folder {
    const state = cls === undefined ? 'unknown' : fileState(cls);
    const listed = project !== undefined && !this.options.lookupOnlyStates.has(state) && !this.demoted.has(rel);
    return { rel, project, cls, state, side: sideOf(state), listed };
  }

  /** The folder at `rel`, classified from its path alone (for folders not met by the last walk). */
  folderAt(rel: string): Folder {
    const segments = rel === '' ? [] : rel.split('/');
    if (segments.length < this.level) return this.make(rel, undefined, undefined);
    const project: Project = {
      path: segments.slice(0, this.level).join('/'),
      integration: segments[this.options.integrationDepth - 1]!,
      project: segments[this.level - 1]!,
    };
    let cls = PROJECT_FOLDER;
    for (let i = this.level; i < segments.length; i++) cls = classifySubfolder(this.options.matcher, cls, segments[i]!);
    return this.make(rel, project, cls);
  }

  /** The class of a sub-folder, given its parent (same rules as folderAt, one step). */
  child(parent: Folder, name: string): Folder {
    const rel = joinRel(parent.rel, name);
    if (parent.project === undefined) {
      const depth = rel.split('/').length;
      if (depth < this.level) return this.make(rel, undefined, undefined);
      const segments = rel.split('/');
      const project: Project = { path: rel, integration: segments[this.options.integrationDepth - 1]!, project: name };
      return this.make(rel, project, PROJECT_FOLDER);
    }
    return this.make(rel, parent.project, classifySubfolder(this.options.matcher, parent.cls ?? PROJECT_FOLDER, name));
  }

  rootFolder(): Folder {
    return this.make('', undefined, undefined);
  }

  /** Lists the tree below the root (or below the given folders), except lookup-only folders. */
  async walk(fs: WatcherFs, from: readonly Folder[] = [this.rootFolder()]): Promise<WalkResult> {
    const result: WalkResult = {
      folders: new Map(), files: new Map(), listed: new Set(), uncertain: [], rootMissing: false, oversized: [], problems: [],
    };
    const queue: Folder[] = [...from];
    while (queue.length > 0) {
      const folder = queue.pop()!;
      result.folders.set(folder.rel, folder);
      if (!folder.listed && folder.project !== undefined) continue; // lookup-only: never opened
      await this.list(fs, folder, result, queue);
    }
    return result;
  }

  private async list(fs: WatcherFs, folder: Folder, result: WalkResult, queue: Folder[]): Promise<void> {
    const abs = absolute(this.options.root, folder.rel);
    const names: string[] = [];
    const subfolders: Folder[] = [];
    let fileCount = 0;
    try {
      // In blocks where the file system offers them (local: no promise per entry), else one by one.
      const blocks: AsyncIterable<readonly DirEntry[]> = fs.opendirBlocks?.(abs) ?? oneByOne(await fs.opendir(abs));
      for await (const block of blocks) for (const entry of block) {
        if (entry.kind === 'directory') {
          subfolders.push(this.child(folder, entry.name));
        } else if (entry.kind === 'file') {
          if (!this.tracks(folder, entry.name)) continue;
          if (++fileCount > this.options.maxFolderFiles) {
            this.demoted.add(folder.rel);
            result.oversized.push(folder.rel);
            result.folders.set(folder.rel, { ...folder, listed: false });
            return;
          }
          names.push(entry.name);
        }
        // Symbolic links, sockets and the like are no messages and are not followed.
      }
    } catch (error) {
      if (folder.rel === '' && isGone(error)) {
        // A root that vanished (moved away, unmounted) says nothing about the messages: they
        // are left as they were, and compared again once it is back.
        result.rootMissing = true;
        result.uncertain.push('');
        result.problems.push({ type: 'root-missing', rel: '', message: describe(error) });
        return;
      }
      if (!isGone(error)) {
        result.uncertain.push(folder.rel);
        result.problems.push({ type: errorCode(error), rel: folder.rel, message: describe(error) });
      }
      // A folder that is gone has no files: its known files count as vanished.
      if (isGone(error)) result.listed.add(folder.rel);
      return;
    }
    result.listed.add(folder.rel);
    if (names.length > 0) result.files.set(folder.rel, { folder, names });
    queue.push(...subfolders);
  }
}
