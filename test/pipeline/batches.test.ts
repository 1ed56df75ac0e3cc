// Data flows as batches, receiver → processors → exporters (docs/pipeline.md): a receiver's
// data leaves when it observes, carrying that time; `batch` gathers metrics too; exporters
// asking for different shapes get them through the same processors; `export_interval` is a
// configuration error that says what to write instead.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { registry } from '../../src/components.ts';
import { ConfigError, formatIssue } from '../../src/config/config-issue.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { SimulatedBackboneApi, sampleIntegration } from '../../src/simulator/backbone-api.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { RunningAgent } from '../helpers/run-agent.ts';
import { startTestAgent } from '../helpers/run-test-agent.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { basicReceiver, startRestAgent } from '../receivers/backbone_rest/harness.ts';

const agents: RunningAgent[] = [];
const servers: { stop(): Promise<unknown> }[] = [];
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  await Promise.all(servers.map((server) => server.stop()));
});

async function backend(): Promise<OtlpReceiver> {
  const r = await new OtlpReceiver().start();
  servers.push(r);
  return r;
}

test('a poll leaves as one batch when it ends, its points stamped with that time; a status change needs no exporter timer', async () => {
  const api = await new SimulatedBackboneApi({ integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30')] }).start();
  servers.push(api);
  const h = await startRestAgent({ receiver: basicReceiver(api) });
  servers.push(h);
  await h.agent.service.flush({ collect: false });
  h.otlp.clear();

  const before = Date.now();
  await h.receiver().pollOnce();
  const after_ = Date.now();
  await h.agent.service.flush({ collect: false });
  const metricRequests = new Set(h.otlp.points.map((p) => p.request));
  assert.equal(metricRequests.size, 1, 'one poll, one request of metrics');
  const status = h.otlp.points.filter((p) => p.metric === 'backbone.integration.status');
  assert.ok(status.length > 0);
  for (const point of status) assert.ok(point.timeMs >= before && point.timeMs <= after_, `observed during the poll: ${point.timeMs} not in [${before}, ${after_}]`);

  // The same receiver polling every second (the shortest interval) with no export_interval anywhere:
  // a status change is at the backend after the next poll, not 30 s later.
  const r = await backend();
  const agent = await startTestAgent(`
receivers:
  backbone_rest:
    endpoint: ${api.url}
    auth: { basic: { username: \${env:JIRA_USER}, password: \${env:JIRA_PASSWORD} } }
    collection_interval: 1s
exporters:
  otlphttp: { endpoint: ${r.url} }
service:
  pipelines:
    metrics: { receivers: [backbone_rest], exporters: [otlphttp] }
`, { JIRA_USER: 'monitor', JIRA_PASSWORD: 'Sup3r-Secret!' });
  agents.push(agent);
  await waitFor(() => r.points.some((p) => p.metric === 'backbone.integration.status' && p.attributes['backbone.status'] === 'RUNNING' && p.value === 1), 'RUNNING');
  const changedAt = Date.now();
  api.setStatus('INT-16', 'STOPPED');
  const stopped = await waitFor(() => r.points.find((p) => p.metric === 'backbone.integration.status' && p.attributes['backbone.status'] === 'STOPPED' && p.value === 1),
    'STOPPED at the backend within two polls', 5_000);
  assert.ok(stopped.timeMs >= changedAt, 'stamped with the poll that saw it');
});

const twoLoadgens = (backendUrl: string, processor: string | undefined, exporter = '') => `
receivers:
  loadgen/a: { count: 10, per_tick: 5, run: a }
  loadgen/b: { count: 10, per_tick: 5, run: b }
processors:
  batch: ${processor ?? '{}'}
exporters:
  otlphttp: { endpoint: ${backendUrl}${exporter} }
service:
  pipelines:
    metrics:
      receivers: [loadgen/a, loadgen/b]${processor ? '\n      processors: [batch]' : ''}
      exporters: [otlphttp]
`;

async function runTwoLoadgens(processor: string | undefined, exporter = ''): Promise<{ r: OtlpReceiver; agent: RunningAgent }> {
  const r = await backend();
  const agent = await startTestAgent(twoLoadgens(r.url, processor, exporter));
  agents.push(agent);
  await waitFor(() => agent.logLines.filter((line) => line.includes('loadgen: emitted 10 record(s)')).length === 2, 'both emitted');
  return { r, agent };
}

test('batch gathers metric batches too: two receivers\' reports leave as one request', async () => {
  const { r, agent } = await runTwoLoadgens('{ timeout: 1h, send_batch_size: 100000 }', ', sending_queue: { batch: { flush_timeout: 0s } }');
  assert.equal(r.points.length, 0, 'held by the processor');
  await agent.service.flush();
  assert.equal(new Set(r.points.map((p) => p.request)).size, 1, 'one request');
  // Each receiver reported after each of its two turns (5, then 10) and at the flush (10).
  const generated = r.points.filter((p) => p.metric === 'test.generated');
  assert.deepEqual(generated.map((p) => p.value).sort((x, y) => x - y), [5, 5, 10, 10, 10, 10], 'every report of both receivers in it');
});

test('a pipeline batches once: without a batch processor the exporter gathers (sending_queue.batch); with one, it sends what it is handed at once', async () => {
  // flush_timeout 0s: each report of each receiver is its own request.
  const apart = await runTwoLoadgens(undefined, ', sending_queue: { batch: { flush_timeout: 0s } }');
  await apart.agent.service.flush();
  assert.ok(new Set(apart.r.points.map((p) => p.request)).size >= 6, 'six reports, six requests');
  // The exporter's own gathering (here a minute, or 8 points: two reports of two points from each receiver) holds them together.
  const gathered = await runTwoLoadgens(undefined, ', sending_queue: { batch: { flush_timeout: 1m, min_size: 8 } }');
  await waitFor(() => gathered.r.points.length >= 8, 'the first 8 points, as one request', 5_000);
  assert.equal(new Set(gathered.r.points.map((p) => p.request)).size, 1);
  // With a batch processor that releases by size, the exporter adds no wait of its own (its minute is not used).
  const once = await runTwoLoadgens('{ timeout: 1h, send_batch_size: 4 }', ', sending_queue: { batch: { flush_timeout: 1m, min_size: 100000 } }');
  await waitFor(() => once.r.points.length >= 4, 'what the processor released, at the backend without a flush', 5_000);
});

test('exporters asking for different shapes get them through the same processors', async () => {
  const cumulative = await backend();
  const delta = await backend();
  const agent = await startTestAgent(`
receivers:
  loadgen: { count: 100, per_tick: 20 }
processors:
  filter:
    metrics:
      datapoint: ['metric.name == "test.generated" and attributes["test.drop"] == true']
      metric: ['name == "test.size" and type == METRIC_DATA_TYPE_HISTOGRAM']
exporters:
  otlphttp/cumulative: { endpoint: ${cumulative.url} }
  otlphttp/delta: { endpoint: ${delta.url}, temporality: delta, histogram: exponential }
service:
  pipelines:
    metrics:
      receivers: [loadgen]
      processors: [filter]
      exporters: [otlphttp/cumulative, otlphttp/delta]
`);
  agents.push(agent);
  await waitFor(() => agent.logLines.some((line) => line.includes('loadgen: emitted 100 record(s)')), 'emitted');
  await agent.service.flush();
  const sums = (r: OtlpReceiver) => r.points.filter((p) => p.metric === 'test.generated');
  assert.ok(sums(cumulative).every((p) => p.temporality === 2));
  assert.equal(sums(cumulative).at(-1)!.value, 100, 'the cumulative total');
  assert.ok(sums(delta).every((p) => p.temporality === 1));
  assert.equal(sums(delta).reduce((total, p) => total + p.value, 0), 100, 'the deltas add up to the total');
  // The filter saw each shape's batches: explicit histograms are dropped, exponential ones pass.
  assert.equal(cumulative.points.filter((p) => p.metric === 'test.size').length, 0);
  const exponential = delta.points.filter((p) => p.metric === 'test.size');
  assert.ok(exponential.length > 0 && exponential.every((p) => p.type === 'exponentialHistogram'));
  assert.equal(exponential.reduce((total, p) => total + (p.count ?? 0), 0), 100);
});

test('export_interval is refused where it is written, saying what to use instead', () => {
  const yaml = `receivers:
  backbone_folders: { root: /srv/backbone }
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:4318
    export_interval: 60s
  datadog:
    api_key: k
    export_interval: 60s
  debug:
    export_interval: 10s
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp, datadog, debug] }
`;
  let lines: string[] = [];
  try {
    loadConfigText(yaml, 'agent.yaml', registry, {});
    assert.fail('accepted');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    lines = error.issues.map((issue) => formatIssue('agent.yaml', issue));
  }
  assert.equal(lines.length, 3, lines.join('\n'));
  for (const [index, line] of ['6:22: exporters.otlphttp.export_interval', '9:22: exporters.datadog.export_interval', '11:22: exporters.debug.export_interval'].entries()) {
    assert.ok(lines[index]!.startsWith(`agent.yaml:${line}: no longer taken`), lines[index]);
    assert.match(lines[index]!, /collection_interval.*batch processor/);
  }
});
