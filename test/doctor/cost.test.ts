// The doctor's cost estimate: series now, from the folders, states and integrations it finds,
// equal to what the agent really reports on the same site; log records a day from the message
// files moved in the last 24 hours; as text and in --json.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inventoryOf } from '../../src/doctor/checks/cost.ts';
import { inspectRoot } from '../../src/doctor/checks/root.ts';
import { targetFromConfig } from '../../src/doctor/target.ts';
import { registry } from '../../src/components.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { startAgent } from '../helpers/run-agent.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { check, healthyConfig, type JsonReport, PASSWORD, runDoctor, site, startJira, USER, writeConfig } from './fixture.ts';

interface Estimate {
  metrics: { metric: string; series: number; prometheus: number }[];
  series: number;
  prometheusSeries: number;
  logRecordsPerDay: number;
}

test('series now: the folder and REST series the agent reports on the same site; log records from the files moved today', async () => {
  const s = site({ integrations: 2, projectsPerIntegration: 2 });
  const jira = await startJira(s.tree);
  const otlp = await new OtlpReceiver().start();
  const env = { JIRA_USER: USER, JIRA_PASSWORD: PASSWORD };
  try {
    const yaml = healthyConfig(s, jira.url, otlp.url);
    const file = writeConfig(s, 'agent.yaml', yaml);
    const json = await runDoctor({ config: file, json: true }, env);
    const report = JSON.parse(json.out) as JsonReport;
    const cost = check(report, 'cost.estimate');
    assert.ok(report.sections.find((section) => section.id === 'exporters')!.checks.includes(cost), 'shown with the exporters: what they will get');
    const estimate = (cost.details as { estimate: Estimate }).estimate;
    const text = await runDoctor({ config: file }, env);
    assert.match(text.out.replace(/\s+/g, ' '),
      new RegExp(`OK they will get about ${estimate.series.toLocaleString('en-US')} series \\(${estimate.prometheusSeries.toLocaleString('en-US')} in Prometheus terms\\)`));

    // The agent itself, on the same site and configuration.
    const agent = await startAgent(yaml, env);
    try {
      await waitFor(async () => {
        await agent.service.flush();
        return otlp.points.some((p) => p.metric === 'backbone.folder.messages') && otlp.points.some((p) => p.metric === 'backbone.integration.status');
      }, 'folder and REST metrics');
      const series = (prefix: RegExp) => new Set(otlp.points.filter((p) => prefix.test(p.metric)).map((p) => `${p.metric} ${JSON.stringify(p.attributes)}`)).size;
      const estimated = (name: RegExp) => estimate.metrics.filter((m) => name.test(m.metric)).reduce((sum, m) => sum + m.series, 0);
      assert.equal(estimated(/^backbone\.folder\./), series(/^backbone\.folder\./), 'folder series');
      assert.equal(estimated(/^backbone\.(integration|connector)\./), series(/^backbone\.(integration|connector)\./), 'status series');
      assert.equal(estimated(/^backbone\.(scan\.duration|root\.present)/), series(/^backbone\.(scan\.duration|root\.present)$/));
    } finally {
      await agent.stop();
    }

    // Every message file of the generated tree was written just now (its ctime): moved today.
    const files = (state: string) => s.tree.expected.filter((f) => f.state === state).reduce((sum, f) => sum + f.messages, 0);
    const all = s.tree.expected.reduce((sum, f) => sum + f.messages, 0);
    assert.equal(estimate.logRecordsPerDay, 2 * files('processed') + (all - files('processed')));
  } finally {
    await Promise.all([jira.stop(), otlp.stop()]);
  }
});

test('files last changed more than 24 hours ago are no moves of today', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 2 });
  const config = loadConfigText(`receivers:
  backbone_events:
    root: ${s.root}
exporters:
  debug: {}
service:
  pipelines:
    logs:
      receivers: [backbone_events]
      exporters: [debug]
`, 'agent.yaml', registry, {});
  const target = targetFromConfig(config, 'config', 'agent.yaml');
  const inspections = await Promise.all(target.roots.map(inspectRoot));
  const today = await inventoryOf(inspections, target, Date.now());
  const later = await inventoryOf(inspections, target, Date.now() + 2 * 86_400_000);
  assert.ok(today.inventory.recentProcessed + today.inventory.recentOther > 0);
  assert.equal(later.inventory.recentProcessed + later.inventory.recentOther, 0);
  assert.equal(later.inventory.recentStates, 0);
  assert.equal(today.inventory.projects, 2);
  assert.equal(today.inventory.folders, false, 'no backbone_folders receiver: no folder series');
});
