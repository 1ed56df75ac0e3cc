// The dwell-time histogram's buckets: few by default (each is a series per project and
// from/to pair in Prometheus-style backends), seconds to days, and set on the receiver
// (backbone_events dwell_time.boundaries), checked when the configuration is read.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registry } from '../../src/components.ts';
import { ConfigError } from '../../src/config/config-issue.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { DWELL_TIME_BOUNDARIES } from '../../src/receivers/backbone_events/telemetry.ts';
import { type Installation, runInstallation } from './installation.ts';

let installation: Installation;
before(async () => {
  installation = await runInstallation({ integrations: 1, projectsPerIntegration: 2, moves: 20 });
});
after(() => installation?.stop());

test('by default /metrics has 8 dwell-time buckets per series: 10 s, 1 min, 10 min, 1 h, 6 h, 1 d, 7 d and +Inf', () => {
  assert.deepEqual(DWELL_TIME_BOUNDARIES, [10, 60, 600, 3_600, 21_600, 86_400, 604_800]);
  const buckets = installation.prometheus.filter((s) => s.name === 'backbone_message_dwell_time_seconds_bucket');
  assert.ok(buckets.length > 0, 'moves were measured');
  const series = new Map<string, string[]>();
  for (const sample of buckets) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(rest);
    series.set(key, [...(series.get(key) ?? []), le!]);
  }
  for (const les of series.values()) assert.deepEqual(les, ['10', '60', '600', '3600', '21600', '86400', '604800', '+Inf']);
  // Every series of a from/to pair: 8 buckets, _sum and _count.
  const all = installation.prometheus.filter((s) => s.name.startsWith('backbone_message_dwell_time_seconds'));
  assert.equal(all.length, series.size * 10);
});

function load(boundaries: string) {
  return loadConfigText(`receivers:
  backbone_events:
    root: /srv/jira/data/backbone-issue-sync
    dwell_time:
      boundaries: ${boundaries}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [backbone_events]
      exporters: [debug]
`, 'agent.yaml', registry, {});
}

test('dwell_time.boundaries: increasing positive seconds; [] keeps count and sum only', () => {
  const config = (text: string) => (load(text).receivers.get('backbone_events')!.config as { dwell_time: { boundaries: number[] } }).dwell_time.boundaries;
  assert.deepEqual(config('[60, 3600, 86400]'), [60, 3600, 86400]);
  assert.deepEqual(config('[]'), []);
  const error = (text: string) => {
    try {
      load(text);
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
    assert.fail(`${text} was accepted`);
  };
  assert.match(error('[60, 10]'), /agent\.yaml:5:19: receivers\.backbone_events\.dwell_time\.boundaries: expected increasing boundaries in seconds/);
  assert.match(error('[0, 10]'), /dwell_time\.boundaries\[0\]: .*found 0/);
  assert.match(error('[1h]'), /dwell_time\.boundaries\[0\]: expected a number, found "1h"/);
});

test('dwell_time.boundaries set on the receiver are the buckets on /metrics', async () => {
  const custom = await runInstallation({
    integrations: 1, projectsPerIntegration: 2, moves: 10, eventsSettings: '    dwell_time:\n      boundaries: [60, 3600]',
  });
  try {
    const les = new Set(custom.prometheus.filter((s) => s.name === 'backbone_message_dwell_time_seconds_bucket').map((s) => s.labels.le));
    assert.deepEqual([...les], ['60', '3600', '+Inf']);
  } finally {
    await custom.stop();
  }
});
