// A minimal OTLP/HTTP receiver for the benchmarks: 127.0.0.1, protobuf or JSON, gzip or not.
// It notes when each log record arrives (with its backbone.message and backbone.to_state) and
// only counts metric requests, so that it stays cheap next to the agent it measures.
// Protobuf is decoded with the OpenTelemetry project's published generated decoder (the
// otlp-proto-decoder dev dependency, as test/helpers/otlp-receiver.ts does).
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
interface ProtoType { decode(buffer: Uint8Array): unknown }
const proto = require('otlp-proto-decoder/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { logs: { v1: { ExportLogsServiceRequest: ProtoType } } } } };
};
const LogsRequest = proto.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

interface KeyValue { key: string; value?: { stringValue?: string | null } | null }
interface LogsMessage {
  resourceLogs?: { scopeLogs?: { logRecords?: { attributes?: KeyValue[] }[] }[] }[];
}

export interface ArrivedRecord {
  message: string;
  toState: string;
  fromState: string;
  /** ms since the epoch (performance.timeOrigin + performance.now()), as the mover notes its renames. */
  at: number;
}

export class OtlpSink {
  /** Called for every log record, in the order of arrival. */
  onRecord: (record: ArrivedRecord) => void = () => {};
  logRecords = 0;
  logRequests = 0;
  metricRequests = 0;
  bytes = 0;
  /** Requests that could not be decoded (answered 400). */
  bad = 0;
  url = '';
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const at = performance.timeOrigin + performance.now();
        const raw = Buffer.concat(chunks);
        this.bytes += raw.length;
        try {
          if (req.url?.endsWith('/v1/logs')) this.logs(req.headers, raw, at);
          else this.metricRequests++;
          res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }).end();
        } catch (error) {
          this.bad++;
          res.writeHead(400).end(String(error));
        }
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private logs(headers: Record<string, string | string[] | undefined>, raw: Buffer, at: number): void {
    const body = headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    const message = (String(headers['content-type']).includes('json')
      ? JSON.parse(body.toString('utf8'))
      : LogsRequest.decode(body)) as LogsMessage;
    this.logRequests++;
    for (const rl of message.resourceLogs ?? []) {
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) {
          this.logRecords++;
          let name = '';
          let toState = '';
          let fromState = '';
          for (const kv of record.attributes ?? []) {
            if (kv.key === 'backbone.message') name = kv.value?.stringValue ?? '';
            else if (kv.key === 'backbone.to_state') toState = kv.value?.stringValue ?? '';
            else if (kv.key === 'backbone.from_state') fromState = kv.value?.stringValue ?? '';
          }
          this.onRecord({ message: name, toState, fromState, at });
        }
      }
    }
  }
}
