// The folder structure under the Backbone root as the agent classifies it, folder by folder:
// for each folder below a project, the state it stands for and the name (default or
// configured alias) that matched, or that nothing matched; and the files lying directly in
// it. The classification is the shared layout rules' (backbone/tree.ts); the message counts
// per state are the scanner's. Excluded folders are named, never entered. Issue folders (error/<issue>) are counted, not
// entered: everything below them counts for their state anyway. Reads only: names, never a
// file's content, and nothing is written.
import { opendir } from 'node:fs/promises';
import path from 'node:path';
import type { State } from '../backbone/states.ts';
import { type LayoutSpec, type Place, ROOT_PLACE, TreeRules } from '../backbone/tree.ts';
import { CHECK_EVERY, DIR_BUFFER, WalkStopped } from '../receivers/backbone_folders/scan-limits.ts';

export interface MappedFolder {
  /** Relative to the root, with forward slashes. */
  rel: string;
  integration: string;
  project: string;
  /** Relative to its project folder. */
  inProject: string;
  /** The state its files count for; `unknown` when no name matched. */
  state: State;
  /** The folder name that matched ("incoming", "send/failed"); undefined when none did. */
  alias: string | undefined;
  /** The state of the folder it lies in (undefined: the project folder). */
  parentState: State | undefined;
  /** False when it could not be read (see problems): files unknown. */
  listed: boolean;
  files: number;
  messages: number;
  /** Issue folders directly inside (under error and missing). */
  issueFolders: number;
}

export interface ProjectFolder {
  integration: string;
  project: string;
  rel: string;
  /** Files lying in the project folder itself (counted as unknown). */
  files: number;
}

export interface MapProblem {
  /** An errno code: EACCES, ENOENT... */
  code: string;
  rel: string;
  message: string;
}

export interface FolderMap {
  /** Folders at the integration level: name and path. */
  integrations: { name: string; rel: string }[];
  projects: ProjectFolder[];
  folders: MappedFolder[];
  problems: MapProblem[];
  /** Folders the layout's exclude left out, relative to the root. */
  excluded: string[];
  cutShort: 'timeout' | 'entry_limit' | undefined;
}

export interface FolderMapOptions extends LayoutSpec {
  root: string;
  timeoutMs: number;
  maxEntries: number;
}

interface Listing {
  dirs: string[];
  files: number;
  messages: number;
}

function join(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

export async function mapFolders(options: FolderMapOptions): Promise<FolderMap> {
  const result: FolderMap = { integrations: [], projects: [], folders: [], problems: [], excluded: [], cutShort: undefined };
  const rules = new TreeRules(options);
  const deadline = Date.now() + options.timeoutMs;
  let entries = 0;

  const list = async (rel: string): Promise<Listing | undefined> => {
    const listing: Listing = { dirs: [], files: 0, messages: 0 };
    try {
      const dir = await opendir(rel === '' ? options.root : path.join(options.root, ...rel.split('/')), { bufferSize: DIR_BUFFER });
      for await (const entry of dir) {
        if (++entries > options.maxEntries) throw new WalkStopped('entry_limit');
        if (entries % CHECK_EVERY === 0 && Date.now() > deadline) throw new WalkStopped('timeout');
        if (entry.isDirectory()) listing.dirs.push(entry.name);
        else if (entry.isFile()) {
          listing.files++;
          if (rules.isMessage(entry.name)) listing.messages++;
        }
        // Symbolic links are not followed (the scanner reports them); sockets and the like are no files.
      }
    } catch (error) {
      if (error instanceof WalkStopped) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      result.problems.push({ code: typeof code === 'string' ? code : 'unknown', rel, message: (error as Error).message });
      return undefined;
    }
    listing.dirs.sort();
    return listing;
  };

  const walk = async (rel: string, project: ProjectFolder, record: MappedFolder | undefined, place: Place): Promise<void> => {
    const listing = await list(rel);
    if (!listing) return;
    if (record) {
      record.listed = true;
      record.files = listing.files;
      record.messages = listing.messages;
    } else {
      project.files = listing.files;
    }
    for (const name of listing.dirs) {
      const childRel = join(rel, name);
      const childPlace = rules.enter(place, name);
      if (childPlace === undefined) {
        result.excluded.push(childRel);
        continue;
      }
      const child = childPlace.folder!;
      if (child.issue !== undefined) {
        if (record) record.issueFolders++;
        continue;
      }
      const folder: MappedFolder = {
        rel: childRel, integration: project.integration, project: project.project,
        inProject: record ? join(record.inProject, name) : name,
        state: child.state ?? 'unknown', alias: child.alias, parentState: place.folder!.state,
        listed: false, files: 0, messages: 0, issueFolders: 0,
      };
      result.folders.push(folder);
      await walk(childRel, project, folder, childPlace);
    }
  };

  try {
    // The levels above the projects: integration folders, then project folders.
    let level: { rel: string; place: Place }[] = [{ rel: '', place: ROOT_PLACE }];
    for (let depth = 1; depth <= rules.projectLevel; depth++) {
      const next: typeof level = [];
      for (const folder of level) {
        const listing = await list(folder.rel);
        for (const name of listing?.dirs ?? []) {
          const place = rules.enter(folder.place, name);
          if (place === undefined) result.excluded.push(join(folder.rel, name));
          else next.push({ rel: join(folder.rel, name), place });
        }
      }
      level = next;
      if (depth === options.integrationDepth) result.integrations = level.map((f) => ({ name: f.place.integration!, rel: f.rel }));
    }
    for (const folder of level) {
      const project: ProjectFolder = { integration: folder.place.integration!, project: folder.place.project!, rel: folder.rel, files: 0 };
      result.projects.push(project);
      await walk(folder.rel, project, undefined, folder.place);
    }
  } catch (error) {
    if (!(error instanceof WalkStopped)) throw error;
    result.cutShort = error.reason;
  }
  return result;
}
