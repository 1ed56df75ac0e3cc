// One listing of the Backbone tree as the watcher needs it: every folder classified by the
// shared layout rules (backbone/tree.ts), the files of the listed state folders, and which
// folders could not be read. Lookup-only folders (`processed`) are recorded by path but never
// opened; excluded folders are neither opened nor recorded.
import path from 'node:path';
import type { State } from '../../backbone/states.ts';
import { fileState, type FolderClass, type LayoutSpec, type Place, ROOT_PLACE, TreeRules } from '../../backbone/tree.ts';
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
  /** Where it stands in the tree (the layout rules' view). */
  place: Place;
  /** Left out by the layout's exclude (or below such a folder): never opened, nothing in it followed. */
  excluded: boolean;
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

export interface TreeOptions extends LayoutSpec {
  root: string;
  lookupOnlyStates: ReadonlySet<State>;
  otherFilesStates: ReadonlySet<State>;
  maxFolderFiles: number;
}

const SEND_SIDE: ReadonlySet<State> = new Set<State>(['send', 'sendfailed']);

export function sideOf(state: State): Side {
  return SEND_SIDE.has(state) ? 'send' : 'receive';
}

/** The project folder's path: the first `level` segments of a folder `depth` levels down. */
function projectPath(rel: string, depth: number, level: number): string {
  if (depth === level) return rel;
  let end = -1;
  for (let i = 0; i < level; i++) end = rel.indexOf('/', end + 1);
  return rel.slice(0, end);
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
  readonly rules: TreeRules;
  readonly demoted = new Set<string>();

  constructor(options: TreeOptions) {
    this.options = options;
    this.rules = new TreeRules(options);
  }

  /** Whether files of this name in this folder are followed. */
  tracks(folder: Folder, name: string): boolean {
    if (folder.project === undefined) return false;
    return this.rules.isMessage(name) || this.options.otherFilesStates.has(folder.state);
  }

  key(folder: Folder, name: string): string {
    return `${folder.project?.path ?? ''}\u0000${folder.side}\u0000${name}`;
  }

  /** The folder at `rel` in the place the rules give it; undefined place: excluded. */
  private make(rel: string, place: Place | undefined, parentProject?: Project): Folder {
    if (place === undefined) {
      return { rel, project: undefined, cls: undefined, place: ROOT_PLACE, excluded: true, state: 'unknown', side: 'receive', listed: false };
    }
    const cls = place.folder;
    let project: Project | undefined;
    if (place.project !== undefined) project = parentProject ?? { path: projectPath(rel, place.depth, this.rules.projectLevel), integration: place.integration!, project: place.project };
    const state = fileState(cls);
    const listed = project !== undefined && !this.options.lookupOnlyStates.has(state) && !this.demoted.has(rel);
    return { rel, project, cls, place, excluded: false, state, side: sideOf(state), listed };
  }

  /** The folder at `rel`, classified from its path alone (for folders not met by the last walk). */
  folderAt(rel: string): Folder {
    return this.make(rel, this.rules.placeAt(rel === '' ? [] : rel.split('/')));
  }

  /** The class of a sub-folder, given its parent (the same rules as folderAt, one step). */
  child(parent: Folder, name: string): Folder {
    const rel = joinRel(parent.rel, name);
    if (parent.excluded) return this.make(rel, undefined);
    const place = this.rules.enter(parent.place, name);
    return this.make(rel, place, place?.folder === undefined || place.depth === this.rules.projectLevel ? undefined : parent.project);
  }

  rootFolder(): Folder {
    return this.make('', ROOT_PLACE);
  }

  /** Lists the tree below the root (or below the given folders), except lookup-only folders. */
  async walk(fs: WatcherFs, from: readonly Folder[] = [this.rootFolder()]): Promise<WalkResult> {
    const result: WalkResult = {
      folders: new Map(), files: new Map(), listed: new Set(), uncertain: [], rootMissing: false, oversized: [], problems: [],
    };
    const queue: Folder[] = [...from];
    while (queue.length > 0) {
      const folder = queue.pop()!;
      if (folder.excluded) continue;
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
          const child = this.child(folder, entry.name);
          if (!child.excluded) subfolders.push(child);
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
