// What the prometheus exporter serves at /metrics is, byte for byte, what the SDK's
// PrometheusSerializer writes for the same metrics (users' scrape configs, recording rules and
// dashboards were built on it), though it is written line by line in chunks: with scope info
// and without; counters, up-down counters, gauges and histograms; one name in two scopes; two
// types under one name (neither served); labels that need escaping; text beyond one chunk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ChunkWriter, writeTextFormat } from '../../src/exporters/prometheus/text-format.ts';

async function collected(record: (provider: MeterProvider) => void): Promise<ResourceMetrics> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'backbone-otel-agent', 'host.name': 'jira "one"\\node\n2' }),
    readers: [reader],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: 100_000 }],
  });
  record(provider);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

function ours(metrics: ResourceMetrics, withScopeInfo: boolean): { text: string; chunks: number } {
  const chunks: Buffer[] = [];
  writeTextFormat(metrics, { withScopeInfo }, new ChunkWriter((chunk) => chunks.push(Buffer.from(chunk))));
  return { text: Buffer.concat(chunks).toString('utf8'), chunks: chunks.length };
}

const sdk = (metrics: ResourceMetrics, withScopeInfo: boolean): string =>
  new PrometheusSerializer('', false, undefined, false, !withScopeInfo).serialize(metrics);

const every = (provider: MeterProvider): void => {
  const folders = provider.getMeter('backbone_folders', '1.2.3');
  const gauge = folders.createGauge('backbone.folder.messages', { description: 'Messages in a state folder', unit: '{message}' });
  gauge.record(3, { 'backbone.project': 'AP-1', 'backbone.state': 'receive' });
  gauge.record(0, { 'backbone.project': 'quote " back \\ slash', 'backbone.state': 'line\nbreak' });
  gauge.record(7, { 'backbone.project': 'ÄÖÜ projekt 日本', count: 3, flag: true });
  folders.createCounter('backbone.message.transitions', { description: 'Moves' }).add(5, { from: 'receive', to: 'processed' });
  folders.createUpDownCounter('backbone.queue.depth').add(-2);
  folders.createHistogram('backbone.message.age', { unit: 's', advice: { explicitBucketBoundaries: [1, 10, 60] } }).record(12, { project: 'AP-1' });
  folders.createHistogram('backbone.scan.duration', { unit: 's' }).record(0.25);
  folders.createCounter('no.attributes').add(1);
  // The same name from another scope (served as one family), and a name with two types (not served).
  const events = provider.getMeter('backbone_events');
  events.createCounter('backbone.message.transitions', { description: 'Moves' }).add(2, { from: 'send', to: 'sendfailed' });
  events.createGauge('two.types').record(1);
  folders.createCounter('two.types').add(1);
};

for (const withScopeInfo of [false, true]) {
  test(`/metrics is the SDK serializer's text, byte for byte (with_scope_info: ${withScopeInfo})`, async () => {
    const metrics = await collected(every);
    const expected = sdk(metrics, withScopeInfo);
    assert.match(expected, /backbone_message_transitions_total/, 'the fixture has what it is meant to have');
    assert.match(expected, /backbone_message_age_bucket/);
    assert.equal(ours(metrics, withScopeInfo).text, expected);
  });
}

test('/metrics with nothing to serve: target_info and the SDK\'s "no registered metrics"', async () => {
  const metrics = await collected(() => {});
  assert.equal(ours(metrics, false).text, sdk(metrics, false));
});

test('a page of 20,000 series leaves in many chunks and reads as one text; a label longer than a chunk too', async () => {
  const metrics = await collected((provider) => {
    const gauge = provider.getMeter('backbone_folders').createGauge('backbone.folder.messages');
    for (let i = 0; i < 20_000; i++) gauge.record(i, { 'backbone.integration': `INT-${i % 200}`, 'backbone.project': `P-${i}`, 'backbone.state': 'receive' });
    gauge.record(1, { huge: 'x'.repeat(100_000) });
  });
  const { text, chunks } = ours(metrics, false);
  assert.ok(chunks > 20, `${chunks} chunks`);
  assert.equal(text, sdk(metrics, false));
});
