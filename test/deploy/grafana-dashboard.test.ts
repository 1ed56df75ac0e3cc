// The Grafana dashboards' structure (for Prometheus scraping the agent, and for Grafana Cloud
// over OTLP; both generated from monitoring/dashboard.ts): what the issues ask them to show
// (the agents' health with which agent leads, issue 8), variables for the data source, the
// synchronization and the project, every query on the chosen Prometheus data source, a layout
// Grafana can place. The scraped one's PromQL is checked by the real Prometheus in
// prometheus-e2e.test.ts; the OTLP one's names against the agent's real output in
// test/monitoring/real-output.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test as it } from 'node:test';
import { REPO } from './support/agent-child.ts';
import { dashboardQueries, selection } from './support/promql.ts';

const FILES = { scraped: path.join(REPO, 'deploy', 'grafana', 'backbone-dashboard.json'), otlp: path.join(REPO, 'deploy', 'grafana', 'otlp', 'backbone-dashboard.json') };

interface Panel {
  id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string }; targets?: { refId: string; expr: string; datasource?: { uid: string } }[]; panels?: Panel[];
}
interface GrafanaDashboard {
  uid: string; title: string; schemaVersion: number; panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; includeAll?: boolean; multi?: boolean }[] };
}

for (const [variant, FILE] of Object.entries(FILES)) {
const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as GrafanaDashboard;
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const test = (name: string, fn: () => void) => it(`${variant}: ${name}`, fn);

test('it shows what the issue asks for', () => {
  const titles = panels.map((p) => p.title.toLowerCase());
  for (const wanted of ['synchronization status', 'connectors online', 'issues in error', 'messages per state',
    'oldest message age per state', 'transitions per minute by destination', 'dwell time quantiles', 'agent', 'leader', 'backbone root present']) {
    assert.ok(titles.some((title) => title.includes(wanted)), `a panel on ${wanted}`);
  }
});

test('variables: a Prometheus data source, the synchronization and the project (several, or all)', () => {
  const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
  assert.equal(variables.get('datasource')?.type, 'datasource');
  assert.equal(variables.get('datasource')?.query, 'prometheus');
  for (const name of ['integration', 'project']) {
    const variable = variables.get(name);
    assert.equal(variable?.type, 'query', name);
    assert.ok(variable.includeAll && variable.multi, `${name}: several or all`);
  }
  // The folder and connector panels filter on them.
  const filtered = dashboardQueries(FILE).filter((q) => q.expr.includes('$integration'));
  assert.ok(filtered.length >= 10, 'the Backbone panels follow the variables');
});

test('every query runs on the chosen data source and parses as PromQL', () => {
  for (const panel of panels.filter((p) => p.type !== 'row')) {
    assert.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: the panel's data source`);
    const refIds = new Set<string>();
    for (const target of panel.targets ?? []) {
      assert.equal(target.datasource?.uid ?? '${datasource}', '${datasource}', `${panel.title} ${target.refId}`);
      assert.ok(!refIds.has(target.refId), `${panel.title}: refId ${target.refId} once`);
      refIds.add(target.refId);
      assert.deepEqual(selection(target.expr).errors, [], `${panel.title} ${target.refId}`);
    }
  }
});

test('a layout Grafana can place: unique ids, within 24 columns, no overlaps', () => {
  const ids = panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  const cells = new Map<string, string>();
  for (const panel of dashboard.panels) {
    const { x, y, w, h } = panel.gridPos;
    assert.ok(x >= 0 && w > 0 && x + w <= 24, `${panel.title}: within the grid`);
    for (let i = x; i < x + w; i++) {
      for (let j = y; j < y + h; j++) {
        const other = cells.get(`${i},${j}`);
        assert.equal(other, undefined, `${panel.title} overlaps ${other}`);
        cells.set(`${i},${j}`, panel.title);
      }
    }
  }
  assert.equal(dashboard.uid, variant === 'scraped' ? 'backbone-issue-sync' : 'backbone-issue-sync-otlp');
});
}
