// The health_check endpoint through an agent's life: 503 while starting, 200 with component
// statuses when running, 500 when an exporter has failed for longer than recovery_duration
// (and 200 again after recovery) while liveness stays 200 all along, 503 while stopping.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { HealthReport, LivenessReport } from '../../src/extensions/health_check/factory.ts';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { RunningAgent } from '../helpers/run-agent.ts';
import { startTestAgent } from '../helpers/run-test-agent.ts';
import { waitFor } from '../helpers/wait-for.ts';

const receivers: OtlpReceiver[] = [];
after(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

async function health(port: number): Promise<{ code: number; report: HealthReport }> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return { code: response.status, report: await response.json() as HealthReport };
}

async function liveness(port: number): Promise<{ code: number; report: LivenessReport }> {
  const response = await fetch(`http://127.0.0.1:${port}/livez`);
  return { code: response.status, report: await response.json() as LivenessReport };
}

test('health through start, outage, recovery and shutdown', async () => {
  const r = await new OtlpReceiver().start();
  receivers.push(r);
  const port = await freePort();
  const starting = startTestAgent(`
receivers:
  loadgen:
    count: 1000000
    per_tick: 5
    pause_ms: 50
    start_delay_ms: 800
extensions:
  health_check:
    endpoint: 127.0.0.1:${port}
    recovery_duration: 1s
exporters:
  otlphttp:
    endpoint: ${r.url}
    timeout: 5s
    retry_on_failure:
      initial_interval: 20ms
      max_interval: 50ms
      max_elapsed_time: 0s
service:
  extensions: [health_check]
  shutdown_timeout: 2s
  pipelines:
    logs:
      receivers: [loadgen]
      exporters: [otlphttp]
`);
  let agent: RunningAgent | undefined;
  void starting.then((a) => { agent = a; });

  // The extension listens before the receivers start.
  const early = await waitFor(async () => {
    try {
      return await health(port);
    } catch {
      return undefined;
    }
  }, 'the health endpoint');
  assert.equal(early.code, 503);
  assert.equal(early.report.status, 'starting');

  agent = await starting;
  const running = await health(port);
  assert.equal(running.code, 200);
  assert.equal(running.report.status, 'ok');
  const kinds = running.report.components.map((c) => `${c.kind}/${c.id}:${c.status}`).sort();
  assert.deepEqual(kinds, ['exporter/otlphttp:ok', 'extension/health_check:ok', 'receiver/loadgen:ok']);
  const exporter = running.report.components.find((c) => c.kind === 'exporter')!;
  assert.equal(exporter.pipeline, 'logs');
  assert.equal(exporter.queue!.capacity, 1_000_000);

  // An outage: unhealthy only once it lasts longer than recovery_duration; alive all along.
  r.status = 503;
  await waitFor(() => r.attempts.some((a) => a.answer === 503), 'a failed attempt');
  const failingSoon = await health(port);
  assert.equal(failingSoon.report.components.find((c) => c.kind === 'exporter')!.status, 'recoverable_error');
  const unhealthy = await waitFor(async () => {
    const h = await health(port);
    return h.code === 500 ? h : undefined;
  }, '500 after recovery_duration');
  assert.equal(unhealthy.report.status, 'recoverable_error');
  assert.equal(unhealthy.report.healthy, false);
  assert.match(unhealthy.report.reason!, /exporter otlphttp \(logs\) has been failing for \d+ s: 503/);
  assert.ok(unhealthy.report.components.find((c) => c.kind === 'exporter')!.queue!.size > 0);
  assert.deepEqual(Object.keys(unhealthy.report.pipelines), ['logs']);
  assert.equal(unhealthy.report.pipelines['logs']!.status, 'recoverable_error');
  const alive = await liveness(port);
  assert.equal(alive.code, 200, 'a backend outage is no reason to restart the agent');
  assert.equal(alive.report.alive, true);

  r.status = 200;
  await waitFor(async () => (await health(port)).code === 200, 'healthy after recovery');

  // Stopping: the endpoint answers 503 until it closes, last.
  r.hang = true;
  await waitFor(() => r.attempts.some((a) => a.answer === 'hang'), 'a request the backend holds');
  const stopping = agent.stop();
  const during = await waitFor(async () => {
    const h = await health(port);
    return h.report.status === 'stopping' ? h : undefined;
  }, 'stopping');
  assert.equal(during.code, 503);
  await stopping;
  await assert.rejects(health(port), 'closed after the agent stopped');
});
