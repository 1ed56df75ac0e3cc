// The folder structure under the Backbone root as the agent classifies it, folder by folder:
// for each folder below a project, the state it stands for and the name (default or
// configured alias) that matched, or that nothing matched; and the files lying directly in
// it. The classification is the shared layout rules' (layout-walk.ts, states.ts); the
// message counts per state are the scanner's. Issue folders (error/<issue>) are counted, not
// entered: everything below them counts for their state anyway. Reads only: names, never a
// file's content, and nothing is written.
import { opendir } from 'node:fs/promises';
import path from 'node:path';
import { classifySubfolder, type FolderClass, PROJECT_FOLDER, projectLevel } from '../receivers/backbone_folders/layout-walk.ts';
import type { State, StateMatcher } from '../receivers/backbone_folders/states.ts';
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
  cutShort: 'timeout' | 'entry_limit' | undefined;
}

export interface FolderMapOptions {
  root: string;
  matcher: StateMatcher;
  integrationDepth: number;
  projectDepth: number;
  messageSuffix: string;
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
  const result: FolderMap = { integrations: [], projects: [], folders: [], problems: [], cutShort: undefined };
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
          if (entry.name.endsWith(options.messageSuffix)) listing.messages++;
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

  const walk = async (rel: string, project: ProjectFolder, record: MappedFolder | undefined, cls: FolderClass): Promise<void> => {
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
      const child = classifySubfolder(options.matcher, cls, name);
      if (child.issue !== undefined) {
        if (record) record.issueFolders++;
        continue;
      }
      // The same match classifySubfolder made, for the name that made it.
      const alias = child.unmatched ? undefined : options.matcher.match(name, cls.state === 'unknown' ? undefined : cls.state)?.alias;
      const childRel = join(rel, name);
      const folder: MappedFolder = {
        rel: childRel, integration: project.integration, project: project.project,
        inProject: record ? join(record.inProject, name) : name,
        state: child.state ?? 'unknown', alias, parentState: cls.state,
        listed: false, files: 0, messages: 0, issueFolders: 0,
      };
      result.folders.push(folder);
      await walk(childRel, project, folder, child);
    }
  };

  try {
    // The levels above the projects: integration folders, then project folders.
    let level: { rel: string; names: string[] }[] = [{ rel: '', names: [] }];
    const levels = projectLevel(options.integrationDepth, options.projectDepth);
    for (let depth = 1; depth <= levels; depth++) {
      const next: typeof level = [];
      for (const folder of level) {
        const listing = await list(folder.rel);
        for (const name of listing?.dirs ?? []) next.push({ rel: join(folder.rel, name), names: [...folder.names, name] });
      }
      level = next;
      if (depth === options.integrationDepth) result.integrations = level.map((f) => ({ name: f.names.at(-1)!, rel: f.rel }));
    }
    for (const folder of level) {
      const project: ProjectFolder = {
        integration: folder.names[options.integrationDepth - 1]!, project: folder.names.at(-1)!, rel: folder.rel, files: 0,
      };
      result.projects.push(project);
      await walk(folder.rel, project, undefined, PROJECT_FOLDER);
    }
  } catch (error) {
    if (!(error instanceof WalkStopped)) throw error;
    result.cutShort = error.reason;
  }
  return result;
}
