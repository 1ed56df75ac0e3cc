// The classification rules of the Backbone folder tree (../shared/spec/backbone.md §2), as pure
// functions, so that every component that walks the tree classifies it the same way:
// - projects sit `integration_depth` + `project_depth` folder levels below the root;
// - a state folder is recognised by name at any depth below the project folder, given the
//   state of the folder it is in (`send/failed` is sendfailed);
// - a folder that matches no state is state `unknown`; its sub-folders are matched afresh;
// - the sub-folders of `error` and `missing` are issue folders, and everything below an issue
//   folder counts for that state and issue;
// - files lying in the project folder itself count as `unknown`.
// scanner.ts and the watcher's tree walk both classify with these.
import { ISSUE_STATES, type State, type StateMatcher } from './states.ts';

export interface FolderClass {
  /** undefined for the project folder itself. */
  state: State | undefined;
  /** The issue folder (under error/ or missing/) this folder is or lies in. */
  issue: string | undefined;
  /** True for a folder that matched no state (its own name, not an ancestor's). */
  unmatched: boolean;
}

export const PROJECT_FOLDER: FolderClass = { state: undefined, issue: undefined, unmatched: false };

/** The class of folder `name` directly inside a folder of class `parent`. */
export function classifySubfolder(matcher: StateMatcher, parent: FolderClass, name: string): FolderClass {
  if (parent.issue !== undefined) return { state: parent.state, issue: parent.issue, unmatched: false };
  if (parent.state !== undefined && ISSUE_STATES.has(parent.state)) return { state: parent.state, issue: name, unmatched: false };
  const matched = matcher.match(name, parent.state === 'unknown' ? undefined : parent.state);
  return matched ? { state: matched.state, issue: undefined, unmatched: false } : { state: 'unknown', issue: undefined, unmatched: true };
}

/** The state the files directly inside a folder of this class count for. */
export function fileState(folder: FolderClass): State {
  return folder.state ?? 'unknown';
}

/** Folder levels from the root to a project folder. */
export function projectLevel(integrationDepth: number, projectDepth: number): number {
  return integrationDepth + projectDepth;
}

export interface ClassifiedPath {
  /** The integration folder's name (the last of the integration levels). */
  integration: string;
  /** The project folder's name (the last of the project levels). */
  project: string;
  /** Relative path of the project folder, with forward slashes. */
  projectPath: string;
  folder: FolderClass;
}

/**
 * Classifies a folder by its path relative to the root (segments); undefined for folders
 * above the project level.
 */
export function classifyFolderPath(
  matcher: StateMatcher,
  segments: readonly string[],
  integrationDepth: number,
  projectDepth: number,
): ClassifiedPath | undefined {
  const level = projectLevel(integrationDepth, projectDepth);
  if (segments.length < level) return undefined;
  let folder = PROJECT_FOLDER;
  for (let i = level; i < segments.length; i++) folder = classifySubfolder(matcher, folder, segments[i]!);
  return {
    integration: segments[integrationDepth - 1]!,
    project: segments[level - 1]!,
    projectPath: segments.slice(0, level).join('/'),
    folder,
  };
}
