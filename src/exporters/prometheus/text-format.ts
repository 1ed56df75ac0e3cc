// The Prometheus text format (0.0.4) of a ResourceMetrics, written line by line into chunks of
// 64 KiB that go to the response as they fill. The text is byte for byte what the SDK's
// PrometheusSerializer (@opentelemetry/exporter-prometheus) writes, which
// test/exporters/prometheus-text.test.ts checks against it; what differs is how it is made.
// The SDK builds the page as one string out of hundreds of thousands of small ones, and they
// live until the end: at 800 projects (1.4 MB of text) each scrape took 40 MB of heap, and the
// process kept that memory after V8 had freed it (RSS 166 MB after 5 scrapes, 278 MB after 30).
// Here each line's strings die as soon as its bytes are in the chunk (RSS flat across scrapes;
// docs/performance.md, "memory").
import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type Histogram, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { InstrumentationScope } from '@opentelemetry/core';

const CHUNK_BYTES = 64 * 1024;

/** Collects bytes into chunks and hands each one on when it is full. */
export class ChunkWriter {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private readonly send: (chunk: Buffer) => void;

  constructor(send: (chunk: Buffer) => void) {
    this.send = send;
  }

  write(text: string): void {
    // At most 3 bytes per UTF-16 unit: a text that may not fit goes into the next chunk.
    if (this.used + text.length * 3 > CHUNK_BYTES) {
      this.flush();
      if (text.length * 3 > CHUNK_BYTES) {
        this.send(Buffer.from(text));
        return;
      }
    }
    this.used += this.chunk.write(text, this.used);
  }

  /** Hands on what is written and not sent yet. */
  flush(): void {
    if (this.used === 0) return;
    this.send(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }
}

const escapeText = (text: string): string => (/[\\\n]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : text);
const escapeLabelValue = (value: unknown): string => {
  const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[\\\n"]/.test(text) ? escapeText(text).replace(/"/g, '\\"') : text;
};
const sanitizeName = (name: string): string => name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');

/** Label names are few and repeat on every line: sanitized once. */
const labelNames = new Map<string, string>();
function labelName(key: string): string {
  let name = labelNames.get(key);
  if (name === undefined) {
    name = sanitizeName(key);
    if (labelNames.size < 10_000) labelNames.set(key, name);
  }
  return name;
}

function valueText(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return `${value}`;
}

/** One series line: name{labels} value. */
function seriesLine(name: string, attributes: Attributes, value: number, extra: Attributes | undefined): string {
  let labels = '';
  for (const key in attributes) labels += `${labels.length > 0 ? ',' : ''}${labelName(key)}="${escapeLabelValue(attributes[key])}"`;
  if (extra) for (const key in extra) labels += `${labels.length > 0 ? ',' : ''}${labelName(key)}="${escapeLabelValue(extra[key])}"`;
  return `${labels.length > 0 ? `${name}{${labels}}` : name} ${valueText(value)}\n`;
}

/** The name a metric is served under (the SDK's _getPrometheusMetricName); undefined for a name that cannot be one. */
function familyName(metric: MetricData): string | undefined {
  let name = sanitizeName(escapeText(metric.descriptor.name));
  if (name === '' || name === '_') return undefined;
  if (name[0]! >= '0' && name[0]! <= '9') name = `_${name}`;
  if (!name.endsWith('_total') && metric.dataPointType === DataPointType.SUM && metric.isMonotonic) name += '_total';
  return name;
}

function typeOf(metric: MetricData): string {
  switch (metric.dataPointType) {
    case DataPointType.SUM: return metric.isMonotonic ? 'counter' : 'gauge';
    case DataPointType.GAUGE: return 'gauge';
    case DataPointType.HISTOGRAM: return 'histogram';
    default: return 'untyped';
  }
}

interface Family {
  help: string;
  unit: string;
  type: string;
  metrics: { metric: MetricData; scope: InstrumentationScope }[];
  /** Two metrics of one name with different types: neither is served (as the SDK does). */
  conflict: boolean;
}

/** The metrics by the name they are served under, in order of first appearance; help and unit from the first metric that has them. */
function families(resourceMetrics: ResourceMetrics): Map<string, Family> {
  const byName = new Map<string, Family>();
  for (const { scope, metrics } of resourceMetrics.scopeMetrics) {
    for (const metric of metrics) {
      const name = familyName(metric);
      if (name === undefined) continue;
      const type = typeOf(metric);
      const family = byName.get(name);
      if (!family) {
        byName.set(name, { help: metric.descriptor.description, unit: metric.descriptor.unit, type, metrics: [{ metric, scope }], conflict: false });
        continue;
      }
      if (family.conflict) continue;
      if (family.type !== type) {
        family.conflict = true;
        family.metrics = [];
        continue;
      }
      family.metrics.push({ metric, scope });
      family.help ||= metric.descriptor.description;
      family.unit ||= metric.descriptor.unit;
    }
  }
  return byName;
}

export interface TextFormatOptions {
  /** otel_scope_name (and _version, _schema_url) labels on every series. */
  withScopeInfo: boolean;
}

/** Writes every metric of `resourceMetrics`, target_info first, in the text format. */
export function writeTextFormat(resourceMetrics: ResourceMetrics, options: TextFormatOptions, out: ChunkWriter): void {
  out.write('# HELP target_info Target metadata\n# TYPE target_info gauge\n');
  out.write(seriesLine('target_info', resourceMetrics.resource.attributes, 1, undefined));
  let wrote = false;
  for (const [name, family] of families(resourceMetrics)) {
    if (family.conflict) continue;
    let header = `# HELP ${name} ${escapeText(family.help || 'description missing')}\n${family.unit ? `# UNIT ${name} ${escapeText(family.unit)}\n` : ''}# TYPE ${name} ${family.type}\n`;
    for (const { metric, scope } of family.metrics) {
      let extra: Attributes | undefined;
      if (options.withScopeInfo) {
        extra = { 'otel.scope.name': scope.name };
        if (scope.schemaUrl) extra['otel.scope.schema_url'] = scope.schemaUrl;
        if (scope.version) extra['otel.scope.version'] = scope.version;
      }
      if (metric.dataPoints.length === 0 && header === '') continue;
      out.write(header);
      header = '';
      wrote = true;
      if (metric.dataPointType === DataPointType.HISTOGRAM) {
        for (const point of metric.dataPoints) writeHistogram(name, point.attributes, point.value, extra, out);
      } else if (metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.GAUGE) {
        for (const point of metric.dataPoints) out.write(seriesLine(name, point.attributes, point.value, extra));
      }
    }
  }
  if (!wrote) out.write('# no registered metrics');
  out.flush();
}

function writeHistogram(name: string, attributes: Attributes, histogram: Histogram, extra: Attributes | undefined, out: ChunkWriter): void {
  out.write(seriesLine(`${name}_count`, attributes, histogram.count, extra));
  if (histogram.sum != null) out.write(seriesLine(`${name}_sum`, attributes, histogram.sum, extra));
  let cumulative = 0;
  let infinityDefined = false;
  for (const [index, count] of histogram.buckets.counts.entries()) {
    cumulative += count;
    const bound = histogram.buckets.boundaries[index];
    if (bound === undefined && infinityDefined) break;
    if (bound === Infinity) infinityDefined = true;
    out.write(seriesLine(`${name}_bucket`, attributes, cumulative, { ...extra, le: bound === undefined || bound === Infinity ? '+Inf' : String(bound) }));
  }
}
