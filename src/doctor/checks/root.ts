// The Backbone root: that it exists and this user can read all of it, which file system it
// lies on (and so which watch method `auto` picks), how many files the agent will count, and
// that the agent never needs to write there. Reading it is the inspection below; it reads
// names, sizes and times only (the scanner and folder-map.ts), never writes.
import { opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../../receivers/backbone_events/config.ts';
import { chooseMode, detectFsType, type FsType } from '../../backbone/fs-type.ts';
import { realWatcherFs } from '../../receivers/backbone_events/watcher-fs.ts';
import { ScanThread } from '../../receivers/backbone_folders/scan-thread.ts';
import type { ScanResult } from '../../receivers/backbone_folders/scanner.ts';
import { type FolderMap, mapFolders } from '../folder-map.ts';
import type { Identity } from '../identity.ts';
import { describeMissing, type MissingPath, missingPath, resolvedPath } from '../paths.ts';
import { type Check, listSome, plural } from '../report.ts';
import { BACKBONE_SUBPATH, type RootTarget, type SourceKind, type StorageTarget } from '../target.ts';

export interface RootInspection {
  target: RootTarget;
  /** The root as the kernel resolves it (symbolic links followed). */
  real: string;
  /** Why it cannot be used at all: missing, not a folder, not readable. */
  unusable: { reason: 'missing' | 'not_a_folder' | 'unreadable'; code: string; message: string } | undefined;
  /** Folders near a missing root that look like the one meant. */
  candidates: string[];
  /** For a missing root: where its path stops existing. */
  missing: MissingPath | undefined;
  fsType: FsType | undefined;
  scan: ScanResult | undefined;
  /** The scan did not come back (a hung network file system). */
  scanError: string | undefined;
  map: FolderMap | undefined;
  /** The file system stopped answering (set instead of everything else). */
  hung: string | undefined;
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * For a root that does not exist: Backbone folders where the user probably meant, below it
 * (root set to JIRA_HOME or JIRA_HOME/data) or above it (the Backbone folder given as JIRA_HOME).
 */
async function candidatesFor(root: string): Promise<string[]> {
  const absolute = path.resolve(root);
  const guesses = [path.join(absolute, ...BACKBONE_SUBPATH), path.join(absolute, BACKBONE_SUBPATH[1])];
  for (let dir = path.dirname(absolute); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (path.basename(dir) === BACKBONE_SUBPATH[1]) guesses.push(dir);
  }
  const found: string[] = [];
  for (const guess of guesses) if (await exists(guess)) found.push(guess);
  return found;
}

/** "X exists: is that the folder meant?", with the --jira-home that gives it. */
function candidateHint(candidates: readonly string[], source: SourceKind): string {
  const first = candidates[0];
  if (first === undefined) return '';
  const suffix = `${path.sep}${BACKBONE_SUBPATH.join(path.sep)}`;
  if (source === 'flags') {
    return first.endsWith(suffix)
      ? ` ${first} exists: is that the folder meant? Then give --jira-home ${first.slice(0, -suffix.length)}.`
      : ` ${first} exists: is that the folder meant?`;
  }
  return ` ${first} exists: set root to it if that is the folder meant.`;
}

/** Beyond the scan's own timeout: how long a file system that does not answer at all is waited for. */
const GRACE_MS = 5_000;

/**
 * Reads the root; a file system that stops answering (a hung NFS mount: even stat() blocks)
 * is reported as such after the scan timeout plus a grace period, instead of hanging the doctor.
 */
export async function inspectRoot(target: RootTarget): Promise<RootInspection> {
  const base: RootInspection = {
    target, real: path.resolve(target.root), unusable: undefined, candidates: [], missing: undefined,
    fsType: undefined, scan: undefined, scanError: undefined, map: undefined, hung: undefined,
  };
  const limitMs = target.scan.timeoutMs + GRACE_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<RootInspection>((resolve) => {
    timer = setTimeout(() => resolve({ ...base, hung: `no answer from the file system within ${Math.round(limitMs / 1000)} s` }), limitMs);
    timer.unref();
  });
  try {
    return await Promise.race([readRoot({ ...base }), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function readRoot(inspection: RootInspection): Promise<RootInspection> {
  const { target } = inspection;
  inspection.real = await resolvedPath(target.root);
  try {
    const info = await stat(target.root);
    if (!info.isDirectory()) {
      inspection.unusable = { reason: 'not_a_folder', code: 'ENOTDIR', message: 'it is a file, not a folder' };
      return inspection;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    inspection.unusable = code === 'ENOENT' || code === 'ENOTDIR'
      ? { reason: 'missing', code, message: 'it does not exist' }
      : { reason: 'unreadable', code, message: (error as Error).message };
    if (inspection.unusable.reason === 'missing') {
      inspection.candidates = await candidatesFor(target.root);
      inspection.missing = await missingPath(target.root);
    }
    return inspection;
  }
  try {
    const dir = await opendir(target.root);
    await dir.read();
    await dir.close();
  } catch (error) {
    inspection.unusable = { reason: 'unreadable', code: (error as NodeJS.ErrnoException).code ?? 'unknown', message: (error as Error).message };
    return inspection;
  }
  inspection.fsType = await detectFsType(realWatcherFs, target.root);

  // The agent's own scanner (in its worker thread, as the agent runs it) for the counts, and
  // the folder map for names and aliases, side by side.
  const thread = new ScanThread();
  try {
    const scan = thread.scan(target.scan).then(
      (result) => { inspection.scan = result; },
      (error: unknown) => { inspection.scanError = (error as Error).message; },
    );
    const map = mapFolders(target.scan).then((result) => { inspection.map = result; });
    await Promise.all([scan, map]);
  } finally {
    await thread.close();
  }
  return inspection;
}

function rootSetting(source: SourceKind, target: RootTarget): string {
  return source === 'flags' ? '--jira-home' : `root of ${target.receivers.join(' and ')}`;
}

const PERMISSION_CODES = new Set(['EACCES', 'EPERM']);

function readAccessFix(user: string, root: string): string {
  const name = user.replace(/ \(uid \d+\)$/, '');
  return `give ${name} read access to the whole tree, also to folders Backbone creates later: ` +
    `setfacl -R -m u:${name}:rX ${root} && setfacl -R -d -m u:${name}:rX ${root} ` +
    '(or run the agent in the group Jira writes with, and make the folders group-readable).';
}

export function rootChecks(inspection: RootInspection, source: SourceKind, identity: Identity, storage: StorageTarget[], storageReal: Map<string, string>): Check[] {
  const { target } = inspection;
  const checks: Check[] = [];
  if (inspection.hung !== undefined) {
    return [{
      id: 'root.readable', status: 'fail',
      message: `${target.root}: ${inspection.hung}. A hung network mount?`,
      fix: `Check the mount (does ls ${target.root} answer?); on NFS, a soft mount with a timeout keeps a dead server from hanging readers.`,
    }];
  }
  const unusable = inspection.unusable;
  if (unusable?.reason === 'missing' || unusable?.reason === 'not_a_folder') {
    const jiraHome = path.resolve(target.root, '..', '..');
    const underHome = target.root.replace(/\/+$/, '').endsWith(BACKBONE_SUBPATH.join('/'));
    const missing = inspection.missing;
    // Where the path stops existing, unless a Backbone folder nearby says more.
    let where = '';
    if (missing !== undefined && inspection.candidates.length === 0) {
      if (missing.firstMissing !== path.resolve(target.root)) where = `: ${describeMissing(missing, target.root)}`;
      else if (missing.nearMiss !== undefined) where = `: ${missing.nearMiss} exists (a typo?)`;
      const typoInHome = missing.nearMiss !== undefined && source === 'flags' && underHome && isInside(jiraHome, missing.firstMissing);
      if (typoInHome) where += `. Then give --jira-home ${missing.nearMiss}${jiraHome.slice(missing.firstMissing.length)}.`;
    }
    // JIRA_HOME there, but no Backbone folder in it: Backbone has not written one yet.
    const homeExists = missing !== undefined && underHome && isInside(missing.nearest, jiraHome);
    return [{
      id: 'root.exists', status: 'fail',
      message: `${target.root}: ${unusable.message}${where === '' ? '.' : where.endsWith('.') ? where : `${where}.`}${candidateHint(inspection.candidates, source)}`,
      fix: `${source === 'flags' ? 'Give --jira-home the JIRA_HOME of this Jira node' : `Set ${rootSetting(source, target)} to JIRA_HOME/${BACKBONE_SUBPATH.join('/')} of this Jira node`} ` +
        '(on Jira Data Center, JIRA_HOME is the shared home, usually an NFS mount).' +
        (homeExists && inspection.candidates.length === 0 ? ` If ${jiraHome} is that JIRA_HOME, Backbone Issue Sync has written no message folder there yet.` : ''),
      details: { root: target.root, code: unusable.code, candidates: inspection.candidates, ...(missing === undefined ? {} : { missing }) },
    }];
  }
  if (unusable?.reason === 'unreadable') {
    return [{
      id: 'root.readable', status: 'fail',
      message: `${identity.name} cannot read ${target.root} (${unusable.code}).`,
      fix: `Run the agent as a user that can read it, or ${readAccessFix(identity.name, target.root)}`,
      details: { root: target.root, code: unusable.code, message: unusable.message },
    }];
  }
  const exists = `exists${inspection.real !== path.resolve(target.root) ? ` (${inspection.real})` : ''}`;

  // Every folder below it readable? The scanner's problems and the folder map's, once each.
  const unreadable = new Map<string, string>();
  for (const p of inspection.scan?.problems ?? []) if (PERMISSION_CODES.has(p.type)) unreadable.set(p.relativePath, p.type);
  for (const p of inspection.map?.problems ?? []) if (PERMISSION_CODES.has(p.code)) unreadable.set(p.rel, p.code);
  if (unreadable.size > 0) {
    const list = [...unreadable].sort(([a], [b]) => (a < b ? -1 : 1)).map(([rel, code]) => `${rel} (${code})`);
    checks.push({
      id: 'root.readable', status: 'fail',
      message: `${exists}, but ${identity.name} cannot read ${plural(unreadable.size, 'folder')} below it: its messages would go uncounted. ${listSome(list, 4)}.`,
      fix: `Make them readable: ${readAccessFix(identity.name, target.root)}`,
      details: { unreadable: [...unreadable].map(([rel, code]) => ({ path: rel, code })) },
    });
  } else {
    checks.push({ id: 'root.readable', status: 'ok', message: `${exists}, and ${identity.name} can read every folder below it.`, details: { real: inspection.real } });
  }
  if (identity.bypassesPermissions) {
    checks.push({
      id: 'root.user', status: 'warn',
      message: `the doctor runs as ${identity.name}, which reads every file whatever its permissions: that says nothing about the user the agent will run as.`,
      fix: 'Run the doctor as the agent\'s user, or one with the same groups (sudo -u USER backbone-otel doctor ...), unless the agent runs as root too.',
    });
  }

  if (inspection.fsType) {
    const fs = inspection.fsType;
    const auto = chooseMode('auto', fs);
    const kind = fs.remote ? 'network: changes made on other hosts raise no file-system event here' : 'local';
    let status: Check['status'] = 'ok';
    let fix: string | undefined;
    let configured = '';
    if (target.watch && target.watch.method !== 'auto') {
      configured = `; ${target.watch.receiver} sets ${target.watch.method}`;
      if (target.watch.method === 'native' && fs.remote) {
        status = 'warn';
        fix = `Set watch_method: auto (or poll) in ${target.watch.receiver}: with native, moves that Backbone makes on another node are only seen at the next reconcile_interval.`;
      }
    }
    checks.push({
      id: 'root.filesystem', status,
      message: `${fs.name} file system (${kind}): watch_method auto picks ${auto === 'poll' ? 'poll (listings)' : 'native (file-system events)'}${configured}.`,
      ...(fix === undefined ? {} : { fix }),
      details: { name: fs.name, magic: fs.magic, remote: fs.remote, auto, configured: target.watch?.method },
    });
  }

  if (inspection.scanError !== undefined) {
    checks.push({
      id: 'root.files', status: 'fail',
      message: `the scan of the root did not finish: ${inspection.scanError}. A hung network mount?`,
      fix: `Check the mount (does ls ${target.root} answer?); on NFS, a soft mount with a timeout keeps a dead server from hanging readers.`,
    });
  } else if (inspection.scan) {
    const scan = inspection.scan;
    let messages = 0;
    let others = 0;
    for (const folder of scan.folders.values()) {
      messages += folder.messages;
      others += folder.otherFiles;
    }
    const took = scan.durationMs < 1000 ? `${Math.round(scan.durationMs)} ms` : `${(scan.durationMs / 1000).toFixed(1)} s`;
    const counted = `${plural(messages, 'message file')} and ${plural(others, 'other file')} in ${plural(scan.completedProjects.size, 'project')}, scanned in ${took}`;
    if (scan.cutShort !== undefined) {
      const setting = scan.cutShort === 'timeout'
        ? `timeout (now ${Math.round(target.scan.timeoutMs / 1000)}s)`
        : `max_entries (now ${target.scan.maxEntries})`;
      checks.push({
        id: 'root.files', status: 'warn',
        message: `the scan stopped early (${scan.cutShort === 'timeout' ? 'timeout' : 'entry limit'}) after ${plural(scan.entries, 'entry', 'entries')}: ${counted} so far; the rest would go unreported.`,
        fix: `Raise ${setting} of backbone_folders, or clean up processed/ (its messages are applied and safe to delete).`,
        details: { messages, otherFiles: others, entries: scan.entries, durationMs: scan.durationMs, cutShort: scan.cutShort },
      });
    } else {
      checks.push({
        id: 'root.files', status: 'ok', message: `${counted}.`,
        details: { messages, otherFiles: others, entries: scan.entries, durationMs: scan.durationMs },
      });
    }
    const links = scan.problems.filter((p) => p.type === 'symlink').map((p) => p.relativePath);
    if (links.length > 0) {
      checks.push({
        id: 'root.symlinks', status: 'warn',
        message: `${plural(links.length, 'symbolic link')} below the root, not followed (what they point to is not counted): ${listSome(links, 3)}.`,
        fix: 'Backbone does not make links: if they are meant, point root at the real folders; else remove them.',
        details: { symlinks: links },
      });
    }
  }

  // The agent writes nothing under the root: none of its storage folders may lie there.
  const inside = storage.filter((s) => isInside(storageReal.get(s.dir) ?? path.resolve(s.dir), inspection.real));
  if (inside.length > 0) {
    checks.push({
      id: 'root.read_only', status: 'fail',
      message: `the storage of ${inside.flatMap((s) => s.uses.map((u) => u.id)).join(', ')} (${inside.map((s) => s.dir).join(', ')}) lies under the Backbone root: the agent would write there.`,
      fix: 'Choose storage folders outside JIRA_HOME, for example /var/lib/backbone-otel-agent: the agent must never write under the Backbone root.',
    });
  } else {
    checks.push({
      id: 'root.read_only', status: 'ok',
      message: 'the agent only reads here (names, sizes and times) and needs no write access.',
    });
  }
  return checks;
}
