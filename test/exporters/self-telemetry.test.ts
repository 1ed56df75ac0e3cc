// The agent's own metrics, named as the Collector's: on every prometheus endpoint, through
// the metrics pipelines listed under service.telemetry.metrics.pipelines (and only those),
// and nowhere with level none.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { parsePrometheusText } from '../helpers/prometheus-text.ts';
import type { RunningAgent } from '../helpers/run-agent.ts';
import { startTestAgent } from '../helpers/run-test-agent.ts';
import { waitFor } from '../helpers/wait-for.ts';

const agents: RunningAgent[] = [];
const receivers: OtlpReceiver[] = [];
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  await Promise.all(receivers.map((r) => r.stop()));
});

async function setup(telemetry: string) {
  const listed = await new OtlpReceiver().start();
  const unlisted = await new OtlpReceiver().start();
  receivers.push(listed, unlisted);
  const port = await freePort();
  const agent = await startTestAgent(`
receivers:
  loadgen:
    count: 200
exporters:
  otlphttp/listed:
    endpoint: ${listed.url}
  otlphttp/unlisted:
    endpoint: ${unlisted.url}
  prometheus:
    endpoint: 127.0.0.1:${port}
service:
  telemetry:
    metrics:
${telemetry}
  pipelines:
    metrics/listed:
      receivers: [loadgen]
      exporters: [otlphttp/listed]
    metrics/unlisted:
      receivers: [loadgen]
      exporters: [otlphttp/unlisted, prometheus]
    logs:
      receivers: [loadgen]
      exporters: [otlphttp/listed]
`);
  agents.push(agent);
  await waitFor(() => listed.logs.length === 200, 'records');
  const scrape = async () => parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  return { agent, listed, unlisted, scrape };
}

test('self metrics: on /metrics, through the listed pipeline, not through the others', async () => {
  const { agent, listed, unlisted, scrape } = await setup('      pipelines: [metrics/listed]');
  await agent.service.flush();
  await agent.service.flush();
  const samples = await scrape();
  const sent = samples.find((s) => s.name === 'otelcol_exporter_sent_log_records_total' && s.labels.exporter === 'otlphttp/listed');
  assert.equal(sent?.value, 200);
  assert.ok(samples.some((s) => s.name === 'otelcol_process_cpu_seconds_total' && s.value > 0));
  assert.ok(samples.some((s) => s.name === 'otelcol_exporter_queue_capacity' && s.labels.data_type === 'logs'));
  assert.equal(samples.find((s) => s.name === 'otelcol_receiver_accepted_log_records_total')?.value, 200);

  const throughPipeline = listed.points.filter((p) => p.metric === 'otelcol_exporter_sent_log_records');
  assert.ok(throughPipeline.length > 0, 'sent through metrics/listed');
  assert.equal(throughPipeline.at(-1)!.value, 200);
  assert.equal(throughPipeline.at(-1)!.attributes.exporter, 'otlphttp/listed');
  assert.ok(listed.points.some((p) => p.metric === 'otelcol_process_memory_rss' && p.unit === 'By'));
  assert.equal(unlisted.points.filter((p) => p.metric.startsWith('otelcol_')).length, 0, 'not through metrics/unlisted');
});

test('level none: no self metrics anywhere', async () => {
  const { agent, listed, scrape } = await setup('      level: none\n      pipelines: [metrics/listed]');
  await agent.service.flush();
  assert.equal((await scrape()).filter((s) => s.name.startsWith('otelcol_')).length, 0);
  assert.equal(listed.points.filter((p) => p.metric.startsWith('otelcol_')).length, 0);
});
