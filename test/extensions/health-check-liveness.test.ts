// The health check's two questions on one status board: the status (readiness, people) counts
// recoverable errors after recovery_duration and permanent errors at once, as configured;
// liveness fails only for a component that failed for good, never for an error a restart
// does not mend; a pipeline's status is asked with ?pipeline=.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lifecycle } from '../../src/component/component.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { registry } from '../../src/components.ts';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import type { HealthReport, LivenessReport } from '../../src/extensions/health_check/factory.ts';
import { healthCheckExtensionFactory } from '../../src/extensions/health_check/factory.ts';
import { healthCheckConfigSchema } from '../../src/extensions/health_check/config.ts';
import { StatusBoard } from '../../src/pipeline/component-status.ts';
import { freePort } from '../helpers/free-port.ts';
import { waitFor } from '../helpers/wait-for.ts';

async function serve(config: Record<string, unknown>, board: StatusBoard): Promise<{ port: number; extension: Lifecycle }> {
  const port = await freePort();
  const parsed = healthCheckConfigSchema.parse({ endpoint: `127.0.0.1:${port}`, ...config });
  const extension = healthCheckExtensionFactory.createExtension({
    id: 'health_check', config: parsed, log: new AgentLog({ sink: { write: () => {} } }), status: board,
  });
  await extension.start();
  return { port, extension };
}

async function get<T>(url: string): Promise<{ code: number; body: T }> {
  const response = await fetch(url);
  return { code: response.status, body: await response.json() as T };
}

const pipelines = [
  { id: 'metrics', receivers: ['backbone_rest'], exporters: ['otlphttp'] },
  { id: 'logs', receivers: ['backbone_events'], exporters: ['otlphttp'] },
];

test('liveness fails only for a component that failed for good; the status says every error', async () => {
  const board = new StatusBoard(pipelines);
  const rest = board.register('receiver', 'backbone_rest');
  const events = board.register('receiver', 'backbone_events');
  const metricsExporter = board.register('exporter', 'otlphttp', 'metrics');
  board.register('exporter', 'otlphttp', 'logs');
  const { port, extension } = await serve({ include_permanent_errors: true }, board);
  try {
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await get<HealthReport>(`${base}/`)).code, 503, 'starting');
    assert.equal((await get<LivenessReport>(`${base}/livez`)).code, 200, 'alive while starting');
    board.setAgent('running');
    assert.equal((await get<HealthReport>(`${base}/`)).code, 200);

    // A permanent error of the metrics pipeline's exporter: the status (and that pipeline) says 500; logs and liveness are fine.
    metricsExporter.permanentError('HTTP 400: the backend refuses the data');
    const refused = await get<HealthReport>(`${base}/`);
    assert.equal(refused.code, 500);
    assert.equal(refused.body.status, 'permanent_error');
    assert.equal(refused.body.error, 'HTTP 400: the backend refuses the data');
    assert.equal((await get<HealthReport>(`${base}/?pipeline=metrics`)).code, 500);
    const logs = await get<HealthReport>(`${base}/?pipeline=logs`);
    assert.equal(logs.code, 200);
    assert.deepEqual(logs.body.components.map((c) => `${c.kind}/${c.id}`).sort(), ['exporter/otlphttp', 'receiver/backbone_events']);
    assert.equal((await get<{ error: string }>(`${base}/?pipeline=traces`)).code, 404);
    assert.equal((await get<LivenessReport>(`${base}/livez`)).code, 200, 'a restart does not mend a refusing backend');

    // A recoverable error within recovery_duration: the status shows it, healthy.
    metricsExporter.ok();
    rest.recoverableError('connection refused by 127.0.0.1:8080');
    const recovering = await get<HealthReport>(`${base}/`);
    assert.equal(recovering.code, 200);
    assert.equal(recovering.body.status, 'recoverable_error');
    assert.equal(recovering.body.components.find((c) => c.id === 'backbone_rest')!.error, 'connection refused by 127.0.0.1:8080');

    // A component that failed for good: liveness 500, with the cause.
    events.fatalError('the watcher stopped: too many open files');
    const dead = await get<LivenessReport>(`${base}/livez`);
    assert.equal(dead.code, 500);
    assert.equal(dead.body.alive, false);
    assert.match(dead.body.reason!, /receiver backbone_events has failed for good for \d+ s: the watcher stopped/);
    assert.equal((await get<HealthReport>(`${base}/`)).body.status, 'fatal_error');
  } finally {
    await extension.shutdown();
  }
});

test('include_recoverable_errors: false keeps a long recoverable error out of the status code', async () => {
  const board = new StatusBoard(pipelines);
  const rest = board.register('receiver', 'backbone_rest');
  board.setAgent('running');
  const { port, extension } = await serve({ include_recoverable_errors: false, recovery_duration: '1s' }, board);
  try {
    rest.recoverableError('connection refused');
    const since = board.components().find((c) => c.id === 'backbone_rest')!.since;
    await waitFor(() => Date.now() - since > 1000, 'the error to outlast recovery_duration');
    const report = await get<HealthReport>(`http://127.0.0.1:${port}/`);
    assert.equal(report.code, 200);
    assert.equal(report.body.status, 'recoverable_error');
  } finally {
    await extension.shutdown();
  }
});

test('exporter_failure_grace_period is refused with what to write instead', () => {
  assert.throws(() => loadConfigText(`
receivers:
  backbone_folders:
    root: /tmp/x
extensions:
  health_check:
    exporter_failure_grace_period: 10m
exporters:
  debug: {}
service:
  extensions: [health_check]
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [debug]
`, 'test.yaml', registry, {}), /exporter_failure_grace_period: no longer taken: renamed to recovery_duration/);
});

test('what a leader-only receiver reports after its term ended changes nothing: it stands by', () => {
  const board = new StatusBoard(pipelines);
  const control = board.register('receiver', 'backbone_rest');
  board.setAgent('running');
  let holding = true;
  const reporter = control.gated(() => holding);
  control.starting();
  reporter.recoverableError('connection refused');
  control.okIfStarting();
  assert.equal(board.components()[0]!.state, 'recoverable_error', 'an error said while starting stays');
  holding = false;
  control.standby();
  reporter.recoverableError('connection refused');
  reporter.ok();
  assert.equal(board.components()[0]!.state, 'standby');
});
