// The Backbone folder tree as every part of the agent sees it:
// the scanner, the watcher, the doctor and the simulator descend it with these rules alone.
// - an excluded folder (exclude.ts) is left out, at any level, with everything below it;
// - projects sit `integration_depth` + `project_depth` folder levels below the root, and the
//   integration is the last of the first `integration_depth` levels;
// - a state folder is recognised by name at any depth below the project folder, given the
//   state of the folder it is in (`send/failed` is sendfailed);
// - a folder that matches no state is state `unknown`; its sub-folders are matched afresh;
// - the sub-folders of `error` and `missing` are issue folders, and everything below an issue
//   folder counts for that state and issue;
// - files lying in the project folder itself (and above it) count as `unknown`.
import { createExcludeMatcher, type ExcludeMatcher } from './exclude.ts';
import { createStateMatcher, ISSUE_STATES, type KnownState, type State, type StateMatcher } from './states.ts';

/** The layout as plain data (it is posted to the scan worker). */
export interface LayoutSpec {
  /** Folder names per state, added to the defaults. */
  stateNames: Partial<Record<KnownState, readonly string[]>>;
  /** Folder names or globs left out at any level. */
  exclude?: readonly string[] | undefined;
  integrationDepth: number;
  projectDepth: number;
  messageSuffix: string;
}

export interface FolderClass {
  /** undefined for the project folder itself. */
  state: State | undefined;
  /** The issue folder (under error/ or missing/) this folder is or lies in. */
  issue: string | undefined;
  /** True for a folder that matched no state (its own name, not an ancestor's). */
  unmatched: boolean;
  /** The folder name that matched ("incoming", "send/failed"); undefined when none did. */
  alias?: string | undefined;
}

export const PROJECT_FOLDER: FolderClass = { state: undefined, issue: undefined, unmatched: false };

/** Where a folder stands in the tree. */
export interface Place {
  /** Folder levels below the root (0: the root). */
  depth: number;
  /** The integration folder's name, from the integration level down. */
  integration: string | undefined;
  /** The project folder's name, from the project level down. */
  project: string | undefined;
  /** Below the project level only; PROJECT_FOLDER at the project folder. */
  folder: FolderClass | undefined;
}

export const ROOT_PLACE: Place = { depth: 0, integration: undefined, project: undefined, folder: undefined };

/** The state the files directly inside a folder of this class count for. */
export function fileState(folder: FolderClass | undefined): State {
  return folder?.state ?? 'unknown';
}

export class TreeRules {
  readonly spec: LayoutSpec;
  readonly matcher: StateMatcher;
  readonly excluded: ExcludeMatcher;
  /** Folder levels from the root to a project folder. */
  readonly projectLevel: number;

  constructor(spec: LayoutSpec) {
    this.spec = spec;
    this.matcher = createStateMatcher(spec.stateNames);
    this.excluded = createExcludeMatcher(spec.exclude ?? []);
    this.projectLevel = spec.integrationDepth + spec.projectDepth;
  }

  /** The class of folder `name` directly inside a folder of class `parent` (below the project level). */
  classify(parent: FolderClass, name: string): FolderClass {
    if (parent.issue !== undefined) return { state: parent.state, issue: parent.issue, unmatched: false };
    if (parent.state !== undefined && ISSUE_STATES.has(parent.state)) return { state: parent.state, issue: name, unmatched: false };
    const matched = this.matcher.match(name, parent.state === 'unknown' ? undefined : parent.state);
    return matched
      ? { state: matched.state, issue: undefined, unmatched: false, alias: matched.alias }
      : { state: 'unknown', issue: undefined, unmatched: true };
  }

  /** Folder `name` inside the folder at `parent`; undefined when it is excluded. */
  enter(parent: Place, name: string): Place | undefined {
    if (this.excluded(name)) return undefined;
    const depth = parent.depth + 1;
    if (parent.folder !== undefined) {
      return { depth, integration: parent.integration, project: parent.project, folder: this.classify(parent.folder, name) };
    }
    return {
      depth,
      integration: depth === this.spec.integrationDepth ? name : parent.integration,
      project: depth === this.projectLevel ? name : undefined,
      folder: depth === this.projectLevel ? PROJECT_FOLDER : undefined,
    };
  }

  /** The place of a folder from its path below the root; undefined when it or a folder above it is excluded. */
  placeAt(segments: readonly string[]): Place | undefined {
    let place: Place | undefined = ROOT_PLACE;
    for (const name of segments) {
      place = this.enter(place, name);
      if (place === undefined) return undefined;
    }
    return place;
  }

  /** Whether a file of this name is a message. */
  isMessage(name: string): boolean {
    return name.endsWith(this.spec.messageSuffix);
  }
}
