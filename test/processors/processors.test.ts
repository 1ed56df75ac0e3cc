// The processors as a pipeline runs them: resource (add, override, delete; text in the
// OTEL_RESOURCE_ATTRIBUTES format), filter (metrics by name, log records by event name or
// severity), batch (records handed on in batches), memory_limiter (data refused and
// counted above the limit), in the order the pipeline lists them.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { RunningAgent } from '../helpers/run-agent.ts';
import { startTestAgent } from '../helpers/run-test-agent.ts';
import { waitFor } from '../helpers/wait-for.ts';

const agents: RunningAgent[] = [];
const receivers: OtlpReceiver[] = [];
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  await Promise.all(receivers.map((r) => r.stop()));
});

async function run(processors: string, pipelines: { metrics?: string; logs?: string }, loadgen = 'count: 100', env: Record<string, string> = {}) {
  const r = await new OtlpReceiver().start();
  receivers.push(r);
  const agent = await startTestAgent(`
receivers:
  loadgen:
    ${loadgen}
processors:
${processors}
exporters:
  otlphttp:
    endpoint: ${r.url}
service:
  pipelines:
${pipelines.metrics === undefined ? '' : `    metrics:\n      receivers: [loadgen]\n      processors: [${pipelines.metrics}]\n      exporters: [otlphttp]\n`}${pipelines.logs === undefined ? '' : `    logs:\n      receivers: [loadgen]\n      processors: [${pipelines.logs}]\n      exporters: [otlphttp]\n`}`, env);
  agents.push(agent);
  return { r, agent };
}

test('resource: adds, overrides and deletes attributes, takes OTEL_RESOURCE_ATTRIBUTES text, in the order listed', async () => {
  const { r, agent } = await run(`
  resource/env:
    otel_resource_attributes: \${env:OTEL_RESOURCE_ATTRIBUTES}
  resource/edit:
    attributes:
      - { key: deployment.environment, value: production, action: insert }
      - { key: team, value: integrations }
      - { key: host.name, action: delete }
      - { key: service.name, value: jira-backbone }
      - { key: absent.key, value: x, action: update }
      - { key: from.env, value: overridden, action: insert }`,
  { logs: 'resource/env, resource/edit', metrics: 'resource/edit, resource/env' }, 'count: 10',
  { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,from.env=yes%20really' });
  await waitFor(() => r.logs.length === 10, 'records');
  await agent.service.flush();
  const logResource = r.logs[0]!.resource;
  assert.equal(logResource['deployment.environment'], 'staging', 'insert does not override what the env text set before it');
  assert.equal(logResource['from.env'], 'yes really');
  assert.equal(logResource.team, 'integrations');
  assert.equal(logResource['service.name'], 'jira-backbone');
  assert.equal(logResource['host.name'], undefined, 'deleted');
  assert.equal(logResource['absent.key'], undefined, 'update only changes what exists');
  const metricResource = r.points.find((p) => p.metric === 'test.generated')!.resource;
  assert.equal(metricResource['deployment.environment'], 'staging', 'env text listed last overrides the inserted value');
  assert.equal(metricResource['from.env'], 'yes really');
});

test('filter: drops metrics by name and log records by severity and event name', async () => {
  const { r: metricsOnly, agent } = await run(`
  filter:
    metrics:
      exclude: ["test.gen*"]
    logs:
      min_severity: WARN`, { metrics: 'filter', logs: 'filter' }, 'count: 20\n    severity: INFO');
  await agent.service.flush();
  assert.equal(metricsOnly.points.filter((p) => p.metric === 'test.generated').length, 0, 'the metric was filtered out');
  assert.equal(metricsOnly.logs.length, 0, 'INFO records are below WARN');

  const { r, agent: second } = await run(`
  filter:
    logs:
      min_severity: WARN
      exclude: [other.event]`, { logs: 'filter' }, 'count: 20\n    severity: ERROR');
  await waitFor(() => r.logs.length === 20, 'ERROR records pass');
  const { r: byName, agent: third } = await run(`
  filter:
    logs:
      exclude: [test.generated]`, { logs: 'filter' }, 'count: 20');
  await third.service.flush();
  await second.service.flush();
  assert.equal(byName.logs.length, 0, 'excluded by event name');
});

test('batch: records are handed on in batches of send_batch_size', async () => {
  const { r, agent } = await run(`
  batch:
    send_batch_size: 250
    timeout: 10s`, { logs: 'batch' }, 'count: 1000\n    per_tick: 50\n    pause_ms: 20');
  await waitFor(() => r.logs.length === 1000, 'every record');
  await agent.service.flush();
  const logRequests = r.attempts.filter((a) => a.path === '/v1/logs');
  assert.deepEqual(logRequests.map((a) => a.items), [250, 250, 250, 250]);
});

test('memory_limiter: above the limit, data is refused where it enters the pipeline, and counted', async () => {
  const { r, agent } = await run(`
  memory_limiter:
    limit_mib: 2
    check_interval: 1s`, { logs: 'memory_limiter', metrics: 'memory_limiter' }, 'count: 300');
  const self = agent.service.selfTelemetry;
  await waitFor(() => self.total('otelcol_receiver_refused_log_records', { receiver: 'loadgen' }) === 300, 'every record refused');
  await agent.service.flush();
  assert.equal(r.logs.length, 0);
  assert.equal(self.total('otelcol_processor_refused_log_records', { processor: 'memory_limiter' }), 300);
  // Each of loadgen's reports is a batch of two points (its counter and its histogram): every batch is refused whole.
  const refusedPoints = self.total('otelcol_receiver_refused_metric_points', { receiver: 'loadgen' });
  assert.ok(refusedPoints >= 2 && refusedPoints % 2 === 0, `whole metric batches refused: ${refusedPoints} points`);
  assert.equal(r.points.length, 0, 'no metric reached the backend');
  assert.ok(agent.logLines.some((line) => /memory \d+ MiB is above 2 MiB .*refusing data/.test(line)));
});
