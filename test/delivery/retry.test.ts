// The sending queue and retry against a real OTLP/HTTP receiver that is told to fail in each
// way a backend fails: 503, 429 with Retry-After, 400, refused connections, no answer. Every
// log record made during an outage arrives exactly once after it, and the agent's own
// metrics account for every attempt.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { backoffDelay, parseRetryAfter } from '../../src/exporters/delivery/backoff.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { RunningAgent } from '../helpers/run-agent.ts';
import { startTestAgent } from '../helpers/run-test-agent.ts';
import { waitFor } from '../helpers/wait-for.ts';

const agents: RunningAgent[] = [];
const receivers: OtlpReceiver[] = [];
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  await Promise.all(receivers.map((receiver) => receiver.stop()));
});

async function receiver(): Promise<OtlpReceiver> {
  const r = await new OtlpReceiver().start();
  receivers.push(r);
  return r;
}

const FAST_RETRY = `
    retry_on_failure:
      initial_interval: 10ms
      max_interval: 50ms`;

function config(url: string, loadgen: string, exporterExtra = ''): string {
  return `
receivers:
  loadgen:
${loadgen}
exporters:
  otlphttp:
    endpoint: ${url}
    timeout: 2s${FAST_RETRY}${exporterExtra}
service:
  shutdown_timeout: 5s
  pipelines:
    logs:
      receivers: [loadgen]
      exporters: [otlphttp]
`;
}

async function start(yaml: string): Promise<RunningAgent> {
  const agent = await startTestAgent(yaml);
  agents.push(agent);
  return agent;
}

function seqs(r: OtlpReceiver, run: string): number[] {
  return r.logs.filter((l) => l.attributes['test.run'] === run).map((l) => Number(l.attributes['test.seq']));
}

function assertExactlyOnce(r: OtlpReceiver, run: string, count: number): void {
  const got = seqs(r, run).sort((a, b) => a - b);
  assert.equal(got.length, count, `${got.length} records arrived for ${count} made`);
  got.forEach((seq, index) => assert.equal(seq, index, `record ${index} arrived once`));
}

test('backoff grows by the multiplier up to max_interval, with jitter, and never below Retry-After', () => {
  const settings = { enabled: true, initial_interval: 100, multiplier: 2, max_interval: 1000, randomization_factor: 0.5, max_elapsed_time: 0 };
  const middle = () => 0.5;
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(settings, n, undefined, middle)), [100, 200, 400, 800, 1000, 1000]);
  assert.equal(backoffDelay(settings, 1, undefined, () => 0), 50, 'lowest jitter: -50%');
  assert.equal(backoffDelay(settings, 1, undefined, () => 0.999999), 150, 'highest jitter: +50%');
  assert.equal(backoffDelay(settings, 1, 5000, middle), 5000, 'Retry-After wins when longer');
  assert.equal(parseRetryAfter('7'), 7000);
  assert.equal(parseRetryAfter(new Date(Date.now() + 3000).toUTCString(), Date.now()) !== undefined, true);
  assert.equal(parseRetryAfter('soon'), undefined);
});

test('503 during an outage: 3000 records made meanwhile arrive exactly once, and the self-metrics count every failed attempt', async () => {
  const r = await receiver();
  r.status = 503;
  const agent = await start(config(r.url, '    count: 3000\n    run: outage\n    per_tick: 50\n    pause_ms: 2'));
  await waitFor(() => r.attempts.filter((a) => a.answer === 503).length >= 5, 'several refused attempts');
  await waitFor(() => agent.service.selfTelemetry.total('otelcol_receiver_accepted_log_records') === 3000, 'all records generated');
  r.status = 200;
  await waitFor(() => seqs(r, 'outage').length >= 3000, 'every record after recovery', 15_000);
  await agent.service.flush();
  assertExactlyOnce(r, 'outage', 3000);

  const self = agent.service.selfTelemetry;
  const refusedItems = r.attempts.filter((a) => a.answer === 503).reduce((sum, a) => sum + a.items, 0);
  assert.ok(refusedItems > 0);
  assert.equal(self.total('otelcol_exporter_send_failed_log_records', { exporter: 'otlphttp', 'error.type': '503', 'error.permanent': false }), refusedItems,
    'every record in every refused attempt is counted');
  assert.equal(self.total('otelcol_exporter_sent_log_records', { exporter: 'otlphttp' }), 3000);
  assert.equal(self.total('otelcol_exporter_enqueue_failed_log_records'), 0);
  const warnings = agent.logLines.filter((line) => line.includes('failed: 503'));
  assert.equal(warnings.length, 1, `the outage is said once:\n${warnings.join('')}`);
  assert.ok(agent.logLines.some((line) => /works again \(after [\d.]+ s and \d+ failed attempt/.test(line)), 'and its end once');
  assert.ok(r.requests.every((req) => req.compressed), 'gzip is on by default');
});

test('429 with Retry-After: the next attempt waits as long as the server asked, not the short backoff', async () => {
  const r = await receiver();
  const seen: number[] = [];
  r.script.push({ status: 429, retryAfter: '1' });
  const push = r.attempts.push.bind(r.attempts);
  r.attempts.push = (...items) => { seen.push(Date.now()); return push(...items); };
  const agent = await start(config(r.url, '    count: 10\n    run: throttled'));
  await waitFor(() => seqs(r, 'throttled').length === 10, 'records after the throttle');
  assert.deepEqual(r.attempts.map((a) => a.answer), [429, 200]);
  assert.ok(seen[1]! - seen[0]! >= 950, `waited ${seen[1]! - seen[0]!} ms for Retry-After: 1 (initial_interval is 10ms)`);
  assert.equal(agent.service.selfTelemetry.total('otelcol_exporter_send_failed_log_records', { 'error.type': '429', 'error.permanent': false }), 10);
  assertExactlyOnce(r, 'throttled', 10);
});

test('400 is permanent: not retried, dropped, counted, and said once for many requests', async () => {
  const r = await receiver();
  r.status = 400;
  const agent = await start(config(r.url, '    count: 600\n    run: rejected\n    per_tick: 150\n    pause_ms: 300'));
  await waitFor(() => agent.service.selfTelemetry.total('otelcol_exporter_send_failed_log_records', { 'error.permanent': true }) === 600, 'every record refused', 15_000);
  const attempts = r.attempts.length;
  assert.ok(attempts >= 2, 'several requests were refused');
  assert.equal(r.attempts.reduce((sum, a) => sum + a.items, 0), 600, 'each record was sent once: no retries');
  const said = agent.logLines.filter((line) => line.includes('refused') && line.includes('400'));
  assert.equal(said.length, 1, `said once:\n${said.join('')}`);
  assert.match(said[0]!, /not retried/);
  r.status = 200;
  await agent.service.flush();
  assert.equal(r.attempts.length, attempts, 'nothing was retried later');
});

test('refused connections, then a backend that does not answer: both retried until it recovers, nothing lost', async () => {
  const r = await receiver();
  await r.refuseConnections();
  const agent = await start(config(r.url, '    count: 500\n    run: network\n    per_tick: 100').replace('timeout: 2s', 'timeout: 500ms'));
  await waitFor(() => agent.service.selfTelemetry.total('otelcol_exporter_send_failed_log_records', { 'error.type': 'ECONNREFUSED' }) > 0, 'refused connections counted');
  r.hang = true;
  await r.acceptConnections();
  await waitFor(() => r.attempts.some((a) => a.answer === 'hang'), 'a request that gets no answer');
  r.hang = false;
  await waitFor(() => seqs(r, 'network').length >= 500, 'every record after recovery', 15_000);
  assertExactlyOnce(r, 'network', 500);
});

test('a backend that hangs past the timeout: the attempt fails as a timeout and is retried', async () => {
  const r = await receiver();
  r.script.push('hang');
  const agent = await start(config(r.url, '    count: 20\n    run: hung', '').replace('timeout: 2s', 'timeout: 200ms'));
  await waitFor(() => seqs(r, 'hung').length === 20, 'records after the timeout');
  assert.equal(agent.service.selfTelemetry.total('otelcol_exporter_send_failed_log_records', { 'error.type': 'timeout' }), 20);
  assertExactlyOnce(r, 'hung', 20);
});

test('in memory, a request is given up after max_elapsed_time, and the queue moves on', async () => {
  const r = await receiver();
  r.status = 503;
  const agent = await start(config(r.url, '    count: 5\n    run: expired', '\n      max_elapsed_time: 200ms'));
  await waitFor(() => agent.logLines.some((line) => line.includes('gave up on log records after retrying')), 'given up');
  const self = agent.service.selfTelemetry;
  assert.equal(self.total('otelcol_exporter_send_failed_log_records', { 'error.permanent': true }), 5, 'the last attempt counts as the loss');
  assert.equal(self.total('otelcol_exporter_send_failed_log_records', { 'error.permanent': false }), 5 * (r.attempts.length - 1), 'the ones before as retries');
  r.status = 200;
  await agent.service.flush();
  assert.equal(seqs(r, 'expired').length, 0);
});

test('requests are split to stay under max_request_size, and every record arrives', async () => {
  const r = await receiver();
  const agent = await start(config(r.url, '    count: 2000\n    run: split\n    per_tick: 2000', '\n    max_request_size: 20KB'));
  await waitFor(() => seqs(r, 'split').length >= 2000, 'every record');
  await agent.service.flush();
  assertExactlyOnce(r, 'split', 2000);
  assert.ok(r.requests.length >= 5, `split into ${r.requests.length} requests`);
  for (const request of r.requests) assert.ok(request.uncompressedBytes! <= 20_000, `a request of ${request.uncompressedBytes} bytes`);
});
