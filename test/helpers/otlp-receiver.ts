// A real OTLP/HTTP receiver for tests: listens on 127.0.0.1, accepts JSON and protobuf
// (gzip or not), decodes protobuf with the OpenTelemetry project's published generated
// decoder, and keeps what it received in a flat form that tests can query.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
interface ProtoType {
  decode(buffer: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}
interface ProtoRoot {
  opentelemetry: { proto: { collector: {
    metrics: { v1: { ExportMetricsServiceRequest: ProtoType } };
    logs: { v1: { ExportLogsServiceRequest: ProtoType } };
  } } };
}
const root = require('otlp-proto-decoder/build/src/generated/root.js') as ProtoRoot;

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

export interface ReceivedPoint {
  metric: string;
  unit: string;
  description: string;
  type: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram';
  /** For sums: 1 delta, 2 cumulative. */
  temporality: number | undefined;
  attributes: Attributes;
  resource: Attributes;
  scope: string;
  /** Which request brought it (0, 1, ...): the points of one export arrive in one request. */
  request: number;
  value: number;
  /** When it was observed (time_unix_nano), in milliseconds since the epoch. */
  timeMs: number;
  count?: number;
  sum?: number;
}

export interface ReceivedLog {
  eventName: string | undefined;
  severityText: string;
  severityNumber: number;
  body: string;
  attributes: Attributes;
  resource: Attributes;
  /** The record's time (ms since the epoch). */
  timeMs: number;
  /** Which accepted request brought it (an index into `requests`). */
  request?: number;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  encoding: 'json' | 'protobuf';
  compressed: boolean;
  bytes: number;
  /** Size of the body after gunzip. */
  uncompressedBytes?: number;
  /** SHA-256 of the body as received: a request sent again byte for byte has the same. */
  digest?: string;
}

/**
 * A scripted answer: a status code, a status with a Retry-After header, 'hang' (never
 * answer), or 'reset' (close the connection without an answer).
 */
export type ScriptedAnswer = number | { status: number; retryAfter?: string } | 'hang' | 'reset';

/** Every request, whatever was answered, with the number of items it carried. */
export interface Attempt {
  path: string;
  answer: number | 'hang' | 'reset';
  /** Log records or metric data points in the request. */
  items: number;
  headers: IncomingHttpHeaders;
}

type Any = Record<string, unknown>;

/** A fixed64 as the decoder gives it (a Long, a string or a number of nanoseconds), in milliseconds. */
function nanosToMs(value: unknown): number {
  const text = String(value ?? '0');
  return /^\d+$/.test(text) ? Number(BigInt(text) / 1_000_000n) : Number.NaN;
}

function anyValue(value: Any | undefined): AttributeValue {
  if (!value) return '';
  if ('stringValue' in value) return String(value.stringValue);
  if ('boolValue' in value) return Boolean(value.boolValue);
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  return JSON.stringify(value);
}

function attributes(list: unknown): Attributes {
  const out: Attributes = {};
  for (const kv of (list as { key: string; value: Any }[] | undefined) ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

export class OtlpReceiver {
  readonly points: ReceivedPoint[] = [];
  readonly logs: ReceivedLog[] = [];
  readonly requests: ReceivedRequest[] = [];
  /** Status code to answer with; 200 by default. */
  status = 200;
  /** Sent as Retry-After with a non-200 `status`, when set. */
  retryAfter: string | undefined;
  /** Answers for the next requests, used up one per request before `status` applies again. */
  readonly script: ScriptedAnswer[] = [];
  /** When set, requests get no answer (until `hang` is cleared and `release()` is called, or stop()). */
  hang = false;
  /** Every request, refused or not (see `requests` for the accepted ones). */
  readonly attempts: Attempt[] = [];
  private readonly held: ServerResponse[] = [];
  private server: Server | undefined;
  private port = 0;
  url = '';

  async start(): Promise<this> {
    this.server = this.createServer();
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  private createServer(): Server {
    return createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '';
        const raw = Buffer.concat(chunks);
        const scripted = this.script.shift();
        const answer = scripted ?? (this.hang ? 'hang' : this.retryAfter !== undefined && this.status !== 200
          ? { status: this.status, retryAfter: this.retryAfter } : this.status);
        const status = typeof answer === 'object' ? answer.status : answer;
        let items = 0;
        try {
          items = this.countItems(path, req.headers, raw);
        } catch {
          // Counted as 0; accept() reports the decoding error below.
        }
        this.attempts.push({ path, answer: status, items, headers: req.headers });
        if (status === 'hang') {
          this.held.push(res);
          return;
        }
        if (status === 'reset') {
          res.socket?.destroy();
          return;
        }
        try {
          if (status === 200) this.accept(path, req.headers, raw, true);
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (typeof answer === 'object' && answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
          res.writeHead(status, headers).end(status === 200 ? '{}' : JSON.stringify({ code: status, message: 'scripted answer' }));
        } catch (error) {
          res.writeHead(400).end(String(error));
        }
      });
    });
  }

  /** Answers the requests held while `hang` was set, with `status`. */
  release(): void {
    for (const res of this.held.splice(0)) res.writeHead(this.status, { 'content-type': 'application/json' }).end('{}');
  }

  /** Stops listening: connections are refused until acceptConnections(). */
  async refuseConnections(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Listens again, on the same port. */
  async acceptConnections(): Promise<void> {
    if (this.server) return;
    await this.start();
  }

  async stop(): Promise<void> {
    for (const res of this.held.splice(0)) res.socket?.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Log records or data points in a request, whatever the answer to it. */
  private countItems(path: string, headers: IncomingHttpHeaders, raw: Buffer): number {
    const body = headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    const json = String(headers['content-type']).includes('json');
    const options = { longs: Number, enums: Number, bytes: String, defaults: false, arrays: true };
    const collector = root.opentelemetry.proto.collector;
    if (path.endsWith('/v1/logs')) {
      const request = (json ? JSON.parse(body.toString('utf8')) : collector.logs.v1.ExportLogsServiceRequest.toObject(
        collector.logs.v1.ExportLogsServiceRequest.decode(body), options)) as Any;
      let count = 0;
      for (const rl of (request.resourceLogs as Any[] | undefined) ?? []) {
        for (const sl of (rl.scopeLogs as Any[] | undefined) ?? []) count += ((sl.logRecords as unknown[] | undefined) ?? []).length;
      }
      return count;
    }
    const request = (json ? JSON.parse(body.toString('utf8')) : collector.metrics.v1.ExportMetricsServiceRequest.toObject(
      collector.metrics.v1.ExportMetricsServiceRequest.decode(body), options)) as Any;
    let count = 0;
    for (const rm of (request.resourceMetrics as Any[] | undefined) ?? []) {
      for (const sm of (rm.scopeMetrics as Any[] | undefined) ?? []) {
        for (const metric of (sm.metrics as Any[] | undefined) ?? []) {
          for (const type of ['gauge', 'sum', 'histogram', 'exponentialHistogram']) count += (((metric[type] as Any | undefined)?.dataPoints as unknown[] | undefined) ?? []).length;
        }
      }
    }
    return count;
  }

  private accept(path: string, headers: IncomingHttpHeaders, raw: Buffer, answeredOk = this.status === 200): void {
    if (!answeredOk) return;
    const compressed = headers['content-encoding'] === 'gzip';
    const body = compressed ? gunzipSync(raw) : raw;
    const encoding = String(headers['content-type']).includes('json') ? 'json' : 'protobuf';
    this.requests.push({ path, headers, encoding, compressed, bytes: raw.length, uncompressedBytes: body.length, digest: createHash('sha256').update(raw).digest('hex') });
    const options = { longs: Number, enums: Number, bytes: String, defaults: false, arrays: true };
    if (path.endsWith('/v1/metrics')) {
      const request = encoding === 'json'
        ? JSON.parse(body.toString('utf8')) as Any
        : root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.toObject(
            root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest.decode(body), options) as Any;
      this.addMetrics(request);
    } else if (path.endsWith('/v1/logs')) {
      const request = encoding === 'json'
        ? JSON.parse(body.toString('utf8')) as Any
        : root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.toObject(
            root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest.decode(body), options) as Any;
      this.addLogs(request);
    } else {
      throw new Error(`unexpected path ${path}`);
    }
  }

  private addMetrics(request: Any): void {
    for (const rm of (request.resourceMetrics as Any[] | undefined) ?? []) {
      const resource = attributes((rm.resource as Any | undefined)?.attributes);
      for (const sm of (rm.scopeMetrics as Any[] | undefined) ?? []) {
        const scope = String((sm.scope as Any | undefined)?.name ?? '');
        for (const metric of (sm.metrics as Any[] | undefined) ?? []) {
          const base = {
            metric: String(metric.name), unit: String(metric.unit ?? ''), description: String(metric.description ?? ''),
            resource, scope, request: this.requests.length - 1,
          };
          for (const type of ['gauge', 'sum', 'histogram', 'exponentialHistogram'] as const) {
            const data = metric[type] as Any | undefined;
            if (!data) continue;
            const temporality = data.aggregationTemporality === undefined ? undefined : Number(data.aggregationTemporality);
            const histogram = type === 'histogram' || type === 'exponentialHistogram';
            for (const dp of (data.dataPoints as Any[] | undefined) ?? []) {
              const value = histogram ? Number(dp.sum ?? 0) : Number(dp.asInt ?? dp.asDouble ?? 0);
              this.points.push({
                ...base, type, temporality, attributes: attributes(dp.attributes), value, timeMs: nanosToMs(dp.timeUnixNano),
                ...(histogram ? { count: Number(dp.count ?? 0), sum: Number(dp.sum ?? 0) } : {}),
              });
            }
          }
        }
      }
    }
  }

  private addLogs(request: Any): void {
    for (const rl of (request.resourceLogs as Any[] | undefined) ?? []) {
      const resource = attributes((rl.resource as Any | undefined)?.attributes);
      for (const sl of (rl.scopeLogs as Any[] | undefined) ?? []) {
        for (const record of (sl.logRecords as Any[] | undefined) ?? []) {
          this.logs.push({
            eventName: record.eventName === undefined || record.eventName === '' ? undefined : String(record.eventName),
            severityText: String(record.severityText ?? ''),
            severityNumber: Number(record.severityNumber ?? 0),
            body: String(anyValue(record.body as Any | undefined)),
            attributes: attributes(record.attributes),
            resource,
            timeMs: nanosToMs(record.timeUnixNano),
            request: this.requests.length - 1,
          });
        }
      }
    }
  }

  /**
   * The points of the latest request that carried this metric, the newest of each series (a
   * request may carry several reports of a receiver: the exporter gathers them), as a backend
   * shows them.
   */
  latest(metric: string): ReceivedPoint[] {
    const all = this.points.filter((p) => p.metric === metric);
    const last = all.at(-1)?.request;
    const newest = new Map<string, ReceivedPoint>();
    for (const point of all) {
      if (point.request !== last) continue;
      const key = JSON.stringify([point.resource, point.attributes]);
      const seen = newest.get(key);
      if (!seen || point.timeMs >= seen.timeMs) newest.set(key, point);
    }
    return [...newest.values()];
  }

  clear(): void {
    this.points.length = 0;
    this.logs.length = 0;
    this.requests.length = 0;
    this.attempts.length = 0;
  }
}
