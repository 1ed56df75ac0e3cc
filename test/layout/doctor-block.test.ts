// The doctor's backbone_layout block, as a user would use it: pasted into the configuration as
// printed, the scanner then finds no unknown folder and counts nothing of the backups and
// snapshots; and with the root one level too high, the doctor says so instead of mapping
// integrations as states.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { registry } from '../../src/components.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { targetFromConfig } from '../../src/doctor/target.ts';
import { scanBackboneRoot } from '../../src/receivers/backbone_folders/scanner.ts';
import { check, checksOf, type JsonReport, runDoctor, site, writeConfig } from '../doctor/fixture.ts';
import { yamlName } from '../../src/doctor/layout-block.ts';

const PIPELINE = `exporters: { debug: {} }
service:
  EXTENSIONS
  pipelines: { metrics: { receivers: [backbone_folders], exporters: [debug] } }
`;

test('the block the doctor prints, pasted into the configuration, leaves no unknown folder and no copy counted', async () => {
  const s = site({ layout: 'nested', integrations: 2, projectsPerIntegration: 1 });
  const file = (rel: string) => {
    mkdirSync(path.dirname(path.join(s.root, rel)), { recursive: true });
    writeFileSync(path.join(s.root, rel), 'm');
  };
  file('INT-10/AP-20/failed/1.bac'); // beside send and receive: send failures
  file('INT-10/AP-20/receive/failed/2.bac'); // inside receive: errors
  file('INT-10/AP-20/Archive-2025/3.bac'); // by its name: processed
  file('INT-10/AP-20/receive/backup/4.bac');
  file('old-INT-9-backup/AP-1/receive/5.bac');
  file('.snapshot/hourly.0/AP-1/receive/6.bac');
  file('INT-10/AP-20/receive.bak/7.bac');
  mkdirSync(path.join(s.root, 'lost+found'));

  const before = writeConfig(s, 'before.yaml', `receivers:\n  backbone_folders:\n    root: ${s.root}\n${PIPELINE.replace('  EXTENSIONS\n', '')}`);
  const report = JSON.parse((await runDoctor({ config: before, json: true })).out) as JsonReport;
  const unknown = check(report, 'layout.unknown');
  assert.equal(unknown.status, 'warn');
  const block = unknown.details!.mapping as string[];
  assert.equal(block[0], 'backbone_layout:  # under extensions: and service.extensions; receivers: layout:');
  assert.deepEqual(block.map((line) => line.replace(/ {2,}#.*$/, '')), [
    'backbone_layout:',
    `  root: ${yamlName(s.root)}`,
    '  states:',
    '    processed: [Archive-2025]',
    '    error: [receive/failed]',
    '    sendfailed: [failed]',
    '  exclude: [".snapshot", "lost+found", "*backup*", "*.bak"]',
  ]);
  assert.match(block[3]!, /# guessed from the name: check$/);
  assert.equal(unknown.fix, undefined, 'the block says where it goes');

  // As the fix says: the block under extensions:, enabled, and named by the receiver.
  const pasted = `extensions:\n${block.map((line) => `  ${line}`).join('\n')}\nreceivers:\n  backbone_folders:\n    layout: backbone_layout\n` +
    PIPELINE.replace('EXTENSIONS', 'extensions: [backbone_layout]');
  const config = loadConfigText(pasted, 'pasted.yaml', registry, {});
  const scan = scanBackboneRoot(targetFromConfig(config, 'config', 'pasted.yaml').roots[0]!.scan);
  assert.deepEqual(scan.unknownFolders, []);
  assert.deepEqual([...scan.folders.values()].filter((f) => f.state === 'unknown'), []);
  const counted = (state: string) => [...scan.folders.values()].filter((f) => f.project === 'AP-20' && f.state === state).reduce((n, f) => n + f.messages, 0);
  const built = (state: string) => s.tree.expected.filter((e) => e.project === 'AP-20' && e.state === state).reduce((n, e) => n + e.messages, 0);
  assert.equal(counted('sendfailed'), built('sendfailed') + 1);
  assert.equal(counted('error'), built('error') + 1);
  assert.equal(counted('processed'), built('processed') + 1);
  assert.equal(counted('receive'), built('receive'), 'receive/backup and receive.bak are not counted');
  assert.deepEqual([...scan.completedProjects].sort(), ['INT-10/AP-20', 'INT-11/CP-22']);

  // The doctor on the pasted configuration: nothing left to map.
  const after = writeConfig(s, 'after.yaml', pasted);
  const again = JSON.parse((await runDoctor({ config: after, json: true })).out) as JsonReport;
  assert.equal(check(again, 'layout.unknown').status, 'ok');
});

test('with the root one level too high, the doctor says where the integrations are, and suggests no state for them', async () => {
  const s = site({ integrations: 2, projectsPerIntegration: 1 });
  const high = path.dirname(s.root);
  const config = writeConfig(s, 'high.yaml', `receivers:\n  backbone_folders:\n    root: ${high}\n${PIPELINE.replace('  EXTENSIONS\n', '')}`);
  const { out } = await runDoctor({ config, json: true });
  const report = JSON.parse(out) as JsonReport;
  const level = check(report, 'layout.root_level');
  assert.equal(level.status, 'warn');
  assert.equal(level.message, 'root is one level too high: the integration folders (INT-10, INT-11) lie one level down, in backbone-issue-sync, where projects should be.');
  assert.equal(level.fix, `Set root to ${s.root}, then run the doctor again.`);
  assert.equal(checksOf(report).find((c) => c.id === 'layout.unknown'), undefined);
  assert.doesNotMatch((await runDoctor({ config })).out, /STATE: \[/);
});

test('copies beside the integrations (a backup of one, a snapshot folder): the doctor proposes excludes, and does not call the root too high', async () => {
  const s = site({ integrations: 2, projectsPerIntegration: 1 });
  const file = (rel: string) => {
    mkdirSync(path.dirname(path.join(s.root, rel)), { recursive: true });
    writeFileSync(path.join(s.root, rel), 'm');
  };
  // `cp -a INT-9 old-INT-9-backup/` and a NetApp snapshot of the whole volume.
  file('old-INT-9-backup/INT-9/AP-1/receive/processed/1.bac');
  file('old-INT-9-backup/INT-9/AP-1/send/2.bac');
  file('.snapshot/hourly.0/INT-10/AP-20/receive/processed/3.bac');
  const config = writeConfig(s, 'copies.yaml', `receivers:\n  backbone_folders:\n    root: ${s.root}\n${PIPELINE.replace('  EXTENSIONS\n', '')}`);
  const report = JSON.parse((await runDoctor({ config, json: true })).out) as JsonReport;
  assert.equal(checksOf(report).find((c) => c.id === 'layout.root_level'), undefined, 'INT-10 and INT-11 are integrations where they should be');
  const integrations = check(report, 'layout.integrations');
  assert.equal(integrations.status, 'ok', integrations.message);
  assert.doesNotMatch(integrations.fix ?? '', /too high/);
  const unknown = check(report, 'layout.unknown');
  assert.equal(unknown.status, 'warn');
  assert.equal(unknown.message, '2 folders look like a copy (backup, snapshot), not Backbone\'s, and are counted as if they were Backbone\'s: .snapshot, old-INT-9-backup.');
  const block = (unknown.details!.mapping as string[]).map((line) => line.replace(/ {2,}#.*$/, ''));
  assert.deepEqual(block, ['backbone_layout:', `  root: ${yamlName(s.root)}`, '  exclude: [".snapshot", "*backup*"]']);
});

test('the root one level too high is still said when nothing under it looks like an integration, copies or not', async () => {
  const s = site({ integrations: 2, projectsPerIntegration: 1 });
  mkdirSync(path.join(s.root, '..', 'backbone-issue-sync-backup', 'INT-10', 'AP-20', 'receive'), { recursive: true });
  const config = writeConfig(s, 'high.yaml', `receivers:\n  backbone_folders:\n    root: ${path.dirname(s.root)}\n${PIPELINE.replace('  EXTENSIONS\n', '')}`);
  const report = JSON.parse((await runDoctor({ config, json: true })).out) as JsonReport;
  assert.equal(check(report, 'layout.root_level').fix, `Set root to ${s.root}, then run the doctor again.`);
});
