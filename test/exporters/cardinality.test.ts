// A large installation has more series per metric than the SDK keeps by default (2,000, then
// everything else is folded into one otel.metric.overflow series): every folder series of a
// tree with 300 projects must reach /metrics, the OTLP exporter and the status page.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { buildTree, type BuiltTree } from '../../src/simulator/backbone-tree.ts';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { parsePrometheusText } from '../helpers/prometheus-text.ts';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const root = path.join(tempDir(), 'backbone-issue-sync');
let tree: BuiltTree;
let agent: RunningAgent;
const otlp = new OtlpReceiver();
let prometheus: string;
let statusPage: string;

before(async () => {
  tree = buildTree(root, { seed: 3, integrations: 150, projectsPerIntegration: 2, layout: 'nested', maxMessagesPerState: 1 });
  await otlp.start();
  prometheus = `127.0.0.1:${await freePort()}`;
  statusPage = `127.0.0.1:${await freePort()}`;
  agent = await startAgent(`
receivers:
  backbone_folders: { root: ${root}, collection_interval: 1h }
exporters:
  prometheus: { endpoint: ${prometheus} }
  otlphttp: { endpoint: ${otlp.url} }
extensions:
  status_page: { endpoint: ${statusPage} }
service:
  extensions: [status_page]
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [prometheus] }
    metrics/otlp: { receivers: [backbone_folders], exporters: [otlphttp] }
`);
});

after(async () => {
  await agent?.stop();
  await otlp.stop();
});

test(`more than 2,000 series of one metric: every one is exported, none folded into an overflow series`, async () => {
  assert.ok(tree.expected.length > 2000, `the tree has ${tree.expected.length} project states`);
  const samples = await waitFor(async () => {
    const text = await (await fetch(`http://${prometheus}/metrics`)).text();
    const messages = parsePrometheusText(text).filter((s) => s.name === 'backbone_folder_messages');
    return messages.length > 0 && messages;
  }, 'the first scan on /metrics', 30_000);
  assert.equal(samples.filter((s) => s.labels.otel_metric_overflow !== undefined).length, 0, 'no overflow series');
  assert.equal(samples.length, tree.expected.length);
  for (const folder of tree.expected.slice(0, 50)) {
    const sample = samples.find((s) => s.labels.backbone_integration === folder.integration && s.labels.backbone_project === folder.project && s.labels.backbone_state === folder.state);
    assert.equal(sample?.value, folder.messages, `${folder.integration}/${folder.project} ${folder.state}`);
  }

  await agent.service.flush();
  const points = otlp.points.filter((p) => p.metric === 'backbone.folder.messages');
  assert.equal(new Set(points.map((p) => JSON.stringify(p.attributes))).size, tree.expected.length, 'every series over OTLP');

  const doc = await (await fetch(`http://${statusPage}/api/status`)).json() as { projects: unknown[] };
  assert.equal(doc.projects.length, 300, 'every project on the status page');
});
