// The generated assets against what the agent really sends (issue 22): the agent runs on the
// simulated Backbone with each preset (support/preset-run.ts), its output is named as each
// backend documents it (support/vocabulary.ts), and every query of every generated file of
// that backend may only name metrics, tags, attributes and attribute values found there.
// For Grafana Cloud, `promtool test rules` also runs the OTLP rules on series taken from
// that output, expecting each alert to fire for each group.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ALERTS } from '../../monitoring/alerts.ts';
import { DASHBOARD } from '../../monitoring/dashboard.ts';
import { REPO } from '../deploy/support/agent-child.ts';
import { dashboardQueries, ruleQueries } from '../deploy/support/promql.ts';
import { runTool } from '../deploy/support/tools.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { datadogLogReferences, datadogMetricReferences } from './support/datadog-references.ts';
import { nrqlReferences } from './support/nrql-references.ts';
import { runPreset } from './support/preset-run.ts';
import { promqlReferences } from './support/promql-references.ts';
import { promtoolTests } from './support/promtool-tests.ts';
import { missing, type Reference } from './support/reference.ts';
import { datadogVocabulary, mimirVocabulary, newRelicVocabulary } from './support/vocabulary.ts';

const file = (...parts: string[]) => path.join(REPO, 'deploy', ...parts);
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;

/** Every metric the definition uses: the agent must have sent each before the check. */
const WANTED = [...new Set([
  ...ALERTS.map((alert) => alert.condition.metric),
  ...DASHBOARD.rows.flatMap((row) => row.panels.flatMap((panel) => panel.queries.filter((q) => q.kind !== 'log').map((q) => q.metric))),
])];

function check(references: Reference[], problems: string[]): void {
  assert.ok(references.length > 20, `the assets have queries (${references.length})`);
  assert.deepEqual(problems, []);
}

test('Datadog: every monitor and dashboard query names what the datadog preset sends, as Datadog shows it', async () => {
  const output = await runPreset('datadog', WANTED);
  const vocabulary = datadogVocabulary(output.points, output.logs);
  const references: Reference[] = [];
  for (const name of readdirSync(file('datadog', 'monitors'))) {
    const monitor = json(file('datadog', 'monitors', name)) as { definition: { query: string } };
    references.push(...datadogMetricReferences(`monitor ${name}`, monitor.definition.query));
  }
  const dashboard = json(file('datadog', 'dashboard.json')) as {
    template_variables: { name: string; prefix: string }[];
    widgets: { definition: { widgets: { definition: { title: string; requests: { queries: Record<string, unknown>[] }[] } }[] } }[];
  };
  const variables = new Map(dashboard.template_variables.map((v) => [v.name, v.prefix]));
  for (const group of dashboard.widgets) {
    for (const widget of group.definition.widgets) {
      for (const query of widget.definition.requests.flatMap((r) => r.queries)) {
        const where = `dashboard widget '${widget.definition.title}'`;
        if (query.data_source === 'logs') {
          references.push(...datadogLogReferences(where, (query.search as { query: string }).query, (query.group_by as { facet: string }[]).map((g) => g.facet)));
        } else {
          references.push(...datadogMetricReferences(where, String(query.query), variables));
        }
      }
    }
  }
  check(references, references.flatMap((r) => missing(vocabulary, r)));
});

test('New Relic: every condition and dashboard query names what the newrelic preset sends, as New Relic stores it', async () => {
  const output = await runPreset('newrelic', WANTED);
  const vocabulary = newRelicVocabulary(output.points, output.logs);
  const references: Reference[] = [];
  for (const name of readdirSync(file('newrelic', 'alert-policies'))) {
    const condition = parse(readFileSync(file('newrelic', 'alert-policies', name), 'utf8')) as { nrql: { query: string } };
    references.push(...nrqlReferences(`condition ${name}`, condition.nrql.query));
  }
  const dashboard = json(file('newrelic', 'dashboards', 'backbone-issue-sync.json')) as {
    pages: { widgets: { title: string; rawConfiguration: { nrqlQueries: { query: string }[] } }[] }[];
    variables: { name: string; nrqlQuery: { query: string } }[];
  };
  for (const widget of dashboard.pages.flatMap((p) => p.widgets)) {
    for (const q of widget.rawConfiguration.nrqlQueries) references.push(...nrqlReferences(`widget '${widget.title}'`, q.query));
  }
  for (const variable of dashboard.variables) references.push(...nrqlReferences(`variable ${variable.name}`, variable.nrqlQuery.query));
  check(references, references.flatMap((r) => missing(vocabulary, r)));
});

test('Grafana Cloud: every OTLP rule and dashboard query names what the grafana_cloud preset sends, as Mimir stores it; promtool test rules on that output', async () => {
  const output = await runPreset('grafana_cloud', WANTED);
  const vocabulary = mimirVocabulary(output.points);
  const rules = file('grafana', 'otlp', 'alerts.yaml');
  const queries = [...ruleQueries(rules), ...dashboardQueries(file('grafana', 'otlp', 'backbone-dashboard.json'))];
  const references = queries.flatMap(({ where, expr }) => promqlReferences(where, expr));
  check(references, references.flatMap((r) => missing(vocabulary, r)));

  const dir = tempDir('backbone-promtool-');
  writeFileSync(path.join(dir, 'alerts.yaml'), readFileSync(rules));
  writeFileSync(path.join(dir, 'alerts.test.yaml'), promtoolTests(output.points, 'alerts.yaml'));
  const result = runTool('promtool', ['test', 'rules', 'alerts.test.yaml'], { cwd: dir });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
