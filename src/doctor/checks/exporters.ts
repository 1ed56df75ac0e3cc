// Each exporter: the push exporters (otlphttp and the presets, which expand to it) get a small
// test export per signal they carry (one gauge point, one log record), sent the way the agent
// sends (payload.ts, sender.ts: same encoding, compression, headers, TLS and timeout), and the
// backend's answer is reported with what it means; their temporality is checked against the
// backend (temporality.ts). A prometheus exporter's listening address must be free.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Resource } from '@opentelemetry/resources';
import { encodeLogs, encodeMetrics, type Payload } from '../../exporters/delivery/payload.ts';
import { HttpSender, type SendOutcome } from '../../exporters/delivery/sender.ts';
import { signalUrl } from '../../exporters/otlphttp/config.ts';
import { splitHostPort } from '../../config/schema-types.ts';
import { AGENT_NAME, AGENT_VERSION } from '../../version.ts';
import type { Check, Status } from '../report.ts';
import type { PrometheusTarget, PushExporterTarget } from '../target.ts';
import { testLogRecords, testMetrics } from '../test-export.ts';
import { type Backend, backendOf, temporalityCheck } from './temporality.ts';

interface Verdict {
  status: Status;
  /** What happened, after the URL. */
  said: string;
  fix?: string;
}

const CREDENTIALS: Record<Backend | 'other', string> = {
  datadog: 'Check api_key (a Datadog API key, not an application key) and site: a key of another site is refused.',
  newrelic: 'Check license_key (an ingest license key, not a user key) and region: an EU key is refused by the US endpoint and the other way round.',
  grafana_cloud: 'Check instance_id and token from the stack\'s OpenTelemetry card; the token needs the metrics:write and logs:write scopes.',
  other: 'Check the credentials in headers (an API key header or Authorization) that this backend expects.',
};

/** What a backend's answer (or the lack of one) means, and what to do. */
export function verdictOf(outcome: SendOutcome, target: PushExporterTarget, url: string): Verdict {
  const host = (() => { try { return new URL(url).host; } catch { return url; } })();
  const endpoint = `endpoint of ${target.id}`;
  if (outcome.kind === 'sent') return { status: 'ok', said: `accepted (HTTP ${outcome.status})` };
  const type = outcome.errorType;
  const status = Number(type);
  if (outcome.kind === 'retryable') {
    const queued = 'Meanwhile the agent would queue and retry.';
    if (type === 'ECONNREFUSED') {
      return { status: 'fail', said: `nothing listens there: the backend is down, or the address is wrong (${outcome.reason})`, fix: `Start the backend (or Collector) at ${host}, or correct ${endpoint}.` };
    }
    if (type === 'ENOTFOUND' || type === 'EAI_AGAIN') {
      return { status: 'fail', said: `the host name cannot be resolved (${type})`, fix: `Correct the host in ${endpoint}, or this machine's DNS.` };
    }
    if (type === 'timeout') {
      return { status: 'fail', said: `no answer (${outcome.reason})`, fix: `A firewall may drop the packets, or the backend is overloaded: check that this host can reach ${host}. ${queued}` };
    }
    if (/CERT|TLS|SSL|EPROTO/.test(type)) {
      return { status: 'fail', said: `TLS failed (${outcome.reason})`, fix: `Set tls.ca_file of ${target.id} to the CA that signed the backend's certificate, or use http:// if the port serves plain HTTP.` };
    }
    if (type === 'ECONNRESET' || type === 'EPIPE' || type === 'HPE_INVALID_CONSTANT') {
      return { status: 'fail', said: `the connection closed without an answer (${outcome.reason})`, fix: `Is ${endpoint} an OTLP/HTTP receiver (port 4318, not gRPC on 4317)? Does the port want https:// instead of http://?` };
    }
    if (status === 429) {
      return { status: 'warn', said: `rate-limited (${outcome.reason})`, fix: `The backend limits this sender: the agent retries, but raise the receivers' collection_interval, or add a batch processor to the pipelines of ${target.id}, if it persists.` };
    }
    if (status >= 500) {
      return { status: 'fail', said: `the backend is unavailable (${outcome.reason})`, fix: `Check the backend or Collector at ${host}. ${queued}` };
    }
    return { status: 'fail', said: `failed (${outcome.reason})`, fix: `Check that ${host} is reachable from this host. ${queued}` };
  }
  if (status === 401 || status === 403) {
    return { status: 'fail', said: `refused the credentials (${outcome.reason})`, fix: CREDENTIALS[backendOf(target) ?? 'other'] };
  }
  if (status === 404 || status === 405) {
    return {
      status: 'fail', said: `no OTLP receiver at this path (${outcome.reason})`,
      fix: `Set ${endpoint} to the base URL (the agent appends /v1/metrics and /v1/logs; for Grafana Cloud it ends in /otlp), or set metrics_endpoint and logs_endpoint to the full URLs.`,
    };
  }
  if (status === 413) {
    return { status: 'fail', said: `the request is too large for it (${outcome.reason})`, fix: `Lower max_request_size of ${target.id}.` };
  }
  if (status === 415) {
    return { status: 'fail', said: `does not take this encoding (${outcome.reason})`, fix: `Set encoding of ${target.id} to ${target.config.encoding === 'protobuf' ? 'json' : 'protobuf'}.` };
  }
  if (status === 400) {
    return {
      status: 'fail', said: `refused the test data as malformed (${outcome.reason})`,
      fix: `The backend does not take this OTLP request: check that ${endpoint} is an OTLP/HTTP receiver and that it accepts encoding ${target.config.encoding} with compression ${target.config.compression}.`,
    };
  }
  return { status: 'fail', said: `refused the test data (${outcome.reason})`, fix: `Look up what ${host} means by this answer; the agent would drop such requests, not retry them.` };
}

const RANK: Record<Status, number> = { ok: 0, warn: 1, fail: 2 };

/** "http://h:4318/v1/metrics and /v1/logs": later URLs of the same origin by their path only. */
function urlList(urls: string[]): string {
  const origin = (url: string) => { try { return new URL(url).origin; } catch { return url; } };
  return urls.map((url, i) => (i > 0 && origin(url) === origin(urls[0]!) ? url.slice(origin(url).length) : url)).join(' and ');
}

async function sendOne(target: PushExporterTarget, url: string, payloads: Payload[]): Promise<SendOutcome> {
  const { config } = target;
  const sender = new HttpSender({
    url, headers: config.headers, timeoutMs: config.timeout,
    ca: config.tls.ca_file === '' ? undefined : readFileSync(config.tls.ca_file),
    insecureSkipVerify: config.tls.insecure_skip_verify,
    userAgent: `${AGENT_NAME}/${AGENT_VERSION}`,
  });
  try {
    let last: SendOutcome = { kind: 'sent', status: 0 };
    for (const payload of payloads) {
      last = await sender.send(payload.body, payload.encoding, payload.compression);
      if (last.kind !== 'sent') break;
    }
    return last;
  } finally {
    sender.close();
  }
}

export async function checkPushExporter(target: PushExporterTarget, resource: Resource): Promise<Check[]> {
  const { config } = target;
  const options = { encoding: config.encoding, compression: config.compression, maxRequestSize: config.max_request_size };
  const signals = await Promise.all(target.signals.map(async (signal) => {
    const url = signalUrl(config, signal);
    const payloads = signal === 'metrics' ? encodeMetrics(await testMetrics(resource), options) : encodeLogs(await testLogRecords(resource), options);
    const outcome = await sendOne(target, url, payloads);
    return { signal, url, outcome, verdict: verdictOf(outcome, target, url) };
  }));
  const worst = signals.reduce<Status>((status, s) => (RANK[s.verdict.status] > RANK[status] ? s.verdict.status : status), 'ok');
  const fixes = [...new Set(signals.flatMap((s) => (s.verdict.fix === undefined ? [] : [s.verdict.fix])))];
  const temporality = temporalityCheck(target);
  // Signals the backend answered alike are said once: "…/v1/metrics and /v1/logs: …".
  const groups = new Map<string, typeof signals>();
  for (const s of signals) groups.set(`${s.verdict.status} ${s.verdict.said}`, [...(groups.get(`${s.verdict.status} ${s.verdict.said}`) ?? []), s]);
  const parts = [...groups.values()].map((group) => {
    const urls = urlList(group.map((s) => s.url));
    const { verdict } = group[0]!;
    if (verdict.status !== 'ok') return `${urls}: ${verdict.said}`;
    const what = group.map((s) => (s.signal === 'metrics' ? 'a test point' : 'a test log record')).join(' and ');
    return `${what} ${verdict.said} at ${urls}`;
  });
  const message = parts.join('; ') + (temporality?.status === 'ok' ? `; ${temporality.message}` : '.');
  const checks: Check[] = [{
    id: `exporter.${target.id}`, status: worst,
    message: `${target.id}: ${message}`,
    ...(fixes.length > 0 && worst !== 'ok' ? { fix: fixes.join(' ') } : {}),
    details: {
      type: target.type, temporality: config.temporality, encoding: config.encoding,
      signals: Object.fromEntries(signals.map((s) => [s.signal, { url: s.url, outcome: s.outcome }])),
    },
  }];
  if (temporality && temporality.status !== 'ok') checks.push(temporality);
  return checks;
}

export async function checkPrometheus(target: PrometheusTarget): Promise<Check> {
  const { host, port } = splitHostPort(target.endpoint);
  const code = await new Promise<string | undefined>((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'unknown'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
  if (code === undefined) return { id: `exporter.${target.id}`, status: 'ok', message: `${target.id}: ${target.endpoint} is free to serve /metrics.` };
  if (code === 'EADDRINUSE') {
    return {
      id: `exporter.${target.id}`, status: 'warn',
      message: `${target.id}: ${target.endpoint} is in use by another process: if that is not this agent already running, the agent would not start.`,
      fix: `Stop what listens there, or give ${target.id} another endpoint.`,
    };
  }
  return {
    id: `exporter.${target.id}`, status: 'fail',
    message: `${target.id}: cannot listen on ${target.endpoint} (${code}).`,
    fix: code === 'EACCES'
      ? `Ports below 1024 need root: give ${target.id} a port such as 9464.`
      : `Use an address of this host in ${target.id}'s endpoint (127.0.0.1 for local scrapes, 0.0.0.0 for all interfaces).`,
  };
}
