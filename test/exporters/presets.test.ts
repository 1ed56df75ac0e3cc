// The backend presets: print-config shows each expanded to the endpoints, headers,
// temporality and size limit its vendor documents (docs/backends.md cites them), and the
// requests on the wire carry them (pointed at a local receiver through the relay endpoint).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { registry } from '../../src/components.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { resolvedConfig } from '../../src/config/print-config.ts';
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

function expanded(exporterYaml: string): Record<string, unknown> {
  const config = loadConfigText(`
receivers:
  backbone_folders:
    root: /tmp
exporters:
${exporterYaml}
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [${/^ {2}(\w+):/m.exec(exporterYaml)![1]}] }
`, 'test.yaml', registry, { SECRET: 'the-secret' });
  const exporters = resolvedConfig(config).exporters as Record<string, Record<string, unknown>>;
  return Object.values(exporters)[0]!;
}

test('datadog expands to the OTLP intake of its site, dd-api-key, delta, 500KB requests', () => {
  const dd = expanded('  datadog:\n    site: datadoghq.eu\n    api_key: ${env:SECRET}');
  assert.equal(dd.metrics_endpoint, 'https://otlp.datadoghq.eu/v1/metrics');
  assert.equal(dd.logs_endpoint, 'https://otlp.datadoghq.eu/v1/logs');
  assert.deepEqual(dd.headers, { 'dd-api-key': '[REDACTED]' });
  assert.equal(dd.temporality, 'delta');
  assert.equal(dd.histogram, 'exponential');
  assert.equal(dd.max_request_size, '500KB');
  assert.equal(dd.encoding, 'protobuf');
  assert.equal(dd.compression, 'gzip');
  assert.equal(expanded('  datadog:\n    api_key: k').metrics_endpoint, 'https://otlp.datadoghq.com/v1/metrics', 'US1 by default');
  assert.equal(expanded('  datadog:\n    site: us5.datadoghq.com\n    api_key: k').logs_endpoint, 'https://otlp.us5.datadoghq.com/v1/logs');
});

test('newrelic expands to its region endpoint, api-key, delta, 1MB requests', () => {
  const nr = expanded('  newrelic:\n    license_key: ${env:SECRET}');
  assert.equal(nr.endpoint, 'https://otlp.nr-data.net');
  assert.deepEqual(nr.headers, { 'api-key': '[REDACTED]' });
  assert.equal(nr.temporality, 'delta');
  assert.equal(nr.histogram, 'exponential');
  assert.equal(nr.max_request_size, '1MB');
  assert.equal(expanded('  newrelic:\n    region: EU\n    license_key: k').endpoint, 'https://otlp.eu01.nr-data.net');
});

test('grafana_cloud expands to its gateway with basic auth and cumulative temporality', () => {
  const gc = expanded('  grafana_cloud:\n    endpoint: https://otlp-gateway-prod-eu-west-2.grafana.net/otlp/\n    instance_id: 123456\n    token: ${env:SECRET}');
  assert.equal(gc.endpoint, 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp');
  assert.deepEqual(gc.headers, { authorization: '[REDACTED]' });
  assert.equal(gc.temporality, 'cumulative');
  assert.equal(gc.histogram, 'explicit');
});

test('preset mistakes are reported at their keys, with the preset\'s own key names', () => {
  assert.throws(() => expanded('  datadog:\n    site: datadoghq.org\n    api_ky: k'), (error: Error) =>
    /datadog\.site: expected one of datadoghq\.com/.test(error.message) && /unknown key "api_ky" \(did you mean "api_key"\?\)/.test(error.message));
  assert.throws(() => expanded('  grafana_cloud:\n    endpoint: https://x.grafana.net/otlp/v1/metrics\n    instance_id: 1\n    token: t'),
    /expected the base OTLP endpoint ending in \/otlp/);
  assert.throws(() => expanded('  newrelic:\n    license_key: k\n    sending_queue:\n      queue_size: -1'), /newrelic\.sending_queue\.queue_size/);
});

async function sendThrough(exporterYaml: string): Promise<OtlpReceiver> {
  const r = await new OtlpReceiver().start();
  receivers.push(r);
  const agent = await startTestAgent(`
receivers:
  loadgen:
    count: 3000
    run: preset
    per_tick: 3000
    body_bytes: 400
exporters:
${exporterYaml.replaceAll('RECEIVER', r.url)}
service:
  pipelines:
    metrics: { receivers: [loadgen], exporters: [${/^ {2}(\w+):/m.exec(exporterYaml)![1]}] }
    logs: { receivers: [loadgen], exporters: [${/^ {2}(\w+):/m.exec(exporterYaml)![1]}] }
`);
  agents.push(agent);
  await waitFor(() => r.logs.length === 3000, 'every record');
  await agent.service.flush();
  return r;
}

function checkWire(
  r: OtlpReceiver, headers: Record<string, string>, temporality: number, maxBytes: number, prefix = '', histogram: 'histogram' | 'exponentialHistogram' = 'exponentialHistogram',
): void {
  const paths = new Set(r.requests.map((req) => req.path));
  assert.deepEqual([...paths].sort(), [`${prefix}/v1/logs`, `${prefix}/v1/metrics`]);
  for (const request of r.requests) {
    for (const [name, value] of Object.entries(headers)) assert.equal(request.headers[name], value, `${name} on ${request.path}`);
    assert.equal(request.encoding, 'protobuf');
    assert.equal(request.compressed, true);
    assert.ok(request.uncompressedBytes! <= maxBytes, `${request.uncompressedBytes} bytes, at most ${maxBytes}`);
  }
  assert.ok(r.requests.filter((req) => req.path === `${prefix}/v1/logs`).length > 1, 'the logs were split into several requests');
  const sum = r.points.find((p) => p.metric === 'test.generated');
  assert.equal(sum?.temporality, temporality, 'temporality of the counter');
  assert.equal(sum?.value, 3000);
  const sizes = r.points.find((p) => p.metric === 'test.size');
  assert.equal(sizes?.type, histogram, 'how histograms are sent');
  assert.equal(sizes?.count, 3000);
}

test('datadog on the wire: /v1/metrics and /v1/logs, dd-api-key, delta sums, no request above 500 KB', async () => {
  const r = await sendThrough('  datadog:\n    api_key: dd-key\n    endpoint: RECEIVER');
  checkWire(r, { 'dd-api-key': 'dd-key' }, 1, 500_000);
});

test('newrelic on the wire: api-key, delta sums, no request above 1 MB', async () => {
  const r = await sendThrough('  newrelic:\n    license_key: nr-key\n    endpoint: RECEIVER');
  checkWire(r, { 'api-key': 'nr-key' }, 1, 1_000_000);
  assert.ok(r.requests.some((req) => req.uncompressedBytes! > 500_000), 'requests use the 1 MB allowance');
});

test('grafana_cloud on the wire: basic auth of instance_id:token, cumulative sums', async () => {
  const r = await sendThrough('  grafana_cloud:\n    endpoint: RECEIVER/otlp\n    instance_id: "42"\n    token: glc_token\n    max_request_size: 300KB');
  checkWire(r, { authorization: `Basic ${Buffer.from('42:glc_token').toString('base64')}` }, 2, 300_000, '/otlp', 'histogram');
});
