// The backbone_layout extension in a configuration: receivers that name it read the tree by it;
// every way of getting it wrong exits with the key path, the line and what to do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registry } from '../../src/components.ts';
import { ConfigError, formatIssue } from '../../src/config/config-issue.ts';
import { type AgentConfig, loadConfigText } from '../../src/config/load-config.ts';
import { printConfig } from '../../src/config/print-config.ts';
import type { EventsConfig } from '../../src/receivers/backbone_events/config.ts';
import type { FoldersConfig } from '../../src/receivers/backbone_folders/config.ts';

function load(yaml: string): AgentConfig {
  return loadConfigText(yaml, 'agent.yaml', registry, {});
}

function errors(yaml: string): string[] {
  try {
    load(yaml);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((issue) => formatIssue('agent.yaml', issue));
  }
  assert.fail('the configuration was accepted');
}

const PIPELINES = `exporters:
  debug:
service:
  extensions: [backbone_layout]
  pipelines:
    metrics: { receivers: [backbone_folders, backbone_events], exporters: [debug] }
`;

const LAYOUT = `extensions:
  backbone_layout:
    root: /srv/jira/data/backbone-issue-sync
    integration_depth: 2
    states:
      processed: [archive-2025]
    exclude: ["*backup*", .snapshot]
`;

test('both receivers take root, depths, states and exclude from the backbone_layout they name', () => {
  const config = load(`${LAYOUT}receivers:
  backbone_folders:
    layout: backbone_layout
  backbone_events:
    layout: backbone_layout
    poll_interval: 1s
${PIPELINES}`);
  const folders = config.receivers.get('backbone_folders')!.config as FoldersConfig;
  const events = config.receivers.get('backbone_events')!.config as EventsConfig;
  for (const receiver of [folders, events]) {
    assert.equal(receiver.root, '/srv/jira/data/backbone-issue-sync');
    assert.equal(receiver.integration_depth, 2);
    assert.deepEqual(receiver.states, { processed: ['archive-2025'] });
    assert.deepEqual(receiver.exclude, ['*backup*', '.snapshot']);
  }
  assert.equal(events.poll_interval, 1000);
});

test('a receiver with layout: and its own root or states is refused at those keys', () => {
  const lines = errors(`${LAYOUT}receivers:
  backbone_folders:
    layout: backbone_layout
    root: /elsewhere
    states: { error: [failed] }
  backbone_events:
    layout: backbone_layout
${PIPELINES}`);
  assert.deepEqual(lines, [
    'agent.yaml:11:5: receivers.backbone_folders.root: root is set by the layout (extensions.backbone_layout): set it there, not here',
    'agent.yaml:12:5: receivers.backbone_folders.states: states is set by the layout (extensions.backbone_layout): set it there, not here',
  ]);
});

test('a layout that names no defined extension says which one was meant; one not enabled says to enable it', () => {
  const misspelt = errors(`${LAYOUT}receivers:
  backbone_folders:
    layout: backbone_layot
  backbone_events:
    layout: backbone_layout
${PIPELINES}`);
  assert.deepEqual(misspelt, ['agent.yaml:10:5: receivers.backbone_folders.layout: extension "backbone_layot" is not defined under extensions (did you mean "backbone_layout"?)']);

  const disabled = errors(`${LAYOUT}receivers:
  backbone_folders:
    layout: backbone_layout
${PIPELINES.replace('  extensions: [backbone_layout]\n', '').replace('backbone_folders, backbone_events', 'backbone_folders')}`);
  assert.deepEqual(disabled, ['agent.yaml:10:5: receivers.backbone_folders.layout: extension "backbone_layout" is defined but not enabled: add it to service.extensions']);

  const none = errors(`receivers:
  backbone_folders:
    layout: backbone_layout
${PIPELINES.replace('  extensions: [backbone_layout]\n', '').replace('backbone_folders, backbone_events', 'backbone_folders')}`);
  assert.match(none[0]!, /^agent\.yaml:3:5: receivers\.backbone_folders\.layout: extension "backbone_layout" is not defined under extensions; define it there/);
});

test('without the extension, two receivers on one root that read it differently are refused at both, saying what differs', () => {
  const lines = errors(`receivers:
  backbone_folders:
    root: /srv/jira/data/backbone-issue-sync
    states: { processed: [archive-2025] }
  backbone_events:
    root: /srv/jira/data/backbone-issue-sync/
${PIPELINES.replace('  extensions: [backbone_layout]\n', '')}`);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^agent\.yaml:3:5: receivers\.backbone_folders\.root: Backbone root \/srv\/jira\/data\/backbone-issue-sync is also read by receivers\.backbone_events\.root \(line 6\), differently: states \{"processed":\["archive-2025"\]\} vs \{\}; describe the tree once in a backbone_layout extension/);
  assert.match(lines[1]!, /^agent\.yaml:6:5: receivers\.backbone_events\.root: Backbone root \S+ is also read by receivers\.backbone_folders\.root \(line 3\), differently: states/);

  // The same settings written twice agree (case and order of names aside): accepted, as before.
  load(`receivers:
  backbone_folders:
    root: /srv/b
    states: { processed: [Archive-2025, old] }
  backbone_events:
    root: /srv/b
    states: { processed: [old, archive-2025] }
${PIPELINES.replace('  extensions: [backbone_layout]\n', '')}`);
});

test('an exclude that names a path, or everything, is refused', () => {
  const lines = errors(`extensions:
  backbone_layout:
    root: /srv/b
    exclude: [receive/backup, "*"]
receivers:
  backbone_folders:
    layout: backbone_layout
${PIPELINES.replace('backbone_folders, backbone_events', 'backbone_folders')}`);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /extensions\.backbone_layout\.exclude\[0\]: "receive\/backup" holds a "\/": exclude matches one folder name at any level/);
  assert.match(lines[1]!, /extensions\.backbone_layout\.exclude\[1\]: "\*" would leave every folder out/);
});

test('print-config of receivers that name a layout loads again as it is, and runs the same layout', () => {
  const config = load(`${LAYOUT}receivers:
  backbone_folders:
    layout: backbone_layout
  backbone_events:
    layout: backbone_layout
${PIPELINES}`);
  const printed = printConfig(config);
  const receivers = printed.slice(printed.indexOf('receivers:'), printed.indexOf('\nprocessors:'));
  assert.match(receivers, /^ {4}layout: backbone_layout$/m);
  assert.doesNotMatch(receivers, /^ {4}(root|states|integration_depth|exclude):/m, 'no layout key next to layout:');
  const again = load(printed);
  const folders = again.receivers.get('backbone_folders')!.config as FoldersConfig;
  assert.equal(folders.root, '/srv/jira/data/backbone-issue-sync');
  assert.equal(folders.integration_depth, 2);
  assert.deepEqual(folders.exclude, ['*backup*', '.snapshot']);
  assert.equal(printConfig(again), printed, 'printing it again gives the same text');
});
