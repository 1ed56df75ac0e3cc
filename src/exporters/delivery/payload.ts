// What the queue holds: one OTLP export request, already encoded (protobuf or JSON) and
// compressed as it will be sent, with the number of log records or metric points it carries.
// Encoding happens when data enters the queue, so that a request on disk needs nothing from
// the process that wrote it: the next run sends it as it is.
import { gzipSync } from 'node:zlib';
import {
  JsonLogsSerializer, JsonMetricsSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { MetricData, ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';

export type SignalKind = 'metrics' | 'logs';
export type Encoding = 'protobuf' | 'json';
export type Compression = 'gzip' | 'none';

export interface Payload {
  signal: SignalKind;
  encoding: Encoding;
  compression: Compression;
  /** Log records or metric data points in the request. */
  items: number;
  /** The request body as sent (compressed when compression is gzip). */
  body: Uint8Array;
  /** The log.record.uid of the records that carry one (their idempotency keys; see uid-window.ts). */
  uids?: readonly string[];
}

export interface EncodeOptions {
  encoding: Encoding;
  compression: Compression;
  /** No request is larger than this before compression (unless one item alone is). */
  maxRequestSize: number;
}

function finish(signal: SignalKind, options: EncodeOptions, items: number, raw: Uint8Array): Payload {
  const body = options.compression === 'gzip' ? new Uint8Array(gzipSync(raw)) : raw;
  return { signal, encoding: options.encoding, compression: options.compression, items, body };
}

function serializeLogs(records: ReadableLogRecord[], encoding: Encoding): Uint8Array {
  const serializer = encoding === 'json' ? JsonLogsSerializer : ProtobufLogsSerializer;
  const body = serializer.serializeRequest(records);
  if (!body) throw new Error('the OTLP serializer returned nothing for a batch of log records');
  return body;
}

function serializeMetrics(metrics: ResourceMetrics, encoding: Encoding): Uint8Array {
  const serializer = encoding === 'json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
  const body = serializer.serializeRequest(metrics);
  if (!body) throw new Error('the OTLP serializer returned nothing for a metrics export');
  return body;
}

/**
 * Splits `units` into requests of at most maxRequestSize bytes: serializes the whole, and
 * when it is too large, cuts it into as many even parts as the size suggests and checks each
 * part again. A single unit larger than the limit is sent alone.
 */
function split<T>(units: T[], serialize: (part: T[]) => Uint8Array, max: number): { part: T[]; raw: Uint8Array }[] {
  if (units.length === 0) return [];
  const raw = serialize(units);
  if (raw.length <= max || units.length === 1) return [{ part: units, raw }];
  const pieces = Math.min(units.length, Math.max(2, Math.ceil((raw.length / max) * 1.1)));
  const out: { part: T[]; raw: Uint8Array }[] = [];
  const per = Math.ceil(units.length / pieces);
  for (let start = 0; start < units.length; start += per) out.push(...split(units.slice(start, start + per), serialize, max));
  return out;
}

/** The OpenTelemetry attribute that names a record's idempotency key. */
export const RECORD_UID = 'log.record.uid';

/** A record's log.record.uid, when it carries one. */
export function recordUid(record: ReadableLogRecord): string | undefined {
  const uid = record.attributes[RECORD_UID];
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
}

export function encodeLogs(records: ReadableLogRecord[], options: EncodeOptions): Payload[] {
  return split(records, (part) => serializeLogs(part, options.encoding), options.maxRequestSize)
    .map(({ part, raw }) => {
      const uids = part.flatMap((record) => recordUid(record) ?? []);
      return { ...finish('logs', options, part.length, raw), ...(uids.length > 0 ? { uids } : {}) };
    });
}

/** One data point of one metric: the unit that metric requests are split by. */
interface PointUnit {
  scope: number;
  metric: number;
  point: number;
}

/** The part of `metrics` that holds the given points, in their original order. */
function subset(metrics: ResourceMetrics, units: PointUnit[]): ResourceMetrics {
  const scopes = new Map<number, Map<number, number[]>>();
  for (const unit of units) {
    let byMetric = scopes.get(unit.scope);
    if (!byMetric) scopes.set(unit.scope, (byMetric = new Map()));
    let points = byMetric.get(unit.metric);
    if (!points) byMetric.set(unit.metric, (points = []));
    points.push(unit.point);
  }
  const scopeMetrics: ScopeMetrics[] = [];
  for (const [scopeIndex, byMetric] of scopes) {
    const scope = metrics.scopeMetrics[scopeIndex]!;
    const out: MetricData[] = [];
    for (const [metricIndex, points] of byMetric) {
      const metric = scope.metrics[metricIndex]!;
      const dataPoints = points.map((index) => metric.dataPoints[index]!);
      out.push({ ...metric, dataPoints } as MetricData);
    }
    scopeMetrics.push({ scope: scope.scope, metrics: out });
  }
  return { resource: metrics.resource, scopeMetrics };
}

export function encodeMetrics(metrics: ResourceMetrics, options: EncodeOptions): Payload[] {
  const units: PointUnit[] = [];
  metrics.scopeMetrics.forEach((scope, s) =>
    scope.metrics.forEach((metric, m) => metric.dataPoints.forEach((_, p) => units.push({ scope: s, metric: m, point: p }))));
  return split(units, (part) => serializeMetrics(subset(metrics, part), options.encoding), options.maxRequestSize)
    .map(({ part, raw }) => finish('metrics', options, part.length, raw));
}
