// The layout as discovered: integrations and projects, every state folder with the name (or
// alias) it was recognised by, every folder that matched no state with its path and file
// count, and the backbone_layout block that would map those and leave out the copies
// (layout-block.ts). Works on the inspection root.ts made.
import path from 'node:path';
import { STATES, type State } from '../../backbone/states.ts';
import type { FolderMap, MappedFolder } from '../folder-map.ts';
import { layoutBlock, leftOutPattern, mappingName, yamlName } from '../layout-block.ts';
import { type Check, listSome, plural } from '../report.ts';
import type { RootTarget, SourceKind } from '../target.ts';
import type { RootInspection } from './root.ts';

/** What integration folders are named like (INT-16). */
const INTEGRATION_KEY = /^[A-Za-z][A-Za-z0-9_]*-\d+$/;

/** Shown one by one up to this many; grouped by their path inside the project beyond. */
const UNKNOWN_SHOWN = 6;
const ROWS_SHOWN = 14;
const STATE_WIDTH = Math.max(...STATES.map((s) => s.length));

/** Whether a folder path has a folder named like a copy (backup, snapshot) in it. */
function inCopy(rel: string): boolean {
  return rel.split('/').some((name) => leftOutPattern(name) !== undefined);
}

/** Integrations where they belong: not a copy, with a state folder recognised right inside a project. */
function placedIntegrations(map: FolderMap): Set<string> {
  const placed = new Set<string>();
  for (const folder of map.folders) {
    if (folder.alias !== undefined && !folder.inProject.includes('/') && !inCopy(folder.rel)) placed.add(folder.integration);
  }
  return placed;
}

/**
 * Where the integrations lie when the root is one level too high: nothing at the integration
 * level is an integration (copies aside), the project level holds integration keys (INT-1),
 * and the folders below them hold the state folders. undefined when the levels look right.
 */
function oneLevelTooHigh(map: FolderMap): { integrations: string[]; parents: string[] } | undefined {
  if (placedIntegrations(map).size > 0) return undefined;
  const projects = map.projects.filter((p) => !inCopy(p.rel));
  if (projects.length === 0) return undefined;
  const keys = projects.filter((p) => INTEGRATION_KEY.test(p.project));
  if (keys.length * 2 < projects.length) return undefined;
  const projectRels = new Set(keys.map((p) => p.rel));
  const holders = new Set(map.folders.filter((f) => f.alias !== undefined && f.inProject.split('/').length === 2).map((f) => f.rel.split('/').slice(0, -1).join('/')));
  const nested = map.folders.filter((f) => f.alias === undefined && f.inProject.split('/').length === 1 && projectRels.has(f.rel.split('/').slice(0, -1).join('/')) && holders.has(f.rel));
  if (nested.length === 0) return undefined;
  const withNested = new Set(nested.map((f) => f.rel.split('/').slice(0, -1).join('/')));
  const found = keys.filter((p) => withNested.has(p.rel));
  const parents = [...new Set(found.map((p) => p.rel.split('/').slice(0, -1).join('/')))];
  return { integrations: found.map((p) => p.project), parents };
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

/** Where the suggested backbone_layout block goes (a comment on its first line). */
function pasteAdvice(target: RootTarget): string {
  if (target.layout !== undefined) return `in place of extensions.${target.layout}`;
  return 'under extensions: and service.extensions; receivers: layout:';
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
  // Copies (backup, snapshot) are said below, with the exclude that leaves them out.
  const odd = map.integrations.filter((i) => !INTEGRATION_KEY.test(i.name) && !inCopy(i.rel)).map((i) => i.name);
  const placed = placedIntegrations(map);
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
        ? {
          fix: placed.size > 0
            ? `If ${odd.length === 1 ? 'it is no synchronization, leave it' : 'these are no synchronizations, leave them'} out with exclude: [${odd.map(yamlName).join(', ')}] (in backbone_layout, or the receivers' exclude).`
            : `If these are no synchronizations, root may point a level too high (JIRA_HOME instead of JIRA_HOME/${'data/backbone-issue-sync'}?), or the levels differ (${depths}).`,
        }
        : {}),
      details: { integrations: Object.fromEntries(byIntegration), notLikeKeys: odd },
    });
  }
  if (map.projects.length === 0) return checks;

  // With the root one level too high, the projects are integrations: no mapping mends that.
  const tooHigh = oneLevelTooHigh(map);
  if (tooHigh !== undefined) {
    const where = tooHigh.parents.length === 1 ? path.posix.join(target.root, tooHigh.parents[0]!) : undefined;
    checks.push({
      id: 'layout.root_level', status: 'warn',
      message: `root is one level too high: the integration folders (${listSome(tooHigh.integrations, 4)}) lie one level down, in ${listSome(tooHigh.parents, 3)}, where projects should be.`,
      fix: where !== undefined
        ? `Set root to ${where}${source === 'flags' ? ' (--jira-home is JIRA_HOME itself: the doctor adds data/backbone-issue-sync)' : ''}, then run the doctor again.`
        : `Point root at the folder that holds the integration folders (one level down: ${listSome(tooHigh.parents, 3)}), then run the doctor again.`,
      details: { integrations: tooHigh.integrations, holders: tooHigh.parents },
    });
    return checks;
  }

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
  // As wide as the longest name, so that the columns stay aligned whatever the names.
  const pathWidth = Math.max(...rows.map((r) => r.inProject.length + 1), 6);
  const aliasWidth = Math.max(...rows.map((r) => r.alias.length + 2), 7);
  const shownStates = new Set<State>();
  const whereWidth = `${map.projects.length}/${map.projects.length} projects`.length;
  const tableRow = (state: string, folder: string, alias: string, where: string, counts: string) =>
    `${state.padEnd(STATE_WIDTH)}  ${folder.padEnd(pathWidth)}  ${alias.padEnd(aliasWidth)}  ${where.padEnd(whereWidth)}  ${counts}`.trimEnd();
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
  const block = layoutBlock(map, {
    root: target.root, integrationDepth: target.scan.integrationDepth, projectDepth: target.scan.projectDepth,
    messageSuffix: target.scan.messageSuffix, states: target.states, exclude: target.exclude,
  }, pasteAdvice(target));
  const copies = block.excludes.flatMap((e) => e.folders);
  if (unknown.length === 0 && loose.length === 0 && copies.length === 0) {
    checks.push({ id: 'layout.unknown', status: 'ok', message: 'every folder below the projects maps to a state.' });
    return checks;
  }
  // Folders inside the copies are left out with them: not listed one by one.
  const unmapped = unknown.filter((f) => !block.leftOut(f.rel));
  const fileCount = (f: MappedFolder) => (f.listed ? plural(f.files, 'file') : 'not readable');
  const folderLines: string[] = [];
  if (unmapped.length <= UNKNOWN_SHOWN) {
    const width = Math.max(...unmapped.map((f) => f.rel.length));
    for (const folder of unmapped) folderLines.push(`${folder.rel.padEnd(width)}  ${fileCount(folder)}`);
  } else {
    const byPlace = new Map<string, MappedFolder[]>();
    for (const folder of unmapped) byPlace.set(folder.inProject, [...(byPlace.get(folder.inProject) ?? []), folder]);
    const places = [...byPlace];
    for (const [place, folders] of places.slice(0, UNKNOWN_SHOWN)) {
      const files = folders.reduce((sum, f) => sum + f.files, 0);
      folderLines.push(`<project>/${place}/ in ${plural(folders.length, 'project')}, ${plural(files, 'file')} (e.g. ${folders[0]!.rel})`);
    }
    if (places.length > UNKNOWN_SHOWN) folderLines.push(`... and ${places.length - UNKNOWN_SHOWN} more (--json lists every folder)`);
  }
  for (const project of loose.slice(0, 3)) folderLines.push(`${project.rel}/ itself holds ${plural(project.files, 'file')} (counted as unknown)`);
  // Unknown folders that hold state folders: the projects probably lie deeper than configured.
  const holders = unknown.filter((u) => !block.leftOut(u.rel) && mapped.some((m) => m.rel.startsWith(`${u.rel}/`))).map((u) => u.rel);
  const levels = holders.length > 0
    ? ` ${listSome(holders, 3)} ${holders.length === 1 ? 'holds' : 'hold'} state folders: if ${holders.length === 1 ? 'it is' : 'they are'} part of the path to the projects, set the folder levels instead (${depths}).`
    : '';
  const snippet = unknown.length > 0 || copies.length > 0 ? block.lines : [];
  const copiesSaid = copies.length > 0
    ? `${plural(copies.length, 'folder')} ${copies.length === 1 ? 'looks' : 'look'} like a copy (backup, snapshot), not Backbone's, and ${copies.length === 1 ? 'is' : 'are'} counted as if ${copies.length === 1 ? 'it were' : 'they were'} Backbone's: ${listSome(copies, 4)}.`
    : '';
  checks.push({
    id: 'layout.unknown', status: 'warn',
    message: unmapped.length > 0
      ? `${plural(unmapped.length, 'folder')} ${unmapped.length === 1 ? 'matches' : 'match'} no state: ${unmapped.length === 1 ? 'its' : 'their'} files count as state "unknown".${copiesSaid === '' ? '' : ` ${copiesSaid}`}`
      : copiesSaid !== '' ? copiesSaid : 'files lie directly in project folders: they count as state "unknown".',
    lines: [...folderLines, ...snippet],
    // The block says where it goes (its first line); a fix only for what it cannot mend.
    ...(unknown.length > 0 || copies.length > 0
      ? (levels === '' ? {} : { fix: levels.trim() })
      : { fix: 'Backbone puts no files there: find out what writes them.' }),
    details: {
      folders: unknown.map((f) => ({ path: f.rel, files: f.listed ? f.files : null, messages: f.listed ? f.messages : null, mapping: mappingName(f) })),
      looseFiles: loose.map((p) => ({ path: p.rel, files: p.files })),
      mapping: snippet,
    },
  });
  return checks;
}
