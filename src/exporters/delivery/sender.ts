// Sends one encoded OTLP request over HTTP(S) and says what came of it: delivered, worth
// retrying (429, 502, 503, 504, a network error, a timeout), or refused for good (any other
// 4xx or 5xx: the same request would be refused again).
import type { Agent as HttpAgent, IncomingMessage } from 'node:http';
import { http, httpsModule } from '../../component/node-http.ts';
import { parseRetryAfter } from './backoff.ts';
import type { Compression, Encoding } from './payload.ts';

export type SendOutcome =
  | { kind: 'sent'; status: number }
  | { kind: 'retryable'; reason: string; errorType: string; retryAfterMs?: number }
  | { kind: 'permanent'; reason: string; errorType: string };

export interface SenderOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  ca?: Buffer | undefined;
  insecureSkipVerify?: boolean;
  userAgent: string;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const CONTENT_TYPE: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

export class HttpSender {
  readonly url: string;
  private readonly options: SenderOptions;
  private readonly agent: HttpAgent;
  private readonly inFlight = new Set<AbortController>();

  constructor(options: SenderOptions) {
    this.options = options;
    this.url = options.url;
    const isHttps = new URL(options.url).protocol === 'https:';
    this.agent = isHttps
      ? new (httpsModule().Agent)({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}), ...(options.insecureSkipVerify ? { rejectUnauthorized: false } : {}) })
      : new http.Agent({ keepAlive: true });
  }

  send(body: Uint8Array, encoding: Encoding, compression: Compression): Promise<SendOutcome> {
    const url = new URL(this.options.url);
    const request = url.protocol === 'https:' ? httpsModule().request : http.request;
    const abort = new AbortController();
    this.inFlight.add(abort);
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const done = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(abort);
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        done({ kind: 'retryable', reason: `no answer within ${this.options.timeoutMs} ms`, errorType: 'timeout' });
        abort.abort();
      }, this.options.timeoutMs);
      const req = request(url, {
        method: 'POST',
        agent: this.agent,
        signal: abort.signal,
        headers: {
          ...this.options.headers,
          'content-type': CONTENT_TYPE[encoding],
          'content-length': String(body.byteLength),
          'user-agent': this.options.userAgent,
          ...(compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
        },
      }, (response) => {
        readBody(response, 4096).then((text) => done(classify(response, text)), (error: unknown) =>
          done({ kind: 'retryable', reason: `the answer broke off: ${(error as Error).message}`, errorType: errorCode(error) }));
      });
      req.on('error', (error) => {
        done(abort.signal.aborted && !settled
          ? { kind: 'retryable', reason: 'the request was cancelled (the agent is stopping)', errorType: 'cancelled' }
          : { kind: 'retryable', reason: error.message, errorType: errorCode(error) });
      });
      req.end(body);
    });
  }

  /** Cancels requests under way (their data stays queued) and closes idle connections. */
  close(): void {
    for (const abort of this.inFlight) abort.abort();
    this.agent.destroy();
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'network';
}

function classify(response: IncomingMessage, text: string): SendOutcome {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { kind: 'sent', status };
  const detail = text.trim().replace(/\s+/g, ' ').slice(0, 300);
  const reason = `${status} ${response.statusMessage ?? ''}`.trim() + (detail !== '' && isText(response) ? `: ${detail}` : '');
  if (RETRYABLE_STATUS.has(status)) {
    const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']));
    return { kind: 'retryable', reason, errorType: String(status), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: 'permanent', reason, errorType: String(status) };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isText(response: IncomingMessage): boolean {
  const type = String(response.headers['content-type'] ?? '');
  return type === '' || /text|json|xml/.test(type);
}

/** The first `limit` bytes of the answer as text; the rest is read and thrown away. */
function readBody(response: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      if (length < limit) chunks.push(chunk);
      length += chunk.length;
    });
    response.on('end', () => resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8')));
    response.on('error', reject);
  });
}
