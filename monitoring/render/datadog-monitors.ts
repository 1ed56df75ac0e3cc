// The definition's alerts as Datadog monitors, one JSON file each in the format of Datadog's
// integration assets (DataDog/integrations-core, <integration>/assets/monitors/*.json:
// version, title, description, tags, and a `definition` that POST /api/v1/monitor takes as it
// is: name, type "query alert", query, message, tags, options with thresholds, priority).
// The message carries the runbook. Silence: a monitor on backbone.root.present, which the
// agent sends at every folder scan, with notify_no_data.
import { ALERTS } from '../alerts.ts';
import type { Alert, GaugeCondition } from '../model.ts';
import { seconds } from '../model.ts';
import { messageTemplate, metricQuery } from './datadog-query.ts';
import { runbookMarkdown } from './runbook-text.ts';

/** When these monitors were written (integration assets carry it); kept fixed so that regeneration changes nothing. */
const CREATED = '2026-12-07';
export const DATADOG_TAG = 'integration:backbone-otel-agent';

const minutes = (duration: string) => `last_${Math.max(1, Math.round(seconds(duration) / 60))}m`;

/** Datadog compares with >, >=, <, <=: `== 1` on a 0/1 gauge is `>= 1` over the whole window, `== 0` is `<= 0`. */
function gaugeQuery(c: GaugeCondition, window: string): { query: string; threshold: number } {
  const space = metricQuery(c.aggregation, c.metric, c.where, c.by);
  if (c.op === '>') return { query: `min(${window}):${space} > ${c.threshold}`, threshold: c.threshold };
  if (c.op === '<') return { query: `max(${window}):${space} < ${c.threshold}`, threshold: c.threshold };
  return c.threshold === 0
    ? { query: `max(${window}):${space} <= 0`, threshold: 0 }
    : { query: `min(${window}):${space} >= ${c.threshold}`, threshold: c.threshold };
}

export function monitorQuery(alert: Alert): { query: string; threshold: number; noData?: number } {
  const c = alert.condition;
  const window = minutes(alert.for === '0s' ? '1m' : alert.for);
  switch (c.kind) {
    case 'gauge':
      return gaugeQuery(c, window);
    case 'increase': {
      const span = Math.max(seconds(c.window), seconds(alert.for));
      return { query: `sum(${minutes(`${span}s`)}):${metricQuery('sum', c.metric, c.where, c.by)}.as_count() > ${c.threshold}`, threshold: c.threshold };
    }
    case 'growing':
      // A change alert: the backlog is larger than `window` ago, over the whole of `for`.
      return { query: `change(min(${window}),${minutes(c.window)}):${metricQuery('max', c.metric, c.where, c.by)} > 0`, threshold: 0 };
    case 'silence':
      // Never above the threshold: the monitor is there for its no-data alert.
      return { query: `max(last_5m):${metricQuery('max', c.metric)} < 0`, threshold: 0, noData: Math.round(seconds(alert.for) / 60) };
  }
}

export function monitorOf(alert: Alert): Record<string, unknown> {
  const { query, threshold, noData } = monitorQuery(alert);
  const message = [
    `{{#is_alert}}${messageTemplate(alert.summary)}{{/is_alert}}`,
    ...(noData ? [`{{#is_no_data}}${alert.summary}: nothing has arrived for ${noData} minutes.{{/is_no_data}}`] : []),
    `{{#is_recovery}}Recovered: ${messageTemplate(alert.summary)}{{/is_recovery}}`,
    '',
    runbookMarkdown(alert),
    '',
    `Runbook: docs/monitoring.md#${alert.id.toLowerCase()} of backbone-otel-agent.`,
  ].join('\n');
  return {
    version: 2,
    created_at: CREATED,
    last_updated_at: CREATED,
    title: alert.name,
    description: alert.runbook.meaning,
    tags: [DATADOG_TAG],
    definition: {
      name: `[Backbone] ${alert.name}`,
      type: 'query alert',
      query,
      message,
      tags: [DATADOG_TAG, `severity:${alert.severity}`, `alert:${alert.id.toLowerCase()}`],
      options: {
        thresholds: { critical: threshold },
        notify_no_data: noData !== undefined,
        no_data_timeframe: noData ?? null,
        require_full_window: false,
        include_tags: true,
        notify_audit: false,
        renotify_interval: 0,
        new_group_delay: 60,
      },
      priority: alert.severity === 'critical' ? 1 : 3,
    },
  };
}

/** File name (under deploy/datadog/monitors/) to its JSON. */
export function renderDatadogMonitors(): Map<string, string> {
  return new Map(ALERTS.map((alert) => [`${alert.id.replace(/^Backbone/, '').replace(/[A-Z]/g, (c, i: number) => `${i > 0 ? '_' : ''}${c.toLowerCase()}`)}.json`,
    `${JSON.stringify(monitorOf(alert), null, 2)}\n`]));
}
