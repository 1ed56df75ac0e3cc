// Every file generated from the definition, by path relative to the repository:
// scripts/generate-monitoring.ts writes them, test/monitoring/generated.test.ts fails when one
// on disk differs (or one is left over in a generated folder).
import { readFileSync } from 'node:fs';
import { renderDatadogDashboard } from './render/datadog-dashboard.ts';
import { renderDatadogMonitors } from './render/datadog-monitors.ts';
import { renderGrafanaDashboard } from './render/grafana-dashboard.ts';
import { renderMonitoringDocs } from './render/monitoring-docs.ts';
import { NEWRELIC_CONFIG, renderNewRelicDashboard } from './render/newrelic-dashboard.ts';
import { renderNewRelicConditions } from './render/newrelic-alerts.ts';
import { renderPrometheusRules } from './render/prometheus-rules.ts';
import { refreshExpectedAnnotations } from './render/prometheus-test-annotations.ts';

const REPO = new URL('..', import.meta.url);

/** Folders that hold generated files only: a file there that is not generated is stale. */
export const GENERATED_FOLDERS = ['deploy/datadog/monitors', 'deploy/newrelic/alert-policies', 'deploy/newrelic/dashboards'];

export function monitoringOutputs(): Map<string, string> {
  const rules = renderPrometheusRules('prometheus');
  const tests = readFileSync(new URL('deploy/prometheus/alerts.test.yaml', REPO), 'utf8');
  const out = new Map<string, string>([
    ['deploy/prometheus/alerts.yaml', rules],
    ['deploy/prometheus/alerts.test.yaml', refreshExpectedAnnotations(rules, tests)],
    ['deploy/grafana/backbone-dashboard.json', renderGrafanaDashboard('prometheus')],
    ['deploy/grafana/otlp/alerts.yaml', renderPrometheusRules('mimir')],
    ['deploy/grafana/otlp/backbone-dashboard.json', renderGrafanaDashboard('mimir')],
    ['deploy/datadog/dashboard.json', renderDatadogDashboard()],
    ['deploy/newrelic/config.yml', NEWRELIC_CONFIG],
    ['deploy/newrelic/dashboards/backbone-issue-sync.json', renderNewRelicDashboard()],
    ['docs/monitoring.md', renderMonitoringDocs()],
  ]);
  for (const [file, text] of renderDatadogMonitors()) out.set(`deploy/datadog/monitors/${file}`, text);
  for (const [file, text] of renderNewRelicConditions()) out.set(`deploy/newrelic/alert-policies/${file}`, text);
  return out;
}
