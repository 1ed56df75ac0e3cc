// One layout, one reading of the tree: on a tree with aliases, excluded folders, nested
// integrations (integration_depth 2), an unexpected folder and folders that look like states at
// the wrong level, the folder scanner's counts, the doctor's folder map and the watcher's moves
// put every file in the same state, the one this table says, as configured once in a
// backbone_layout extension.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { registry } from '../../src/components.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { mapFolders } from '../../src/doctor/folder-map.ts';
import { targetFromConfig } from '../../src/doctor/target.ts';
import type { EventsConfig } from '../../src/receivers/backbone_events/config.ts';
import { EventsReceiver } from '../../src/receivers/backbone_events/receiver.ts';
import { scanBackboneRoot } from '../../src/receivers/backbone_folders/scanner.ts';
import { CaptureHost } from '../helpers/capture-host.ts';
import { moveInOtherProcess } from '../helpers/move-files.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Every file of the tree, by path below the root, and the state it is in ('excluded': nowhere). */
const FILES: Record<string, string> = {
  'dc1/INT-1/AP-1/incoming/1.bac': 'receive', // a default alias
  'dc1/INT-1/AP-1/incoming/1b.bac': 'receive',
  'dc1/INT-1/AP-1/incoming/12.bac': 'receive',
  'dc1/INT-1/AP-1/incoming/archive-2025/2.bac': 'processed', // a configured alias
  'dc1/INT-1/AP-1/outbox/failed/3.bac': 'sendfailed', // `failed` inside send
  'dc1/INT-1/AP-1/receive/error/PB-1/4.bac': 'error',
  'dc1/INT-1/AP-1/tmp/5.bac': 'unknown', // a folder Backbone does not make
  'dc1/INT-1/AP-1/tmp/receive/6.bac': 'receive', // a state below it
  'dc1/INT-1/receive/receive/7.bac': 'receive', // a project folder named like a state
  'dc1/INT-1/AP-1/backup/receive/8.bac': 'excluded', // *backup*
  'dc1/old-INT-9-backup/AP-1/receive/9.bac': 'excluded', // *backup*, at the integration level
  '.snapshot/hourly.0/AP-1/receive/10.bac': 'excluded', // .snapshot, at the first level
  'dc1/INT-1/AP-1/receive/old.bak/11.bac': 'excluded', // *.bak
  'dc1/INT-1/AP-1/lost+found/13.bac': 'excluded',
};
const EMPTY_FOLDERS = ['dc1/INT-1/receive/waiting', 'dc1/INT-1/AP-1/receive/old.bak'];

const CONFIG = (root: string) => `extensions:
  backbone_layout:
    root: ${JSON.stringify(root)}
    integration_depth: 2
    states:
      processed: [archive-2025]
    exclude: ["*backup*", .snapshot, "*.bak", lost+found]
receivers:
  backbone_folders:
    layout: backbone_layout
  backbone_events:
    layout: backbone_layout
    watch_method: poll
    poll_interval: 100ms
    grace_period: 200ms
exporters:
  debug:
service:
  extensions: [backbone_layout]
  pipelines:
    logs: { receivers: [backbone_folders, backbone_events], exporters: [debug] }
`;

function setup() {
  const root = path.join(tempDir(), 'backbone-issue-sync');
  for (const rel of Object.keys(FILES)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), 'message');
  }
  for (const rel of EMPTY_FOLDERS) mkdirSync(path.join(root, rel), { recursive: true });
  const config = loadConfigText(CONFIG(root), 'agent.yaml', registry, {});
  return { root, config, target: targetFromConfig(config, 'config', 'agent.yaml').roots[0]! };
}

/** "integration/project/state" of a file, from its path (integration_depth 2). */
function placeOf(rel: string): string {
  const [, integration, project] = rel.split('/');
  return `${integration}/${project}/${FILES[rel]}`;
}

test('the scanner counts every file where the table puts it, and nothing of the excluded folders', () => {
  const { target } = setup();
  const scan = scanBackboneRoot(target.scan);
  const counted = new Map<string, number>();
  for (const folder of scan.folders.values()) {
    if (folder.messages > 0) counted.set(`${folder.integration}/${folder.project}/${folder.state}`, folder.messages);
  }
  const expected = new Map<string, number>();
  for (const rel of Object.keys(FILES)) if (FILES[rel] !== 'excluded') expected.set(placeOf(rel), (expected.get(placeOf(rel)) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries([...counted].sort()), Object.fromEntries([...expected].sort()));
  assert.deepEqual([...scan.completedProjects].sort(), ['INT-1/AP-1', 'INT-1/receive']);
  assert.deepEqual(scan.unknownFolders.map((f) => f.relativePath), ['dc1/INT-1/AP-1/tmp']);
});

test("the doctor's folder map gives every folder the state the table gives its files, and names the excluded ones", async () => {
  const { target } = setup();
  const map = await mapFolders(target.scan);
  const stateOf = new Map(map.folders.map((f) => [f.rel, f.state]));
  for (const [rel, state] of Object.entries(FILES)) {
    let folder = path.posix.dirname(rel);
    if (state === 'error') folder = path.posix.dirname(folder); // issue folders are counted, not listed
    if (state === 'excluded') assert.equal(stateOf.get(folder), undefined, rel);
    else assert.equal(stateOf.get(folder), state, rel);
  }
  assert.deepEqual(map.excluded.sort(), ['.snapshot', 'dc1/INT-1/AP-1/backup', 'dc1/INT-1/AP-1/lost+found', 'dc1/INT-1/AP-1/receive/old.bak', 'dc1/old-INT-9-backup']);
  assert.deepEqual(map.projects.map((p) => `${p.integration}/${p.project}`).sort(), ['INT-1/AP-1', 'INT-1/receive']);
});

test('the watcher reports each move from and to the states the table gives, and nothing in the excluded folders', async () => {
  const { root, config } = setup();
  const capture = new CaptureHost();
  const receiver = new EventsReceiver(config.receivers.get('backbone_events')!.config as EventsConfig, capture.host, capture.log);
  await receiver.start();
  after(() => receiver.shutdown());
  const p = (rel: string) => path.join(root, 'dc1', 'INT-1', rel);
  await moveInOtherProcess([
    { op: 'rename', from: p('AP-1/incoming/1.bac'), to: p('AP-1/tmp/1.bac') },
    { op: 'rename', from: p('AP-1/tmp/5.bac'), to: p('AP-1/incoming/5.bac') },
    { op: 'rename', from: p('AP-1/tmp/receive/6.bac'), to: p('AP-1/tmp/6.bac') },
    { op: 'rename', from: p('AP-1/receive/error/PB-1/4.bac'), to: p('AP-1/incoming/4.bac') },
    { op: 'rename', from: p('AP-1/incoming/1b.bac'), to: p('AP-1/incoming/archive-2025/1b.bac') },
    { op: 'rename', from: p('AP-1/outbox/failed/3.bac'), to: p('AP-1/outbox/3.bac') },
    { op: 'rename', from: p('receive/receive/7.bac'), to: p('receive/waiting/7.bac') },
    // Out of an excluded folder: appears from nowhere; into one: gone.
    { op: 'rename', from: p('AP-1/backup/receive/8.bac'), to: p('AP-1/incoming/8.bac') },
    { op: 'rename', from: p('AP-1/incoming/12.bac'), to: p('AP-1/receive/old.bak/12.bac') },
  ]);
  const moves = () => capture.events('backbone.message.transition').map((r) =>
    `${String(r.attributes['backbone.integration'])}/${String(r.attributes['backbone.project'])} ${String(r.attributes['backbone.message'])} ` +
    `${String(r.attributes['backbone.from_state'])}->${String(r.attributes['backbone.to_state'])}`).sort();
  await waitFor(() => moves().length >= 9, 'nine moves reported');
  assert.deepEqual(moves(), [
    'INT-1/AP-1 1.bac receive->unknown',
    'INT-1/AP-1 12.bac receive->none',
    'INT-1/AP-1 1b.bac receive->processed',
    'INT-1/AP-1 3.bac sendfailed->send',
    'INT-1/AP-1 4.bac error->receive',
    'INT-1/AP-1 5.bac unknown->receive',
    'INT-1/AP-1 6.bac receive->unknown',
    'INT-1/AP-1 8.bac none->receive',
    'INT-1/receive 7.bac receive->waiting',
  ]);
});
