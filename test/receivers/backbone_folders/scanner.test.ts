// The scanner against generated trees in every layout the spec allows, and against what a
// file system does: unreadable folders, symlinks, odd names, changes during the scan.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type FolderStats, folderKey, type ScanOptions, type ScanResult, scanBackboneRoot } from '../../../src/receivers/backbone_folders/scanner.ts';
import { buildTree, type ExpectedFolder } from '../../../src/simulator/backbone-tree.ts';
import type { LayoutName } from '../../../src/simulator/layouts.ts';
import { Traffic } from '../../../src/simulator/traffic.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

function options(root: string, extra: Partial<ScanOptions> = {}): ScanOptions {
  return {
    root, stateNames: {}, countOnlyStates: ['processed'], integrationDepth: 1, projectDepth: 1,
    messageSuffix: '.bac', timeoutMs: 60_000, maxEntries: 10_000_000, ...extra,
  };
}

function assertMatches(result: ScanResult, expected: ExpectedFolder[], countOnly: ReadonlySet<string>): void {
  assert.equal(result.folders.size, expected.length, [...result.folders.keys()].join('\n'));
  for (const e of expected) {
    const stats = result.folders.get(folderKey(e.integration, e.project, e.state));
    const label = `${e.integration}/${e.project}/${e.state}`;
    assert.ok(stats, `${label} is reported`);
    assert.equal(stats.messages, e.messages, `messages ${label}`);
    assert.equal(stats.otherFiles, e.otherFiles, `other files ${label}`);
    assert.equal(stats.issues, e.issues, `issues ${label}`);
    if (countOnly.has(e.state)) {
      assert.equal(stats.bytes, undefined, `count-only ${label} reports no size`);
    } else {
      assert.equal(stats.bytes, e.bytes, `bytes ${label}`);
      assert.equal(stats.oldestMessageMtimeMs === undefined ? undefined : Math.round(stats.oldestMessageMtimeMs),
        e.oldestMessageMtimeMs === undefined ? undefined : Math.round(e.oldestMessageMtimeMs), `oldest ${label}`);
    }
  }
}

for (const layout of ['nested', 'beside', 'aliases'] as LayoutName[]) {
  test(`layout "${layout}": every folder's counts, sizes, ages and issues are exact`, () => {
    const root = tempDir();
    const tree = buildTree(root, { seed: 11, integrations: 3, projectsPerIntegration: 2, layout, unknownFolders: true, now: 1_700_000_000_000 });
    const result = scanBackboneRoot(options(root));
    assertMatches(result, tree.expected, new Set(['processed']));
    assert.equal(result.cutShort, undefined);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.unknownFolders.map((u) => u.relativePath).sort(),
      tree.integrations.flatMap((i) => i.projects.flatMap((p) => [`${i.key}/${p}/archive`, `${i.key}/${p}/${layoutReceive(layout)}/tmp`])).sort());
  });
}

function layoutReceive(layout: LayoutName): string {
  return layout === 'aliases' ? 'Incoming' : 'receive';
}

test('no count-only states: processed gets size and age too', () => {
  const root = tempDir();
  const tree = buildTree(root, { seed: 5, integrations: 1, projectsPerIntegration: 1, layout: 'nested' });
  assertMatches(scanBackboneRoot(options(root, { countOnlyStates: [] })), tree.expected, new Set());
});

test('user-defined folder names map to states, also below another state', () => {
  const root = tempDir();
  mkdirSync(path.join(root, 'INT-1/AP-1/inbound/archive'), { recursive: true });
  mkdirSync(path.join(root, 'INT-1/AP-1/outbound/retry'), { recursive: true });
  writeFileSync(path.join(root, 'INT-1/AP-1/inbound/1.bac'), 'x');
  writeFileSync(path.join(root, 'INT-1/AP-1/inbound/archive/2.bac'), 'x');
  writeFileSync(path.join(root, 'INT-1/AP-1/outbound/retry/3.bac'), 'x');
  const result = scanBackboneRoot(options(root, {
    stateNames: { receive: ['inbound'], processed: ['receive/archive'], send: ['outbound'], sendfailed: ['send/retry'] },
  }));
  const count = (state: FolderStats['state']) => result.folders.get(folderKey('INT-1', 'AP-1', state))?.messages;
  assert.deepEqual([count('receive'), count('processed'), count('send'), count('sendfailed')], [1, 1, 0, 1]);
  assert.deepEqual(result.unknownFolders, []);
});

test('deeper integration and project levels are configurable', () => {
  const root = tempDir();
  mkdirSync(path.join(root, 'node-1/INT-9/sync/AP-1/receive'), { recursive: true });
  writeFileSync(path.join(root, 'node-1/INT-9/sync/AP-1/receive/1.bac'), 'x');
  const result = scanBackboneRoot(options(root, { integrationDepth: 2, projectDepth: 2 }));
  assert.equal(result.folders.get(folderKey('INT-9', 'AP-1', 'receive'))?.messages, 1);
});

test('symlinks are not followed and count as scan problems; odd names are counted', () => {
  const root = tempDir();
  const receive = path.join(root, 'INT-1/AP-1/receive');
  mkdirSync(receive, { recursive: true });
  for (const name of ['with space.bac', 'ümlaut-😀.bac', 'new\nline.bac', '.hidden.bac', '-dash.bac']) writeFileSync(path.join(receive, name), 'ab');
  symlinkSync('/etc', path.join(receive, 'link-to-etc'));
  symlinkSync(path.join(receive, 'with space.bac'), path.join(receive, 'link.bac'));
  const result = scanBackboneRoot(options(root));
  const stats = result.folders.get(folderKey('INT-1', 'AP-1', 'receive'))!;
  assert.equal(stats.messages, 5);
  assert.equal(stats.bytes, 10);
  assert.deepEqual(result.problems.map((p) => `${p.type} ${p.relativePath}`).sort(),
    ['symlink INT-1/AP-1/receive/link-to-etc', 'symlink INT-1/AP-1/receive/link.bac']);
});

test('an unreadable folder is a scan problem (EACCES) and the rest is still counted', () => {
  const root = tempDir();
  const tree = buildTree(root, { seed: 2, integrations: 2, projectsPerIntegration: 1, layout: 'beside' });
  const locked = path.join(root, 'INT-10', tree.integrations[0]!.projects[0]!, 'error');
  chmodSync(locked, 0o000);
  // root reads everything: scan without the capabilities that let it, as Jira's service account would.
  const script = fileURLToPath(new URL('./scan-as-json.ts', import.meta.url));
  const command = [process.execPath, script, JSON.stringify(options(root))];
  if (process.getuid?.() === 0) command.unshift('setpriv', '--bounding-set=-dac_override,-dac_read_search', '--');
  const run = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  chmodSync(locked, 0o755);
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { problems: { type: string; relativePath: string }[]; folders: [string, FolderStats][] };
  assert.deepEqual(result.problems.map((p) => `${p.type} ${p.relativePath}`), [`EACCES INT-10/${tree.integrations[0]!.projects[0]}/error`]);
  const other = tree.expected.filter((e) => e.integration === 'INT-11');
  for (const e of other) {
    const stats = new Map(result.folders).get(folderKey(e.integration, e.project, e.state));
    assert.equal(stats?.messages, e.messages, `${e.project}/${e.state} still counted`);
  }
});

test('a scan over a tree that changes under it never fails, and a quiet tree is counted exactly', () => {
  const root = tempDir();
  const tree = buildTree(root, { seed: 8, integrations: 2, projectsPerIntegration: 2, layout: 'nested', maxMessagesPerState: 30 });
  const traffic = new Traffic(tree, { seed: 9, layout: 'nested', movesPerTick: 40 });
  for (let round = 0; round < 20; round++) {
    traffic.tick();
    const result = scanBackboneRoot(options(root));
    for (const problem of result.problems) assert.ok(['ENOENT'].includes(problem.type), `${problem.type} ${problem.relativePath}`);
  }
  // Once the traffic stops, the counts equal an independent count of the disk.
  const result = scanBackboneRoot(options(root));
  for (const integration of tree.integrations) {
    for (const project of integration.projects) {
      const dir = path.join(root, integration.key, project);
      const onDisk = (relative: string) => readdirSync(path.join(dir, relative)).filter((n) => n.endsWith('.bac')).length;
      const count = (state: FolderStats['state']) => result.folders.get(folderKey(integration.key, project, state))?.messages;
      assert.equal(count('receive'), onDisk('receive'));
      assert.equal(count('processed'), onDisk('receive/processed'));
      assert.equal(count('send'), onDisk('send'));
      assert.equal(count('sendfailed'), onDisk('sendfailed'));
      const inIssues = (relative: string) => readdirSync(path.join(dir, relative)).reduce((sum, issue) => sum + onDisk(`${relative}/${issue}`), 0);
      assert.equal(count('error'), inIssues('receive/error'));
      assert.equal(count('missing'), inIssues('receive/missing'));
    }
  }
});

test('the entry cap and the timeout cut a scan short, keeping only the projects finished', () => {
  const root = tempDir();
  buildTree(root, { seed: 4, integrations: 2, projectsPerIntegration: 2, layout: 'nested', maxMessagesPerState: 5 });
  const full = scanBackboneRoot(options(root));
  const capped = scanBackboneRoot(options(root, { maxEntries: Math.floor(full.entries / 2) }));
  assert.equal(capped.cutShort, 'entry_limit');
  assert.ok(capped.completedProjects.size >= 1 && capped.completedProjects.size < 4, `${capped.completedProjects.size} projects done`);
  for (const stats of capped.folders.values()) {
    assert.ok(capped.completedProjects.has(`${stats.integration}/${stats.project}`), 'only finished projects are in the result');
    assert.deepEqual(stats, full.folders.get(folderKey(stats.integration, stats.project, stats.state)));
  }
  const bigRoot = tempDir();
  const processed = path.join(bigRoot, 'INT-1/AP-1/receive/processed');
  mkdirSync(processed, { recursive: true });
  for (let i = 0; i < 5000; i++) writeFileSync(path.join(processed, `${i}.bac`), '');
  const timedOut = scanBackboneRoot(options(bigRoot, { timeoutMs: 0 }));
  assert.equal(timedOut.cutShort, 'timeout');
  assert.equal(timedOut.folders.size, 0);
});

test('a missing root is one scan problem, not a failure', () => {
  const result = scanBackboneRoot(options('/nonexistent/backbone-issue-sync'));
  assert.deepEqual(result.problems.map((p) => p.type), ['ENOENT']);
  assert.equal(result.folders.size, 0);
});
