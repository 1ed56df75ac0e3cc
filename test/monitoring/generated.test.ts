// The generated monitoring files (monitoring/outputs.ts): none stale (run `npm run monitoring`
// after changing monitoring/), each in its vendor's documented format (JSON Schemas in
// schemas/, written from the formats cited in each; checked with ajv), the OTLP rules
// accepted by `promtool check rules`, and every alert of the definition in every backend with
// its runbook, silence included.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { ALERTS } from '../../monitoring/alerts.ts';
import { GENERATED_FOLDERS, monitoringOutputs } from '../../monitoring/outputs.ts';
import { REPO } from '../deploy/support/agent-child.ts';
import { runTool } from '../deploy/support/tools.ts';

const outputs = monitoringOutputs();
const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');
const schema = (name: string) => JSON.parse(readFileSync(new URL(`schemas/${name}.schema.json`, import.meta.url), 'utf8')) as object;

test('no generated file is stale: npm run monitoring writes what is committed', () => {
  const stale = [...outputs].filter(([file, text]) => !existsSync(path.join(REPO, file)) || read(file) !== text).map(([file]) => file);
  assert.deepEqual(stale, [], 'run `npm run monitoring` and commit the result');
  const leftOver = GENERATED_FOLDERS.flatMap((folder) => readdirSync(path.join(REPO, folder)).map((name) => `${folder}/${name}`)).filter((file) => !outputs.has(file));
  assert.deepEqual(leftOver, [], 'files no longer generated');
});

test('each file is in its vendor\'s documented format', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const checks: [string, string, unknown][] = [
    ...[...outputs.keys()].filter((f) => f.startsWith('deploy/datadog/monitors/')).map((f): [string, string, unknown] => [f, 'datadog-monitor', JSON.parse(outputs.get(f)!)]),
    ['deploy/datadog/dashboard.json', 'datadog-dashboard', JSON.parse(outputs.get('deploy/datadog/dashboard.json')!)],
    ['deploy/newrelic/config.yml', 'newrelic-config', parse(outputs.get('deploy/newrelic/config.yml')!)],
    ['deploy/newrelic/dashboards/backbone-issue-sync.json', 'newrelic-dashboard', JSON.parse(outputs.get('deploy/newrelic/dashboards/backbone-issue-sync.json')!)],
    ...[...outputs.keys()].filter((f) => f.startsWith('deploy/newrelic/alert-policies/')).map((f): [string, string, unknown] => [f, 'newrelic-condition', parse(outputs.get(f)!)]),
  ];
  const problems = checks.flatMap(([file, name, data]) => {
    const validate = ajv.compile(schema(name));
    return validate(data) ? [] : [`${file}: ${ajv.errorsText(validate.errors)}`];
  });
  assert.deepEqual(problems, []);
});

test('promtool check rules accepts the Grafana Cloud (OTLP) rules', () => {
  const result = runTool('promtool', ['check', 'rules', 'alerts.yaml'], { cwd: path.join(REPO, 'deploy', 'grafana', 'otlp') });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, new RegExp(`SUCCESS: ${ALERTS.length} rules found`));
});

test('every alert is a Datadog monitor, a New Relic condition, a Grafana Cloud rule and a Prometheus rule, each with its runbook; silence alerts everywhere', () => {
  const monitors = [...outputs].filter(([f]) => f.startsWith('deploy/datadog/monitors/')).map(([, t]) => JSON.parse(t) as { definition: { name: string; message: string; query: string; options: { notify_no_data: boolean; no_data_timeframe: number | null } } });
  const conditions = [...outputs].filter(([f]) => f.startsWith('deploy/newrelic/alert-policies/')).map(([, t]) => parse(t) as { name: string; description: string; expiration: { openViolationOnExpiration: boolean; expirationDuration: number | null } });
  const rules = (file: string) => (parse(outputs.get(file)!) as { groups: { rules: { alert: string; expr: string; annotations: { runbook: string } }[] }[] }).groups.flatMap((g) => g.rules);
  const otlpRules = rules('deploy/grafana/otlp/alerts.yaml');
  const promRules = rules('deploy/prometheus/alerts.yaml');
  for (const alert of ALERTS) {
    const firstCause = alert.runbook.causes[0]!;
    const monitor = monitors.find((m) => m.definition.name === `[Backbone] ${alert.name}`);
    assert.ok(monitor?.definition.message.includes(firstCause), `${alert.id}: a Datadog monitor with its runbook`);
    const condition = conditions.find((c) => c.name === `Backbone: ${alert.name}`);
    assert.ok(condition?.description.includes(firstCause), `${alert.id}: a New Relic condition with its runbook`);
    for (const [backend, list] of [['Grafana Cloud', otlpRules], ['Prometheus', promRules]] as const) {
      assert.ok(list.find((r) => r.alert === alert.id)?.annotations.runbook.includes(firstCause), `${alert.id}: a ${backend} rule with its runbook`);
    }
    assert.ok(read('docs/monitoring.md').includes(`### ${alert.id}`), `${alert.id}: in docs/monitoring.md`);
  }
  assert.ok(monitors.some((m) => m.definition.options.notify_no_data && (m.definition.options.no_data_timeframe ?? 0) > 0), 'Datadog: a monitor alerts on no data');
  assert.ok(conditions.some((c) => c.expiration.openViolationOnExpiration && (c.expiration.expirationDuration ?? 0) > 0), 'New Relic: a condition opens on loss of signal');
  assert.ok(otlpRules.some((r) => r.expr.startsWith('absent_over_time(')), 'Grafana Cloud: absent_over_time');
  assert.ok(!otlpRules.some((r) => /\bup\{/.test(r.expr)), 'Grafana Cloud over OTLP has no up series');
  assert.ok(promRules.some((r) => r.expr.startsWith('up{job="backbone-otel-agent"} == 0')), 'Prometheus: the scrape fails');
});
