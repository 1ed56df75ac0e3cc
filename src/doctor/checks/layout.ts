// The layout as discovered: integrations and projects, every state folder with the name (or
// alias) it was recognised by, every folder that matched no state with its path and file
// count, and the `states:` lines that would map those. Works on the inspection root.ts made.
import { type KnownState, STATES, type State } from '../../backbone/states.ts';
import type { MappedFolder } from '../folder-map.ts';
import { type Check, listSome, plural } from '../report.ts';
import type { RootTarget, SourceKind } from '../target.ts';
import type { RootInspection } from './root.ts';

/** What integration folders are named like (INT-16). */
const INTEGRATION_KEY = /^[A-Za-z][A-Za-z0-9_]*-\d+$/;

/** Shown one by one up to this many; grouped by their path inside the project beyond. */
const UNKNOWN_SHOWN = 6;
const ROWS_SHOWN = 14;

/** A state for a folder name, when the name says it clearly; to be checked by a person. */
function guessState(name: string, parentState: State | undefined): KnownState | undefined {
  const lower = name.toLowerCase();
  if (/fail/.test(lower)) return parentState === 'send' || /send|out/.test(lower) ? 'sendfailed' : 'error';
  if (/retry/.test(lower)) return parentState === 'send' ? 'sendfailed' : 'waiting';
  if (/err/.test(lower)) return 'error';
  if (/miss/.test(lower)) return 'missing';
  if (/wait|hold|defer|queue/.test(lower)) return 'waiting';
  if (/offline/.test(lower)) return 'offline';
  if (/invalid|reject|corrupt|junk/.test(lower)) return 'invalid';
  if (/outdat|stale|obsolet/.test(lower)) return 'outdated';
  if (/archiv|done|success|complete|finish|applied|processed/.test(lower)) return 'processed';
  if (/^(inbound|inbox|recv|receiv|incom)/.test(lower)) return 'receive';
  if (/^(outbound|outbox|sending)/.test(lower)) return 'send';
  return undefined;
}

/** The name to put under states: "tmp", or "receive/tmp" for `tmp` directly inside a receive folder. */
function mappingName(folder: MappedFolder): string {
  const name = folder.inProject.split('/').at(-1)!;
  return folder.parentState !== undefined && folder.parentState !== 'unknown' ? `${folder.parentState}/${name}` : name;
}

function yamlName(name: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(name) ? name : JSON.stringify(name);
}

/** The complete `states:` mapping: what is configured, plus a line for each unknown folder name. */
export function mappingLines(unknown: readonly MappedFolder[], configured: Partial<Record<string, readonly string[]>>): string[] {
  const guessed = new Map<KnownState, string[]>();
  const unguessed: string[] = [];
  const seen = new Set<string>();
  for (const folder of unknown) {
    const name = mappingName(folder);
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    const state = guessState(name.split('/').at(-1)!, folder.parentState);
    if (state === undefined) unguessed.push(name);
    else guessed.set(state, [...(guessed.get(state) ?? []), name]);
  }
  const lines = ['states:'];
  for (const state of STATES) {
    const names = [...(configured[state] ?? [])];
    const added = guessed.get(state) ?? [];
    if (names.length + added.length === 0) continue;
    const line = `  ${state}: [${[...names, ...added].map(yamlName).join(', ')}]`;
    lines.push(added.length > 0 ? `${line.padEnd(36)} # guessed from the name: check` : line);
  }
  for (const name of unguessed) lines.push(`${`  # STATE: [${yamlName(name)}]`.padEnd(36)} # put its state for STATE, then uncomment`);
  return lines;
}

function stateTotals(inspection: RootInspection): Map<State, { messages: number; issues: number; others: number }> {
  const totals = new Map<State, { messages: number; issues: number; others: number }>();
  for (const folder of inspection.scan?.folders.values() ?? []) {
    const total = totals.get(folder.state) ?? { messages: 0, issues: 0, others: 0 };
    total.messages += folder.messages;
    total.issues += folder.issues;
    total.others += folder.otherFiles;
    totals.set(folder.state, total);
  }
  return totals;
}

function settingsOf(source: SourceKind, target: RootTarget): string {
  return source === 'flags' ? 'backbone_folders (and backbone_events) in the configuration' : target.receivers.join(' and ');
}

export function layoutChecks(inspection: RootInspection, source: SourceKind): Check[] {
  const map = inspection.map;
  if (inspection.unusable !== undefined || inspection.hung !== undefined || map === undefined) return [];
  const { target } = inspection;
  const checks: Check[] = [];
  const depths = `integration_depth ${target.scan.integrationDepth}, project_depth ${target.scan.projectDepth}`;

  // Integrations and projects.
  const byIntegration = new Map<string, string[]>();
  for (const project of map.projects) byIntegration.set(project.integration, [...(byIntegration.get(project.integration) ?? []), project.project]);
  const odd = map.integrations.map((i) => i.name).filter((name) => !INTEGRATION_KEY.test(name));
  // "INT-10 (AP-20, BP-21), ..."; when every integration has as many projects, names only (one line).
  const sizes = new Set([...byIntegration.values()].map((projects) => projects.length));
  const listing = sizes.size === 1 && byIntegration.size > 2
    ? `${listSome([...byIntegration.keys()], 8)}, ${[...sizes][0] === 1 ? 'one project' : `${[...sizes][0]} projects`} each`
    : listSome([...byIntegration].map(([integration, projects]) => `${integration} (${projects.join(', ')})`), 6);
  if (map.integrations.length === 0) {
    checks.push({
      id: 'layout.integrations', status: 'warn',
      message: 'no integration folder under the root: the agent has nothing to count yet.',
      fix: 'If synchronizations run on this Jira, root points at the wrong folder (each synchronization has a folder such as INT-16 there); on Jira Data Center, use the shared home.',
    });
  } else {
    const counts = `${plural(byIntegration.size, 'integration')}, ${plural(map.projects.length, 'project')}`;
    checks.push({
      id: 'layout.integrations', status: odd.length > 0 ? 'warn' : 'ok',
      message: odd.length > 0
        ? `${counts}: ${listing}. ${plural(odd.length, 'folder')} at the integration level ${odd.length === 1 ? 'does' : 'do'} not look like an integration key (such as INT-16): ${listSome(odd, 4)}.`
        : `${counts}: ${listing}.`,
      ...(odd.length > 0
        ? { fix: `If these are no synchronizations, root may point a level too high (JIRA_HOME instead of JIRA_HOME/${'data/backbone-issue-sync'}?), or the levels differ (${depths}).` }
        : {}),
      details: { integrations: Object.fromEntries(byIntegration), notLikeKeys: odd },
    });
  }
  if (map.projects.length === 0) return checks;

  // Every state folder and the name it was recognised by, grouped by its place in the project.
  const mapped = map.folders.filter((f) => f.alias !== undefined);
  const groups = new Map<string, { state: State; inProject: string; alias: string; projects: Set<string> }>();
  for (const folder of mapped) {
    const key = `${folder.state}\u0000${folder.inProject.toLowerCase()}\u0000${folder.alias}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { state: folder.state, inProject: folder.inProject, alias: folder.alias!, projects: new Set() }));
    group.projects.add(`${folder.integration}/${folder.project}`);
  }
  const order = (state: State) => (STATES as readonly string[]).indexOf(state);
  const rows = [...groups.values()].sort((a, b) => order(a.state) - order(b.state) || (a.inProject < b.inProject ? -1 : 1));
  const totals = stateTotals(inspection);
  const pathWidth = Math.min(28, Math.max(...rows.map((r) => r.inProject.length + 1), 6));
  const aliasWidth = Math.min(16, Math.max(...rows.map((r) => r.alias.length + 2), 7));
  const shownStates = new Set<State>();
  const whereWidth = `${map.projects.length}/${map.projects.length} projects`.length;
  const tableRow = (state: string, folder: string, alias: string, where: string, counts: string) =>
    `${state.padEnd(10)}  ${folder.padEnd(pathWidth)}  ${alias.padEnd(aliasWidth)}  ${where.padEnd(whereWidth)}  ${counts}`.trimEnd();
  const lines = [tableRow('state', 'folder', 'matched', 'found in', 'messages')];
  lines.push(...rows.slice(0, ROWS_SHOWN).map((row) => {
    let counts = '';
    if (!shownStates.has(row.state)) {
      shownStates.add(row.state);
      const total = totals.get(row.state);
      if (total) {
        counts = plural(total.messages, 'message');
        if (row.state === 'error' || row.state === 'missing') counts += `, ${plural(total.issues, 'issue')}`;
        if (total.others > 0) counts += `, ${plural(total.others, 'other file')}`;
      }
    }
    return tableRow(row.state, `${row.inProject}/`, `"${row.alias}"`, `${row.projects.size}/${map.projects.length} projects`, counts);
  }));
  if (rows.length > ROWS_SHOWN) lines.push(`... and ${rows.length - ROWS_SHOWN} more (--json lists them all)`);
  const found = new Set(rows.map((r) => r.state));
  const absent = STATES.filter((s) => !found.has(s));
  if (absent.length > 0) lines.push(`no folder found for: ${absent.join(', ')} (Backbone may create them when first needed)`);
  checks.push({
    id: 'layout.states', status: 'ok',
    message: `${found.size} of ${STATES.length} states recognised by their folder's name:`,
    lines,
    details: {
      folders: mapped.map((f) => ({ path: f.rel, state: f.state, alias: f.alias, files: f.files, issueFolders: f.issueFolders })),
      notFound: absent,
    },
  });

  // Projects in which no state folder was recognised: a level is probably off.
  const withStates = new Set(mapped.map((f) => `${f.integration}/${f.project}`));
  const bare = map.projects.filter((p) => !withStates.has(`${p.integration}/${p.project}`)).map((p) => p.rel);
  if (bare.length > 0) {
    checks.push({
      id: 'layout.projects', status: 'warn',
      message: `no state folder recognised in ${plural(bare.length, 'project folder')}: ${listSome(bare, 4)}.`,
      fix: `Check the folder levels (${depths}): project folders lie that many levels below the root, and the state folders (receive, send...) below them; or map their folder names under states.`,
      details: { projects: bare },
    });
  }

  // Folders that matched no state, and files lying in project folders themselves.
  const unknown = map.folders.filter((f) => f.alias === undefined);
  const loose = map.projects.filter((p) => p.files > 0);
  if (unknown.length === 0 && loose.length === 0) {
    checks.push({ id: 'layout.unknown', status: 'ok', message: 'every folder below the projects maps to a state.' });
    return checks;
  }
  const fileCount = (f: MappedFolder) => (f.listed ? plural(f.files, 'file') : 'not readable');
  const folderLines: string[] = [];
  if (unknown.length <= UNKNOWN_SHOWN) {
    const width = Math.max(...unknown.map((f) => f.rel.length));
    for (const folder of unknown) folderLines.push(`${folder.rel.padEnd(width)}  ${fileCount(folder)}`);
  } else {
    const byPlace = new Map<string, MappedFolder[]>();
    for (const folder of unknown) byPlace.set(folder.inProject, [...(byPlace.get(folder.inProject) ?? []), folder]);
    const places = [...byPlace];
    for (const [place, folders] of places.slice(0, UNKNOWN_SHOWN)) {
      const files = folders.reduce((sum, f) => sum + f.files, 0);
      folderLines.push(`<project>/${place}/ in ${plural(folders.length, 'project')}, ${plural(files, 'file')} (e.g. ${folders[0]!.rel})`);
    }
    if (places.length > UNKNOWN_SHOWN) folderLines.push(`... and ${places.length - UNKNOWN_SHOWN} more (--json lists every folder)`);
  }
  for (const project of loose.slice(0, 3)) folderLines.push(`${project.rel}/ itself holds ${plural(project.files, 'file')} (counted as unknown)`);
  // Unknown folders that hold state folders: the projects probably lie deeper than configured.
  const holders = unknown.filter((u) => mapped.some((m) => m.rel.startsWith(`${u.rel}/`))).map((u) => u.rel);
  const levels = holders.length > 0
    ? ` ${listSome(holders, 3)} ${holders.length === 1 ? 'holds' : 'hold'} state folders: if ${holders.length === 1 ? 'it is' : 'they are'} part of the path to the projects, set the folder levels instead (${depths}).`
    : '';
  const snippet = unknown.length > 0 ? mappingLines(unknown, target.states) : [];
  checks.push({
    id: 'layout.unknown', status: 'warn',
    message: unknown.length > 0
      ? `${plural(unknown.length, 'folder')} ${unknown.length === 1 ? 'matches' : 'match'} no state: ${unknown.length === 1 ? 'its' : 'their'} files count as state "unknown".`
      : 'files lie directly in project folders: they count as state "unknown".',
    lines: [...folderLines, ...snippet],
    fix: unknown.length > 0
      ? `Map each folder to the state it holds under states: of ${settingsOf(source, target)}, as above; ` +
        `leave one without messages unmapped.${levels}`
      : 'Backbone puts no files there: find out what writes them.',
    details: {
      folders: unknown.map((f) => ({ path: f.rel, files: f.listed ? f.files : null, messages: f.listed ? f.messages : null, mapping: mappingName(f) })),
      looseFiles: loose.map((p) => ({ path: p.rel, files: p.files })),
      mapping: snippet,
    },
  });
  return checks;
}
