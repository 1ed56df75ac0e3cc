// A `promtool test rules` file for the Grafana Cloud (OTLP) rules, on series taken from the
// agent's real output: for each alert, the series of its metric that its filters select (with
// their real labels, named as Mimir stores them), given values that break the condition, and
// the alerts expected from them: one per group of the rule's `by`, with its annotations.
import { stringify } from 'yaml';
import { ALERTS } from '../../../monitoring/alerts.ts';
import { AGENT, type Alert, seconds } from '../../../monitoring/model.ts';
import { prometheusLabel, prometheusName } from '../../../monitoring/naming.ts';
import { ruleOf } from '../../../monitoring/render/prometheus-rules.ts';
import type { ReceivedPoint } from '../../helpers/otlp-receiver.ts';

type Labels = Record<string, string>;

/** Every series the points make in Mimir (histograms left out: no alert is on one). */
export function mimirSeries(points: readonly ReceivedPoint[]): Map<string, { name: string; metric: string; labels: Labels }> {
  const out = new Map<string, { name: string; metric: string; labels: Labels }>();
  for (const point of points) {
    if (point.type !== 'gauge' && point.type !== 'sum') continue;
    const name = prometheusName(point.metric, point.unit, point.type === 'gauge' ? 'gauge' : 'counter');
    const labels: Labels = Object.fromEntries(Object.entries(point.attributes).map(([k, v]) => [prometheusLabel(k), String(v)]));
    labels.job = String(point.resource['service.name']);
    labels.instance = String(point.resource['service.instance.id']);
    out.set(`${name}${JSON.stringify(Object.entries(labels).sort())}`, { name, metric: point.metric, labels });
  }
  return out;
}

const selector = (name: string, labels: Labels) => `${name}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;

function groupLabels(alert: Alert): string[] {
  const c = alert.condition;
  if (c.kind === 'silence') return [];
  return c.by.flatMap((a) => (a === AGENT ? ['job', 'instance'] : [a === '@service' ? 'job' : prometheusLabel(a)]));
}

function testOf(alert: Alert, series: { name: string; metric: string; labels: Labels }[]): Record<string, unknown> {
  const c = alert.condition;
  const rule = ruleOf('mimir', alert) as { annotations: Record<string, string> };
  const forMinutes = Math.ceil(seconds(alert.for) / 60);
  const selected = series.filter((s) => s.metric === c.metric && (c.kind === 'silence' || (c.where ?? []).every((f) =>
    f.values.includes(s.labels[prometheusLabel(f.attribute)] ?? '') === (f.op === 'in'))));
  if (selected.length === 0) throw new Error(`${alert.id}: the agent sent no series of ${c.metric} that its filters select`);
  let input: { series: string; values: string }[];
  let evalMinutes = forMinutes + 2;
  if (c.kind === 'gauge') {
    const value = c.op === '>' ? c.threshold + 1 : c.op === '<' ? c.threshold - 1 : c.threshold;
    // A sum over agents above its threshold: a second agent with the same series.
    const copies = c.aggregation === 'sum' && c.op === '>' ? selected.flatMap((s) => [s, { ...s, labels: { ...s.labels, instance: `${s.labels.instance}-copy` } }]) : selected;
    input = copies.map((s) => ({ series: selector(s.name, s.labels), values: `${c.aggregation === 'sum' && c.op === '>' ? Math.ceil(value / 2) : value}x${forMinutes + 5}` }));
  } else if (c.kind === 'silence') {
    input = selected.map((s) => ({ series: selector(s.name, s.labels), values: '1x2' }));
    evalMinutes = 2 + forMinutes + 2;
  } else {
    input = selected.map((s) => ({ series: selector(s.name, s.labels), values: `0+1x${forMinutes + 30}` }));
  }
  const groups = new Map<string, Labels>();
  for (const s of selected) {
    const group = Object.fromEntries(groupLabels(alert).map((label) => [label, s.labels[label] ?? '']));
    groups.set(JSON.stringify(group), group);
  }
  const render = (text: string, labels: Labels) => text.replace(/\{\{ \$labels\.([a-zA-Z_]+) \}\}/g, (_, l: string) => labels[l] ?? '');
  return {
    name: `${alert.id} on the series the agent sent`,
    interval: '1m',
    input_series: input,
    alert_rule_test: [{
      eval_time: `${evalMinutes}m`,
      alertname: alert.id,
      exp_alerts: [...groups.values()].map((labels) => ({
        exp_labels: { severity: alert.severity, ...labels },
        exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, render(v, labels)])),
      })),
    }],
  };
}

export function promtoolTests(points: readonly ReceivedPoint[], rulesFile: string): string {
  const series = [...mimirSeries(points).values()];
  return stringify({ rule_files: [rulesFile], evaluation_interval: '1m', tests: ALERTS.map((alert) => testOf(alert, series)) }, { lineWidth: 0 });
}
