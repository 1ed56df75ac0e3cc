// What `validate` says about the tree itself: for each Backbone root the configuration reads,
// the folders its layout leaves `unknown` (or that a backup/snapshot name says are copies),
// listed as the tree stands at validation time. A root that cannot be read then is said to
// be unchecked, never an error: the configuration may be validated on another host. A root
// that does not exist is named, with where its path stops existing (a misspelt path).
import { statSync } from 'node:fs';
import type { AgentConfig } from '../config/load-config.ts';
import { mapFolders } from './folder-map.ts';
import { leftOutPattern } from './layout-block.ts';
import { describeMissing, missingPath } from './paths.ts';
import { listSome, plural } from './report.ts';
import { targetFromConfig } from './target.ts';

/** Long enough for a large tree's folders, short enough for a command meant to be quick. */
const TIMEOUT_MS = 10_000;

export async function unknownFolderNotes(config: AgentConfig): Promise<string[]> {
  const notes: string[] = [];
  for (const target of targetFromConfig(config, 'config', config.file).roots) {
    const who = target.receivers.join(', ');
    try {
      if (!statSync(target.root).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      notes.push(code === 'ENOENT'
        ? `${who}: root ${target.root} does not exist here: ${describeMissing(await missingPath(target.root), target.root)}; its folders were not checked against the layout`
        : `${who}: root ${target.root} cannot be read here and now (${code}): its folders were not checked against the layout`);
      continue;
    }
    const map = await mapFolders({ ...target.scan, timeoutMs: TIMEOUT_MS });
    const unknown = map.folders.filter((f) => f.alias === undefined).map((f) => f.rel);
    const copies = [...map.integrations.map((i) => i.rel), ...map.projects.map((p) => p.rel)].filter((rel) => leftOutPattern(rel.split('/').at(-1)!) !== undefined);
    const partial = map.cutShort === undefined ? '' : ` (the listing stopped early: ${map.cutShort})`;
    if (unknown.length > 0) {
      notes.push(`${who}: ${plural(unknown.length, 'folder')} of ${target.root} ${unknown.length === 1 ? 'matches' : 'match'} no state, ` +
        `so ${unknown.length === 1 ? 'its' : 'their'} files count as "unknown"${partial}: ${listSome(unknown, 5)}`);
    }
    if (copies.length > 0) notes.push(`${who}: ${listSome(copies, 5)} ${copies.length === 1 ? 'looks' : 'look'} like a copy (backup, snapshot) counted as Backbone's: exclude ${copies.length === 1 ? 'it' : 'them'}`);
    if (unknown.length > 0 || copies.length > 0) notes.push(`backbone-otel doctor --config ${config.file} prints a backbone_layout block that maps or leaves out each of them`);
  }
  return notes;
}
