// Readable text for what the debug exporter prints.
import type { Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ATTR } from '../../telemetry/attributes.ts';

export function formatAttributes(attributes: Attributes): string {
  const parts = Object.entries(attributes).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return parts.length === 0 ? '' : `{${parts.join(', ')}}`;
}

function allMetrics(resourceMetrics: ResourceMetrics): MetricData[] {
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}

function pointValue(value: unknown): string {
  if (typeof value === 'number') return String(Math.round(value * 1000) / 1000);
  const histogram = value as { count: number; sum?: number };
  return `count=${histogram.count} sum=${Math.round((histogram.sum ?? 0) * 1000) / 1000}`;
}

/** Every data point, one per line. */
export function formatMetricsDetailed(resourceMetrics: ResourceMetrics): string {
  const lines: string[] = [];
  for (const metric of allMetrics(resourceMetrics)) {
    const unit = metric.descriptor.unit ? ` [${metric.descriptor.unit}]` : '';
    lines.push(`${metric.descriptor.name}${unit} ${DataPointType[metric.dataPointType]}`);
    for (const point of metric.dataPoints) {
      lines.push(`  ${formatAttributes(point.attributes)} ${pointValue(point.value)}`);
    }
  }
  return lines.join('\n');
}

/** One summary line, then a table of the Backbone folders when the export has them. */
export function formatMetricsBasic(resourceMetrics: ResourceMetrics, time: Date): string {
  const metrics = allMetrics(resourceMetrics);
  const points = metrics.reduce((sum, metric) => sum + metric.dataPoints.length, 0);
  const lines = [`${time.toISOString()} metrics: ${metrics.length} metrics, ${points} data points`];
  lines.push(...integrationLines(metrics));
  if (metrics.find((m) => m.descriptor.name === 'backbone.root.present')?.dataPoints[0]?.value === 0) lines.push('  Backbone root MISSING (backbone.root.present 0): the folder counts below are the last ones seen');
  lines.push(...folderTable(metrics));
  return lines.join('\n');
}

/** From the REST poller: one line per integration with its status and its connectors. */
function integrationLines(metrics: MetricData[]): string[] {
  const points = (name: string) => metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
  const status = new Map<string, string>();
  for (const point of points('backbone.integration.status')) {
    if (point.value === 1) status.set(String(point.attributes[ATTR.integration]), String(point.attributes[ATTR.status]));
  }
  const connectors = new Map<string, string[]>();
  const inError = new Map<string, number>();
  for (const point of points('backbone.connector.issues_in_error')) {
    inError.set(`${String(point.attributes[ATTR.integration])}/${String(point.attributes[ATTR.connector])}`, point.value as number);
  }
  for (const point of points('backbone.connector.online')) {
    const integration = String(point.attributes[ATTR.integration]);
    const connector = String(point.attributes[ATTR.connector]);
    const errors = inError.get(`${integration}/${connector}`);
    const text = `${connector} ${point.value === 1 ? 'online' : 'OFFLINE'}${errors === undefined ? '' : `, ${errors} in error`}`;
    connectors.set(integration, [...(connectors.get(integration) ?? []), text]);
  }
  const up = points('backbone.api.up')[0]?.value;
  const lines = up === 0 ? ['  REST API: DOWN (see the backbone.api.error record)'] : [];
  for (const integration of [...new Set([...status.keys(), ...connectors.keys()])].sort()) {
    lines.push(`  ${integration}  ${status.get(integration) ?? '?'}  ${(connectors.get(integration) ?? []).join('; ')}`);
  }
  return lines;
}

const STATE_COLUMNS = ['receive', 'processed', 'error', 'missing', 'waiting', 'offline', 'invalid', 'outdated', 'send', 'sendfailed', 'unknown'];

/** Printed under the table: what its cells mean. */
export const TABLE_LEGEND = '  (message files per state; 6/1i: 6 files in 1 issue folder (error, missing); -: no such folder)';

/** Messages per integration/project (rows) and state (columns); "3/2i" is 3 messages in 2 issue folders. */
function folderTable(metrics: MetricData[]): string[] {
  const messages = metrics.find((m) => m.descriptor.name === 'backbone.folder.messages');
  if (!messages) return [];
  const issues = metrics.find((m) => m.descriptor.name === 'backbone.folder.issues');
  const issueCount = new Map<string, number>();
  const rowKey = (a: Attributes) => `${String(a[ATTR.integration])}\u0000${String(a[ATTR.project])}`;
  for (const point of issues?.dataPoints ?? []) issueCount.set(`${rowKey(point.attributes)}|${String(point.attributes[ATTR.state])}`, point.value as number);
  const rows = new Map<string, Map<string, string>>();
  for (const point of messages.dataPoints) {
    const row = rowKey(point.attributes);
    const state = String(point.attributes[ATTR.state]);
    const inIssues = issueCount.get(`${row}|${state}`) ?? 0;
    const cells = rows.get(row) ?? new Map<string, string>();
    cells.set(state, `${point.value as number}${inIssues > 0 ? `/${inIssues}i` : ''}`);
    rows.set(row, cells);
  }
  const header = ['integration', 'project', ...STATE_COLUMNS];
  const table = [header, ...[...rows.keys()].sort().map((row) => [...row.split('\u0000'), ...STATE_COLUMNS.map((state) => rows.get(row)!.get(state) ?? '-')])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return [
    ...table.map((row) => '  ' + row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()),
    TABLE_LEGEND,
  ];
}

export function formatLogRecord(record: ReadableLogRecord, detailed: boolean): string {
  const [seconds, nanos] = record.hrTime;
  const time = new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
  const severity = (record.severityText ?? '').padEnd(5);
  const name = record.eventName ?? String(record.attributes[ATTR.eventName] ?? '');
  const line = `${time} ${severity} ${name}: ${String(record.body)}`;
  if (!detailed) return line;
  return `${line}\n  ${formatAttributes(record.attributes)}`;
}
