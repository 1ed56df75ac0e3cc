// The watcher reads the tree exactly as the folder scanner does (same shared rules): for every
// simulated layout, each file's state as the watcher classifies it matches the scanner's
// counts, and the walk lists every folder but the lookup-only ones.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { scanBackboneRoot } from '../../../src/receivers/backbone_folders/scanner.ts';
import type { State } from '../../../src/backbone/states.ts';
import { TreeRules } from '../../../src/backbone/tree.ts';
import { TreeLayout } from '../../../src/receivers/backbone_events/tree-walk.ts';
import { realWatcherFs } from '../../../src/receivers/backbone_events/watcher-fs.ts';
import { buildTree } from '../../../src/simulator/backbone-tree.ts';
import type { LayoutName } from '../../../src/simulator/layouts.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

function allFiles(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

for (const layoutName of ['nested', 'beside', 'aliases'] as LayoutName[]) {
  test(`${layoutName} layout: every file's state as the watcher sees it equals the scanner's`, async () => {
    const root = path.join(tempDir(), 'backbone-issue-sync');
    buildTree(root, { seed: 11, integrations: 2, projectsPerIntegration: 2, layout: layoutName, unknownFolders: true });
    const layout = new TreeLayout({
      root, stateNames: {}, integrationDepth: 1, projectDepth: 1, messageSuffix: '.bac',
      lookupOnlyStates: new Set<State>(['processed']), otherFilesStates: new Set<State>(['receive', 'invalid']), maxFolderFiles: 1000,
    });
    const scan = scanBackboneRoot({
      root, stateNames: {}, countOnlyStates: [], integrationDepth: 1, projectDepth: 1,
      messageSuffix: '.bac', timeoutMs: 60_000, maxEntries: 1_000_000,
    });
    const fromScanner = new Map<string, number>();
    for (const folder of scan.folders.values()) {
      fromScanner.set(`${folder.integration}/${folder.project}/${folder.state}`, folder.messages + folder.otherFiles);
    }
    const fromWatcher = new Map<string, number>();
    for (const rel of allFiles(root)) {
      const folder = layout.folderAt(rel.split('/').slice(0, -1).join('/'));
      const key = `${folder.project!.integration}/${folder.project!.project}/${folder.state}`;
      fromWatcher.set(key, (fromWatcher.get(key) ?? 0) + 1);
    }
    for (const [key, count] of fromWatcher) assert.equal(fromScanner.get(key), count, key);
    for (const [key, count] of fromScanner) assert.equal(fromWatcher.get(key) ?? 0, count, key);

    // The walk follows every message (and the other files of receive and invalid) outside processed.
    const walk = await layout.walk(realWatcherFs);
    let expected = 0;
    for (const folder of scan.folders.values()) {
      if (folder.state === 'processed') continue;
      expected += folder.messages + (folder.state === 'receive' || folder.state === 'invalid' ? folder.otherFiles : 0);
    }
    assert.equal([...walk.files.values()].reduce((sum, files) => sum + files.names.length, 0), expected);
    for (const file of walk.files.values()) assert.notEqual(file.folder.state, 'processed');
    const lookupOnly = [...walk.folders.values()].filter((f) => f.project !== undefined && !f.listed);
    assert.equal(lookupOnly.length, 4, 'one processed folder per project, never opened');
    assert.deepEqual(walk.uncertain, []);
  });
}

test('integration and project depth: deeper layouts classify the same way', () => {
  const deep = new TreeRules({ stateNames: {}, integrationDepth: 2, projectDepth: 2, messageSuffix: '.bac' });
  const classified = deep.placeAt(['dc', 'INT-16', 'group', 'AP-29', 'receive', 'error', 'PB-1', 'sub'])!;
  assert.deepEqual([classified.integration, classified.project], ['INT-16', 'AP-29']);
  assert.deepEqual(classified.folder, { state: 'error', issue: 'PB-1', unmatched: false });
  assert.equal(deep.placeAt(['dc', 'INT-16', 'group'])!.folder, undefined, 'above the project level');
  const flat = new TreeRules({ stateNames: {}, integrationDepth: 1, projectDepth: 1, messageSuffix: '.bac' });
  assert.equal(flat.placeAt(['INT-1', 'AP-1', 'send', 'failed'])!.folder!.state, 'sendfailed');
  assert.equal(flat.placeAt(['INT-1', 'AP-1', 'archive', 'receive'])!.folder!.state, 'receive');
});
