// Where the agent keeps its own state, checked before it runs: the folders named by a
// component's `storage` key (a disk queue, a checkpoint) and by an extension's `lease_dir`
// (the leader election's, which every agent of the cluster shares). None may lie under a
// Backbone root (the agent never writes there), also when a symlink leads there or the folder
// does not exist yet; no component's state may land in another's (a storage folder inside
// another component's queue folder, or in the shared lease_dir, where every agent would take
// it). Paths are compared as the kernel resolves them: the real path of the nearest folder that
// exists, then the rest as written.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { AnyFactory, FactoryBase } from '../component/component.ts';
import { isInside } from '../backbone/paths.ts';
import { storageName, storageNameProblem } from '../storage/storage-name.ts';
import type { ConfigIssue } from './config-issue.ts';
import { formatPath } from './config-issue.ts';
import type { AgentConfig, ComponentEntry } from './load-config.ts';

type KeyPath = readonly (string | number)[];

/** A folder the agent writes, as the configuration names it. */
interface WrittenFolder {
  /** The key that names it: exporters.otlphttp.storage. */
  path: KeyPath;
  key: 'storage' | 'lease_dir';
  /** The component's id. */
  id: string;
  written: string;
  real: string;
}

interface Root {
  path: KeyPath;
  written: string;
  real: string;
}

const SECTIONS = ['receivers', 'processors', 'exporters', 'extensions'] as const;

/**
 * The problems of the folders the agent writes: unlocated (the loader adds lines); `lineOf`
 * gives the line of another key for messages that name two.
 */
export function storageIssues(config: AgentConfig, lineOf: (path: KeyPath) => number | undefined): ConfigIssue[] {
  const folders: WrittenFolder[] = [];
  const roots: Root[] = [];
  for (const section of SECTIONS) {
    for (const [id, entry] of config[section] as Map<string, ComponentEntry<AnyFactory>>) {
      const settings = entry.config as Record<string, unknown> | null;
      for (const key of ['storage', 'lease_dir'] as const) {
        const written = settings?.[key];
        if (typeof written !== 'string' || written === '') continue;
        if (key === 'lease_dir' && section !== 'extensions') continue;
        folders.push({ path: [section, id, key], key, id, written, real: resolvedPath(written) });
      }
      if (section !== 'receivers') continue;
      const factory = entry.factory as FactoryBase<unknown>;
      for (const root of safely(() => factory.roots?.(entry.config) ?? [])) {
        if (typeof root === 'string' && root !== '') roots.push({ path: [section, id, 'root'], written: root, real: resolvedPath(root) });
      }
    }
  }

  const issues: ConfigIssue[] = [];
  const at = (p: KeyPath) => {
    const line = lineOf(p);
    return line === undefined ? formatPath(p) : `${formatPath(p)} (line ${line})`;
  };
  const realNote = (folder: { written: string; real: string }) => (path.resolve(folder.written) === folder.real ? '' : ` (${folder.real})`);

  for (const folder of folders) {
    // Its own component's root first: the message then names the root it reads.
    const root = roots.find((r) => r.path[1] === folder.id && isInside(folder.real, r.real)) ?? roots.find((r) => isInside(folder.real, r.real));
    if (root !== undefined) {
      issues.push({
        path: folder.path,
        message: `${folder.key} ${folder.written}${realNote(folder)} is under the Backbone root ${root.written}${realNote(root)} of ${at(root.path)}: the agent never writes there; choose a folder outside it, for example ${folder.key === 'lease_dir' ? 'one beside it in the shared home' : '/var/lib/backbone-otel-agent'}`,
      });
      continue;
    }
    if (folder.key !== 'storage') continue;
    const problem = storageNameProblem(folder.id);
    if (problem !== undefined) issues.push({ path: folder.path.slice(0, 2), message: problem });
    for (const lease of folders) {
      if (lease.key !== 'lease_dir' || !isInside(folder.real, lease.real)) continue;
      issues.push({
        path: folder.path,
        message: `storage ${folder.written}${realNote(folder)} lies in the lease_dir of ${at(lease.path)}, which every agent of the cluster shares: they would all take this one folder; choose a folder of this agent's own, for example /var/lib/backbone-otel-agent`,
      });
    }
    // Another component keeps its state in <its storage>/<its name>: no folder of this one may lie there.
    for (const other of folders) {
      if (other === folder || other.key !== 'storage') continue;
      const place = path.join(other.real, storageName(other.id));
      if (isInside(folder.real, place)) {
        issues.push({
          path: folder.path,
          message: `storage ${folder.written}${realNote(folder)} lies in the folder where ${other.id} keeps its state (${place}, from ${at(other.path)}): the two would share it; give ${folder.id} a folder beside it, or the same storage folder (each component gets its own folder in it)`,
        });
      }
    }
  }

  // A queue folder per pipeline: <storage>/<exporter>/<pipeline>.
  const pipelines = new Set<string>();
  for (const pipeline of config.pipelines) {
    if (pipeline.exporters.some((id) => folders.some((f) => f.key === 'storage' && f.path[0] === 'exporters' && f.id === id))) pipelines.add(pipeline.id);
  }
  for (const id of pipelines) {
    const problem = storageNameProblem(id);
    if (problem !== undefined) issues.push({ path: ['service', 'pipelines', id], message: problem });
  }
  return issues;
}

/**
 * `p` as the kernel would resolve it once it exists: part by part, each symlink followed
 * (so that `link/..` is the parent of where the link leads), and the parts that do not exist
 * yet taken as written.
 */
export function resolvedPath(p: string): string {
  let current = path.isAbsolute(p) ? path.parse(p).root : realOrAsIs(process.cwd());
  let exists = true;
  for (const part of p.split(path.sep)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, part);
    if (exists) {
      try {
        current = realpathSync(next);
        continue;
      } catch {
        exists = false;
      }
    }
    current = next;
  }
  return current;
}

function realOrAsIs(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function safely<T>(read: () => T[]): T[] {
  try {
    return read();
  } catch {
    // A configuration resolve() could not complete: its own issue says why.
    return [];
  }
}
