// The filter processor with OTTL conditions, as the Collector takes them, in the real agent
// watching a simulated installation: beside an unfiltered pipeline, the filtered one lacks
// exactly the metric, the data points and the log records the conditions match, and a
// condition that does not parse stops the agent with its line and column.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registry } from '../../src/components.ts';
import { ConfigError } from '../../src/config/config-issue.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { type Installation, runInstallation } from '../cost/installation.ts';
import type { ReceivedLog, ReceivedPoint } from '../helpers/otlp-receiver.ts';

const CHEAP = `
  filter/cheap:
    error_mode: ignore
    metrics:
      metric:
        - 'name == "backbone.message.dwell_time"'
      datapoint:
        - 'attributes["backbone.state"] == "processed"'
    logs:
      log_record:
        - 'attributes["backbone.to_state"] == "processed"'
        - 'severity_number < SEVERITY_NUMBER_WARN'
`;

let installation: Installation;
before(async () => {
  installation = await runInstallation({
    integrations: 2, projectsPerIntegration: 2, moves: 60, unfiltered: true,
    processors: { yaml: CHEAP, metrics: ['filter/cheap'], logs: ['filter/cheap'] },
  });
});
after(() => installation?.stop());

const pointKey = (p: ReceivedPoint) => `${p.metric} ${JSON.stringify(Object.entries(p.attributes).sort())}`;
const logKey = (r: ReceivedLog) => `${String(r.attributes['backbone.message'])} ${String(r.attributes['backbone.from_state'])}->${String(r.attributes['backbone.to_state'])}`;

test('metrics: the dwell-time metric and every point of the processed state are dropped, nothing else', () => {
  const all = new Set(installation.all!.points.map(pointKey));
  const kept = new Set(installation.otlp.points.map(pointKey));
  const expected = new Set(installation.all!.points
    .filter((p) => p.metric !== 'backbone.message.dwell_time' && p.attributes['backbone.state'] !== 'processed')
    .map(pointKey));
  assert.ok(installation.all!.points.some((p) => p.metric === 'backbone.message.dwell_time'), 'the unfiltered pipeline has dwell times');
  assert.ok(installation.all!.points.some((p) => p.attributes['backbone.state'] === 'processed'), 'and points of the processed state');
  assert.ok(expected.size < all.size);
  assert.deepEqual([...kept].sort(), [...expected].sort());
  assert.ok(installation.prometheus.every((s) => !s.name.startsWith('backbone_message_dwell_time')), 'prometheus, in the same pipeline, has no dwell-time series');
  assert.ok(installation.prometheus.every((s) => s.labels.backbone_state !== 'processed'));
});

test('logs: moves into processed and records below WARN are dropped, nothing else', () => {
  const all = installation.all!.logs;
  const expected = all.filter((r) => r.attributes['backbone.to_state'] !== 'processed' && r.severityNumber >= 13).map(logKey).sort();
  assert.ok(all.some((r) => r.attributes['backbone.to_state'] === 'processed'), 'there were moves into processed');
  assert.ok(expected.length > 0 && expected.length < all.length, `${expected.length} of ${all.length} records kept`);
  assert.deepEqual(installation.otlp.logs.map(logKey).sort(), expected);
  assert.ok(installation.otlp.logs.every((r) => r.severityText === 'WARN' || r.severityText === 'ERROR'));
});

function configError(yaml: string): ConfigError {
  try {
    loadConfigText(yaml, 'agent.yaml', registry, {});
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('the configuration was accepted');
}

const withConditions = (lines: string) => `receivers:
  backbone_folders:
    root: /srv/jira/data/backbone-issue-sync
processors:
  filter:
${lines}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      processors: [filter]
      exporters: [debug]
`;

test('a condition that does not parse is an error at its line and column, saying what was expected', () => {
  const error = configError(withConditions(`    metrics:
      datapoint:
        - 'attributes["backbone.state"] == "processed"'
        - 'attributes["backbone.state"] = "processed"'
        - attributes["backbone.state"] == processed
        - "IsMatch(attributes[\\"backbone.project\\"], \\"(\\")"`));
  const lines = error.message.split('\n').slice(1).map((line) => line.trim());
  assert.deepEqual(lines, [
    // Column 41 is the "=" (the quote is at 11, the condition starts at 12).
    'agent.yaml:9:41: processors.filter.metrics.datapoint[1]: unexpected "=": expected == to compare',
    'agent.yaml:10:43: processors.filter.metrics.datapoint[2]: unknown path processed in the datapoint context: expected one of attributes["…"], resource.attributes["…"], metric.name, metric.description, metric.unit, metric.type',
    'agent.yaml:11:54: processors.filter.metrics.datapoint[3]: invalid regular expression "(": missing closing ): `(`',
  ]);
});

test('OTTL conditions and include/exclude for the same signal are refused, as the Collector does', () => {
  const error = configError(withConditions(`    metrics:
      exclude: [backbone.scan.*]
      metric: ['name == "x"']`));
  assert.match(error.message, /agent\.yaml:7:7: processors\.filter\.metrics: OTTL conditions and include\/exclude cannot be used together/);
  assert.match(configError(withConditions('    error_mode: loud')).message, /error_mode: expected one of ignore \| silent \| propagate, found "loud"/);
});
