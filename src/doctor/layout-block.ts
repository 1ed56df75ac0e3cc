// The backbone_layout block the doctor suggests for the tree it found: what is configured, plus
// an exclude for each backup, snapshot or lost+found folder it recognised (at any level), plus
// a state for each folder that matched none, guessed from where it stands (`failed` inside or
// beside send is sendfailed, inside or beside receive it is error) or else from its name (to
// check: marked so). Pasted into the configuration, it leaves no unknown folder but the ones
// it could not guess (commented out, to be filled in).
import { createExcludeMatcher } from '../backbone/exclude.ts';
import { type KnownState, STATES, type State } from '../backbone/states.ts';
import type { FolderMap, MappedFolder } from './folder-map.ts';

export interface LayoutSettings {
  root: string;
  integrationDepth: number;
  projectDepth: number;
  messageSuffix: string;
  states: Partial<Record<string, readonly string[]>>;
  exclude: readonly string[];
}

interface Guess {
  state: KnownState;
  /** From the folder's place (inside or beside a state folder), not only its name. */
  byPlace: boolean;
}

/** The exclude pattern for a folder name that says it is a copy, not Backbone's; undefined for others. */
export function leftOutPattern(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower === 'lost+found') return 'lost+found';
  if (/^[.~]?snapshots?$/.test(lower)) return name;
  if (/backup/.test(lower)) return '*backup*';
  const copy = /\.(bak|old|orig|backup|copy)$/.exec(lower);
  if (copy) return `*.${copy[1]}`;
  return undefined;
}

/** A state for a folder, from where it stands and then from its name; undefined when neither says. */
export function guessState(name: string, parentState: State | undefined, siblingStates: ReadonlySet<State>): Guess | undefined {
  const lower = name.toLowerCase();
  if (/fail|retry/.test(lower)) {
    const failed: KnownState = /fail/.test(lower) ? 'error' : 'waiting';
    if (parentState === 'send' || parentState === 'sendfailed') return { state: 'sendfailed', byPlace: true };
    if (parentState === 'receive') return { state: failed, byPlace: true };
    // Beside send: what failed is sending (nested layouts keep error inside receive).
    if (siblingStates.has('send')) return { state: 'sendfailed', byPlace: true };
    if (siblingStates.has('receive')) return { state: failed, byPlace: true };
    return { state: /send|out/.test(lower) ? 'sendfailed' : failed, byPlace: false };
  }
  const byName = (state: KnownState): Guess => ({ state, byPlace: false });
  if (/err/.test(lower)) return byName('error');
  if (/miss/.test(lower)) return byName('missing');
  if (/wait|hold|defer|queue/.test(lower)) return byName('waiting');
  if (/offline/.test(lower)) return byName('offline');
  if (/invalid|reject|corrupt|junk/.test(lower)) return byName('invalid');
  if (/outdat|stale|obsolet/.test(lower)) return byName('outdated');
  if (/archiv|done|success|complete|finish|applied|processed/.test(lower)) return byName('processed');
  if (/^(inbound|inbox|recv|receiv|incom)/.test(lower)) return byName('receive');
  if (/^(outbound|outbox|sending)/.test(lower)) return byName('send');
  return undefined;
}

/** The name to put under states: "tmp", or "receive/tmp" for `tmp` directly inside a receive folder. */
export function mappingName(folder: MappedFolder): string {
  const name = folder.inProject.split('/').at(-1)!;
  return folder.parentState !== undefined && folder.parentState !== 'unknown' ? `${folder.parentState}/${name}` : name;
}

/** A name as a YAML scalar: plain when that is safe, quoted otherwise (a path with a space, say). */
export function yamlName(name: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(name) && !/^[.]/.test(name) ? name : JSON.stringify(name);
}

function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}

/** Lines, each with an optional comment, the comments lined up after the longest line (the first line's aside). */
function aligned(rows: readonly (readonly [string, string | undefined])[]): string[] {
  const width = Math.max(0, ...rows.slice(1).filter(([, comment]) => comment !== undefined).map(([text]) => text.length));
  return rows.map(([text, comment], i) => (comment === undefined ? text : `${i === 0 ? text : text.padEnd(width)}  # ${comment}`));
}

export interface LayoutBlock {
  /** The backbone_layout: block, ready to paste. */
  lines: string[];
  /** Exclude patterns added for folders found (beyond the configured ones), with the folders. */
  excludes: { pattern: string; folders: string[] }[];
  /** Folder names for which no state could be guessed. */
  unguessed: string[];
  /** Whether the block's exclude leaves the folder at this path out. */
  leftOut(rel: string): boolean;
}

/** The backbone_layout block for this tree, from its folder map and the layout in use. */
export function layoutBlock(map: FolderMap, layout: LayoutSettings, where?: string): LayoutBlock {
  // Folders that are copies: at the integration and project levels, and below the projects.
  const added = new Map<string, string[]>();
  const configured = new Set(layout.exclude.map((p) => p.toLowerCase()));
  const candidates = [...map.integrations.map((i) => i.rel), ...map.projects.map((p) => p.rel), ...map.folders.filter((f) => f.alias === undefined).map((f) => f.rel)];
  for (const rel of candidates) {
    const pattern = leftOutPattern(rel.split('/').at(-1)!);
    if (pattern === undefined || configured.has(pattern.toLowerCase())) continue;
    added.set(pattern, [...(added.get(pattern) ?? []), rel]);
  }
  const exclude = [...layout.exclude, ...added.keys()];
  const excluded = createExcludeMatcher(exclude);
  const left = (rel: string) => rel.split('/').some((name) => excluded(name));

  // The state of each known folder, to guess from the folders beside an unknown one.
  const statesIn = new Map<string, Set<State>>();
  for (const folder of map.folders) {
    if (folder.alias === undefined) continue;
    const parent = parentOf(folder.rel);
    statesIn.set(parent, (statesIn.get(parent) ?? new Set()).add(folder.state));
  }
  const states = new Map<KnownState, { names: string[]; check: boolean }>();
  for (const state of STATES) {
    const names = layout.states[state] ?? [];
    if (names.length > 0) states.set(state, { names: [...names], check: false });
  }
  const unguessed: string[] = [];
  const seen = new Set<string>();
  for (const folder of map.folders) {
    if (folder.alias !== undefined || left(folder.rel)) continue;
    const name = mappingName(folder);
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    const guess = guessState(name.split('/').at(-1)!, folder.parentState, statesIn.get(parentOf(folder.rel)) ?? new Set());
    if (guess === undefined) {
      unguessed.push(name);
      continue;
    }
    const entry = states.get(guess.state) ?? { names: [], check: false };
    entry.names.push(name);
    entry.check ||= !guess.byPlace;
    states.set(guess.state, entry);
  }

  const rows: [string, string | undefined][] = [['backbone_layout:', where], [`  root: ${yamlName(layout.root)}`, undefined]];
  if (layout.integrationDepth !== 1) rows.push([`  integration_depth: ${layout.integrationDepth}`, undefined]);
  if (layout.projectDepth !== 1) rows.push([`  project_depth: ${layout.projectDepth}`, undefined]);
  if (layout.messageSuffix !== '.bac') rows.push([`  message_suffix: ${yamlName(layout.messageSuffix)}`, undefined]);
  if (states.size > 0 || unguessed.length > 0) {
    rows.push(['  states:', undefined]);
    for (const state of STATES) {
      const entry = states.get(state);
      if (entry) rows.push([`    ${state}: [${entry.names.map(yamlName).join(', ')}]`, entry.check ? 'guessed from the name: check' : undefined]);
    }
    for (const name of unguessed) rows.push([`    # STATE: [${yamlName(name)}]`, 'put its state for STATE, then uncomment']);
  }
  if (exclude.length > 0) {
    const found = [...added.values()].flat();
    rows.push([`  exclude: [${exclude.map(yamlName).join(', ')}]`, found.length > 0 ? `copies, not Backbone's: ${found.slice(0, 3).join(', ')}${found.length > 3 ? ', ...' : ''}` : undefined]);
  }
  return { lines: aligned(rows), excludes: [...added].map(([pattern, folders]) => ({ pattern, folders })), unguessed, leftOut: left };
}
