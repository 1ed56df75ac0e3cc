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

function pointValue(metric: MetricData, value: unknown): string {
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
      lines.push(`  ${formatAttributes(point.attributes)} ${pointValue(metric, point.value)}`);
    }
  }
  return lines.join('\n');
}

/** One summary line, then a table of the Backbone folders when the export has them. */
export function formatMetricsBasic(resourceMetrics: ResourceMetrics, time: Date): string {
  const metrics = allMetrics(resourceMetrics);
  const points = metrics.reduce((sum, metric) => sum + metric.dataPoints.length, 0);
  const lines = [`${time.toISOString()} metrics: ${metrics.length} metrics, ${points} data points`];
  lines.push(...folderTable(metrics));
  return lines.join('\n');
}

function folderTable(metrics: MetricData[]): string[] {
  const columns = {
    messages: 'backbone.folder.messages',
    size: 'backbone.folder.size',
    oldest: 'backbone.folder.oldest_message.age',
    issues: 'backbone.folder.issues',
  } as const;
  const rows = new Map<string, Record<string, string>>();
  for (const metric of metrics) {
    const column = Object.entries(columns).find(([, name]) => name === metric.descriptor.name)?.[0];
    if (!column) continue;
    for (const point of metric.dataPoints) {
      const a = point.attributes;
      const key = `${String(a[ATTR.integration])}\u0000${String(a[ATTR.project])}\u0000${String(a[ATTR.state])}`;
      const row = rows.get(key) ?? { integration: String(a[ATTR.integration]), project: String(a[ATTR.project]), state: String(a[ATTR.state]) };
      const value = point.value as number;
      row[column] = column === 'size' ? formatBytes(value) : column === 'oldest' ? formatSeconds(value) : String(value);
      rows.set(key, row);
    }
  }
  if (rows.size === 0) return [];
  const header = ['integration', 'project', 'state', 'messages', 'issues', 'size', 'oldest'];
  const table = [header, ...[...rows.keys()].sort().map((key) => header.map((h) => rows.get(key)![h] ?? '-'))];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => '  ' + row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
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
