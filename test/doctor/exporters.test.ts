// The exporter checks against a real OTLP/HTTP receiver that accepts, rejects (400, 401,
// 503) or is down; the presets through a relay endpoint; temporality against the backend; and
// a prometheus exporter's port. Each case says what the backend answered and what to do.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { check, type JsonReport, runDoctor, site, writeConfig } from './fixture.ts';

const s = site({ integrations: 1, projectsPerIntegration: 1 });
const otlp = await new OtlpReceiver().start();
after(() => otlp.stop());

/** The doctor on a configuration with these exporters (id -> YAML body), each in both pipelines unless given. */
async function doctor(exporters: Record<string, string>, pipelines?: { metrics: string[]; logs: string[] }): Promise<JsonReport> {
  const ids = Object.keys(exporters);
  const file = writeConfig(s, `exporters-${Math.random().toString(36).slice(2)}.yaml`, `receivers:
  backbone_folders:
    root: ${s.root}
exporters:
${ids.map((id) => `  ${id}:${exporters[id]}`).join('\n')}
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [${(pipelines?.metrics ?? ids).join(', ')}] }
    logs: { receivers: [backbone_folders], exporters: [${(pipelines?.logs ?? ids).join(', ')}] }
`);
  const { out } = await runDoctor({ config: file, json: true });
  return JSON.parse(out) as JsonReport;
}

test('an accepting backend gets one test point and one log record, encoded as configured', async () => {
  otlp.clear();
  const report = await doctor({ otlphttp: `\n    endpoint: ${otlp.url}\n    encoding: json\n    compression: none` });
  const exporter = check(report, 'exporter.otlphttp');
  assert.equal(exporter.status, 'ok');
  assert.equal(exporter.message, `otlphttp: a test point and a test log record accepted (HTTP 200) at ${otlp.url}/v1/metrics and /v1/logs.`);
  assert.deepEqual(otlp.requests.map((r) => `${r.path} ${r.encoding} ${r.compressed}`).sort(), ['/v1/logs json false', '/v1/metrics json false']);
  assert.equal(otlp.points[0]!.metric, 'backbone.doctor.test');
  assert.equal(otlp.points[0]!.type, 'gauge');
  assert.match(otlp.logs[0]!.body, /^backbone-otel doctor: a test record/);
});

test('a backend that rejects with 400 or 503, or refuses the credentials: what it answered, and what to do', async () => {
  try {
    otlp.status = 400;
    let exporter = check(await doctor({ otlphttp: `\n    endpoint: ${otlp.url}` }), 'exporter.otlphttp');
    assert.equal(exporter.status, 'fail');
    assert.match(exporter.message, /\/v1\/metrics and \/v1\/logs: refused the test data as malformed \(400 Bad Request: \{"code":400,"message":"scripted answer"\}\)\.$/);
    assert.match(exporter.fix!, /is an OTLP\/HTTP receiver and that it accepts encoding protobuf with compression gzip/);

    otlp.status = 503;
    exporter = check(await doctor({ otlphttp: `\n    endpoint: ${otlp.url}` }), 'exporter.otlphttp');
    assert.equal(exporter.status, 'fail');
    assert.match(exporter.message, /the backend is unavailable \(503 Service Unavailable/);
    assert.match(exporter.fix!, /Meanwhile the agent would queue and retry\./);

    otlp.status = 401;
    exporter = check(await doctor({ newrelic: `\n    endpoint: ${otlp.url}\n    license_key: abc` }), 'exporter.newrelic');
    assert.match(exporter.message, /refused the credentials \(401 Unauthorized/);
    assert.match(exporter.fix!, /^Check license_key \(an ingest license key, not a user key\) and region/);
  } finally {
    otlp.status = 200;
  }
});

test('a backend that is down: nothing listens there', async () => {
  const down = `http://127.0.0.1:${await freePort()}`;
  const exporter = check(await doctor({ otlphttp: `\n    endpoint: ${down}` }), 'exporter.otlphttp');
  assert.equal(exporter.status, 'fail');
  assert.match(exporter.message, /^otlphttp: http:\/\/127\.0\.0\.1:\d+\/v1\/metrics and \/v1\/logs: nothing listens there: the backend is down, or the address is wrong \(connect ECONNREFUSED/);
});

test('only the signals an exporter carries are tested', async () => {
  otlp.clear();
  const report = await doctor({ otlphttp: `\n    endpoint: ${otlp.url}`, debug: ' {}' }, { metrics: ['otlphttp'], logs: ['debug'] });
  assert.match(check(report, 'exporter.otlphttp').message, /^otlphttp: a test point accepted \(HTTP 200\) at http:\/\/127\.0\.0\.1:\d+\/v1\/metrics\.$/);
  assert.deepEqual(otlp.requests.map((r) => r.path), ['/v1/metrics']);
});

test('temporality: the datadog preset sends delta; cumulative to Datadog fails, delta to Grafana Cloud warns', async () => {
  otlp.clear();
  const preset = await doctor({ datadog: `\n    api_key: dd-key\n    endpoint: ${otlp.url}` });
  assert.match(check(preset, 'exporter.datadog').message, /accepted \(HTTP 200\) at .*; temporality delta, as Datadog expects\.$/);
  assert.equal(otlp.requests[0]!.headers['dd-api-key'], 'dd-key');

  const cumulative = await doctor({ otlphttp: `\n    endpoint: ${otlp.url}\n    headers: { dd-api-key: dd-key }\n    temporality: cumulative` });
  const failed = check(cumulative, 'exporter.otlphttp.temporality');
  assert.equal(failed.status, 'fail');
  assert.match(failed.message, /temporality cumulative to Datadog: its OTLP intake takes delta metrics only/);
  assert.equal(failed.fix, 'Set temporality: delta in otlphttp (or use the datadog exporter, which sets it).');
  assert.equal(cumulative.exitCode, 1);

  // Recognised by its endpoint's host; the test export goes to the signal endpoints (local).
  const grafana = await doctor({
    'otlphttp/grafana': `\n    endpoint: https://otlp-gateway-prod-eu-west-2.grafana.net/otlp\n    metrics_endpoint: ${otlp.url}/v1/metrics\n    logs_endpoint: ${otlp.url}/v1/logs\n    temporality: delta`,
  },
    { metrics: ['otlphttp/grafana'], logs: ['otlphttp/grafana'] });
  assert.equal(check(grafana, 'exporter.otlphttp/grafana.temporality').status, 'warn');
  assert.match(check(grafana, 'exporter.otlphttp/grafana.temporality').fix!, /^Set temporality: cumulative in otlphttp\/grafana/);

  const grafanaPreset = await doctor({ grafana_cloud: `\n    endpoint: ${otlp.url}/otlp\n    instance_id: "123"\n    token: t` });
  assert.match(check(grafanaPreset, 'exporter.grafana_cloud').message, /temporality cumulative, as Grafana Cloud expects\.$/);
});

test('prometheus: a free port is OK, a port in use is a warning', async () => {
  const port = await freePort();
  const ok = await doctor({ prometheus: `\n    endpoint: 127.0.0.1:${port}`, debug: ' {}' }, { metrics: ['prometheus'], logs: ['debug'] });
  assert.equal(check(ok, 'exporter.prometheus').status, 'ok');

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    const busy = await doctor({ prometheus: `\n    endpoint: 127.0.0.1:${port}`, debug: ' {}' }, { metrics: ['prometheus'], logs: ['debug'] });
    const warned = check(busy, 'exporter.prometheus');
    assert.equal(warned.status, 'warn');
    assert.match(warned.message, /127\.0\.0\.1:\d+ is in use by another process/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
