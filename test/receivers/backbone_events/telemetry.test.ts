// The watcher's declarations are the public names (test/telemetry/public-names.ts) with their
// kind and unit, as the committed docs/telemetry.md shows them; logs-only attributes stay off its
// metrics, and severities are chosen as the spec says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { eventsTelemetry } from '../../../src/receivers/backbone_events/telemetry.ts';
import { describeTransition, type Endpoint, severityOf } from '../../../src/receivers/backbone_events/transition.ts';
import { ATTRIBUTES } from '../../../src/telemetry/attributes.ts';
import { documentedMetrics, PUBLIC_EVENTS, PUBLIC_METRICS } from '../../telemetry/public-names.ts';

const DOCS = readFileSync(new URL('../../../docs/telemetry.md', import.meta.url), 'utf8');

test('metrics and the log event are the public ones, with their kind and unit', () => {
  const rows = documentedMetrics(DOCS);
  assert.deepEqual(eventsTelemetry.metrics.map((m) => m.name), ['backbone.message.transitions', 'backbone.message.dwell_time', 'backbone.watcher.mode']);
  for (const metric of eventsTelemetry.metrics) {
    const row = rows.get(metric.name);
    assert.ok(row, `${metric.name} is in docs/telemetry.md`);
    assert.equal(metric.kind, row.kind, metric.name);
    assert.equal(metric.unit, row.unit, metric.name);
    assert.ok(PUBLIC_METRICS.some(([name, kind, unit]) => name === metric.name && kind === metric.kind && unit === metric.unit), `${metric.name} is a public name`);
  }
  assert.deepEqual(eventsTelemetry.events.map((e) => e.name), ['backbone.message.transition']);
  assert.ok(PUBLIC_EVENTS.includes('backbone.message.transition') && DOCS.includes('`backbone.message.transition`'));
  const logsOnly = new Set(ATTRIBUTES.filter((a) => a.logsOnly).map((a) => a.name));
  for (const metric of eventsTelemetry.metrics) for (const a of metric.attributes) assert.ok(!logsOnly.has(a), `${metric.name} has ${a}`);
  assert.deepEqual([...eventsTelemetry.metrics[0]!.attributes],
    ['backbone.integration', 'backbone.project', 'backbone.from_state', 'backbone.to_state']);
});

test('severity by destination: INFO for processed and send -> none, WARN for waiting/missing/offline/outdated, ERROR for error/sendfailed/invalid', () => {
  const cases: [Endpoint, Endpoint, string][] = [
    ['receive', 'processed', 'INFO'], ['missing', 'processed', 'INFO'], ['send', 'none', 'INFO'],
    ['receive', 'waiting', 'WARN'], ['receive', 'missing', 'WARN'], ['receive', 'offline', 'WARN'], ['receive', 'outdated', 'WARN'],
    ['receive', 'error', 'ERROR'], ['send', 'sendfailed', 'ERROR'], ['receive', 'invalid', 'ERROR'],
    ['none', 'receive', 'INFO'], ['none', 'send', 'INFO'], ['error', 'receive', 'INFO'], ['sendfailed', 'send', 'INFO'],
    ['sendfailed', 'none', 'INFO'], ['receive', 'none', 'INFO'], ['receive', 'unknown', 'INFO'],
    ['none', 'error', 'ERROR'], ['none', 'waiting', 'WARN'],
  ];
  for (const [from, to, severity] of cases) assert.equal(severityOf(from, to), severity, `${from} -> ${to}`);
});

test('the body is one readable sentence', () => {
  const base = { integration: 'INT-16', project: 'AP-29', message: '000042.bac', issue: undefined, timeMs: 0 };
  assert.equal(describeTransition({ ...base, from: 'receive', to: 'error', issue: 'PB-1', dwellSeconds: 12.34, detectedBy: 'event' }),
    'Message 000042.bac of INT-16/AP-29 moved from receive to error (issue PB-1) after 12.3 s.');
  assert.equal(describeTransition({ ...base, from: 'none', to: 'receive', dwellSeconds: undefined, detectedBy: 'scan' }),
    'Message 000042.bac of INT-16/AP-29 appeared in receive.');
  assert.equal(describeTransition({ ...base, from: 'send', to: 'none', dwellSeconds: 600, detectedBy: 'restart' }),
    'Message 000042.bac of INT-16/AP-29 was sent (left send) after 10.0 min while the agent was stopped.');
});
