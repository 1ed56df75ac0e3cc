// The core promise: pointed at a Backbone tree built here by hand (not by the simulator),
// every backbone.folder.* value received over OTLP (JSON and protobuf) and scraped from
// /metrics equals what is on disk; and the tree is unchanged afterwards.
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver, type ReceivedPoint } from '../helpers/otlp-receiver.ts';
import { parsePrometheusText } from '../helpers/prometheus-text.ts';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { treeSnapshot } from '../helpers/tree-snapshot.ts';

const now = Date.now();
const root = path.join(tempDir(), 'backbone-issue-sync');

function file(relative: string, size: number, ageSeconds = 30): void {
  const full = path.join(root, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, Buffer.alloc(size, 1));
  const mtime = (now - ageSeconds * 1000) / 1000;
  utimesSync(full, mtime, mtime);
}
function folder(relative: string): void {
  mkdirSync(path.join(root, relative), { recursive: true });
}

// INT-16: both projects on this Jira; AP-29 as drawn in the spec, BP-30 with alias names.
file('INT-16/AP-29/receive/000001.bac', 100, 40);
file('INT-16/AP-29/receive/000002.bac', 250, 90);
file('INT-16/AP-29/receive/notes.txt', 7, 5000);
file('INT-16/AP-29/receive/processed/000003.bac', 11);
file('INT-16/AP-29/receive/processed/000004.bac', 12);
file('INT-16/AP-29/receive/processed/000005.bac', 13);
file('INT-16/AP-29/receive/error/PB-1/000010.bac', 50, 600);
file('INT-16/AP-29/receive/error/PB-1/000011.bac', 60, 300);
file('INT-16/AP-29/receive/error/PB-2/000012.bac', 70, 1200);
folder('INT-16/AP-29/receive/missing');
file('INT-16/AP-29/send/000020.bac', 30, 10);
folder('INT-16/AP-29/sendfailed');
file('INT-16/AP-29/archive/old.bac', 5, 86_400);
file('INT-16/BP-30/Received/000030.bac', 40, 20);
file('INT-16/BP-30/send/failed/000031.bac', 41, 700);
// INT-17: remote partner, one project, empty receive spelled in capitals.
folder('INT-17/CP-1/RECEIVE');

interface Expected {
  integration: string; project: string; state: string;
  messages: number; other: number; issues: number; size?: number; age?: number;
}
const EXPECTED: Expected[] = [
  { integration: 'INT-16', project: 'AP-29', state: 'receive', messages: 2, other: 1, issues: 0, size: 357, age: 90 },
  { integration: 'INT-16', project: 'AP-29', state: 'processed', messages: 3, other: 0, issues: 0 },
  { integration: 'INT-16', project: 'AP-29', state: 'error', messages: 3, other: 0, issues: 2, size: 180, age: 1200 },
  { integration: 'INT-16', project: 'AP-29', state: 'missing', messages: 0, other: 0, issues: 0, size: 0, age: 0 },
  { integration: 'INT-16', project: 'AP-29', state: 'send', messages: 1, other: 0, issues: 0, size: 30, age: 10 },
  { integration: 'INT-16', project: 'AP-29', state: 'sendfailed', messages: 0, other: 0, issues: 0, size: 0, age: 0 },
  { integration: 'INT-16', project: 'AP-29', state: 'unknown', messages: 1, other: 0, issues: 0, size: 5, age: 86_400 },
  { integration: 'INT-16', project: 'BP-30', state: 'receive', messages: 1, other: 0, issues: 0, size: 40, age: 20 },
  { integration: 'INT-16', project: 'BP-30', state: 'send', messages: 0, other: 0, issues: 0, size: 0, age: 0 },
  { integration: 'INT-16', project: 'BP-30', state: 'sendfailed', messages: 1, other: 0, issues: 0, size: 41, age: 700 },
  { integration: 'INT-17', project: 'CP-1', state: 'receive', messages: 0, other: 0, issues: 0, size: 0, age: 0 },
];

// Issue folders exist under error and missing only, other files where Backbone puts them (and
// where one was found): their series are sent there only.
const issuesOf = (e: Expected) => (['error', 'missing'].includes(e.state) ? e.issues : undefined);
const otherOf = (e: Expected) => (['receive', 'invalid', 'unknown'].includes(e.state) || e.other > 0 ? e.other : undefined);

const json = new OtlpReceiver();
const protobuf = new OtlpReceiver();
let agent: RunningAgent;
let prometheusPort: number;
let before_: string[];

before(async () => {
  await json.start();
  await protobuf.start();
  prometheusPort = await freePort();
  before_ = treeSnapshot(root);
  agent = await startAgent(`
receivers:
  backbone_folders:
    root: ${root}
    collection_interval: 1h
exporters:
  otlphttp/json:
    endpoint: ${json.url}
    encoding: json
  otlphttp/protobuf:
    endpoint: ${protobuf.url}
    encoding: protobuf
    compression: none
  prometheus:
    endpoint: 127.0.0.1:${prometheusPort}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [otlphttp/json, otlphttp/protobuf, prometheus]
    logs:
      receivers: [backbone_folders]
      exporters: [otlphttp/json, otlphttp/protobuf]
`);
  await agent.service.flush();
});

after(async () => {
  await agent?.stop();
  await json.stop();
  await protobuf.stop();
});

function find(points: ReceivedPoint[], e: Expected): ReceivedPoint | undefined {
  return points.find((p) =>
    p.attributes['backbone.integration'] === e.integration && p.attributes['backbone.project'] === e.project &&
    p.attributes['backbone.state'] === e.state);
}

for (const [encoding, receiver] of [['JSON', json], ['protobuf', protobuf]] as const) {
  test(`OTLP ${encoding}: every backbone.folder.* value equals what is on disk`, () => {
    const messages = receiver.latest('backbone.folder.messages');
    assert.equal(messages.length, EXPECTED.length, `one point per folder state, got ${messages.map((p) => JSON.stringify(p.attributes)).join('\n')}`);
    for (const e of EXPECTED) {
      const label = `${e.integration}/${e.project}/${e.state}`;
      assert.equal(find(messages, e)?.value, e.messages, `messages ${label}`);
      assert.equal(find(receiver.latest('backbone.folder.other_files'), e)?.value, otherOf(e), `other files ${label}`);
      assert.equal(find(receiver.latest('backbone.folder.issues'), e)?.value, issuesOf(e), `issues ${label}`);
      assert.equal(find(receiver.latest('backbone.folder.size'), e)?.value, e.size, `size ${label}`);
      const age = find(receiver.latest('backbone.folder.oldest_message.age'), e)?.value;
      if (e.age === undefined) assert.equal(age, undefined, `no age for count-only ${label}`);
      else assert.ok(age !== undefined && Math.abs(age - e.age) < 30, `age ${label}: ${age} vs ${e.age}`);
    }
    const point = receiver.latest('backbone.folder.size')[0]!;
    assert.equal(point.unit, 'By');
    assert.equal(point.resource['service.name'], 'backbone-otel-agent');
    assert.ok(receiver.latest('backbone.scan.duration')[0]!.value >= 0);
  });

  test(`OTLP ${encoding}: the unknown folder is reported once as a WARN log record`, () => {
    const records = receiver.logs.filter((r) => r.attributes['event.name'] === 'backbone.layout.unknown_folder');
    assert.equal(records.length, 1);
    assert.equal(records[0]!.severityText, 'WARN');
    assert.equal(records[0]!.attributes['backbone.path'], 'INT-16/AP-29/archive');
    assert.equal(records[0]!.eventName, 'backbone.layout.unknown_folder');
  });
}

test('/metrics serves the same values with Prometheus names and units', async () => {
  const text = await (await fetch(`http://127.0.0.1:${prometheusPort}/metrics`)).text();
  const samples = parsePrometheusText(text);
  for (const e of EXPECTED) {
    const match = (name: string) => samples.find((s) => s.name === name && s.labels.backbone_integration === e.integration &&
      s.labels.backbone_project === e.project && s.labels.backbone_state === e.state);
    assert.equal(match('backbone_folder_messages')?.value, e.messages, `messages ${e.project}/${e.state}\n${text}`);
    assert.equal(match('backbone_folder_issues')?.value, issuesOf(e));
    assert.equal(match('backbone_folder_other_files')?.value, otherOf(e));
    assert.equal(match('backbone_folder_size_bytes')?.value, e.size);
  }
});

test('the agent wrote nothing under the Backbone root', async () => {
  await agent.service.flush();
  assert.deepEqual(treeSnapshot(root), before_);
});
