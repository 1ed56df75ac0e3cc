// GET requests to the Backbone REST API over node:http(s), with what a monitoring client
// needs against a server that may misbehave: a bounded number of requests in flight, one
// deadline per request from sending to the last byte, a cap on the answer's size, no
// redirects followed, and every failure classified (failures.ts).
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { http, httpsModule } from '../../component/node-http.ts';
import type { LookupFunction, Socket } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import { decodeAnswer, type InvalidBytes, showEscapedBytes } from './answer-text.ts';
import {
  type ApiFailure, htmlFailure, jsonFailure, looksLikeHtml, type Phase, type RequestContext, statusFailure, timeoutFailure,
  tooLargeFailure, transportFailure,
} from './failures.ts';

/** The API's base path below the Jira base URL. */
export const API_PATH = '/plugins/servlet/backbone-issue-sync/api/1/';

/** The code of requests aborted by close(). */
export const SHUTDOWN = 'shutdown';

/** Answers that are failures anyway are read only this far (for the message). */
const ERROR_BODY_LIMIT = 64 * 1024;

/** The API base URL for a configured Jira base URL; a base that already ends in the API path is taken as is. */
export function apiBaseUrl(endpoint: string): URL {
  const url = new URL(endpoint);
  const suffix = API_PATH.replace(/\/$/, '');
  let path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith(suffix)) path += suffix;
  url.pathname = `${path}/`;
  url.search = '';
  url.hash = '';
  return url;
}

export interface ApiClientOptions {
  baseUrl: URL;
  auth: { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };
  /** Extra headers from the configuration; the agent's own headers win. */
  headers: Record<string, string>;
  userAgent: string;
  timeoutMs: number;
  maxResponseBytes: number;
  maxConcurrent: number;
  ca: Buffer | undefined;
  insecureSkipVerify: boolean;
  /** Name resolution (tests replace it to fail like DNS does, without a network). */
  lookup?: LookupFunction;
}

export interface ApiRequest {
  /** url.template, relative to the API base: "/integrations/{integrationKey}/status". */
  template: string;
  /** The path relative to the API base, placeholders filled in (unencoded). */
  pathSegments: string[];
  query?: Record<string, string>;
  /** 'json': the body must be JSON; 'any': any 2xx body that is not a login page will do. */
  expect: 'json' | 'any';
  projectKey?: string;
  integrationKey?: string;
}

export type ApiResult =
  | {
    ok: true; request: ApiRequest; statusCode: number; body: unknown; text: string; durationMs: number;
    /** Set when the answer is not UTF-8 (its text then holds the bytes escaped: answer-text.ts). */
    invalid: InvalidBytes | undefined;
  }
  | { ok: false; request: ApiRequest; statusCode: number | undefined; failure: ApiFailure; durationMs: number };

export class ApiClient {
  private readonly options: ApiClientOptions;
  private readonly agent: Agent;
  private readonly isHttps: boolean;
  private readonly headers: Record<string, string>;
  private readonly inFlight = new Set<ClientRequest>();
  private readonly queue: (() => void)[] = [];
  private active = 0;
  private closed = false;

  constructor(options: ApiClientOptions) {
    this.options = options;
    this.isHttps = options.baseUrl.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.maxConcurrent, maxFreeSockets: options.maxConcurrent };
    this.agent = this.isHttps
      ? new (httpsModule().Agent)({
        ...agentOptions,
        ...(options.ca ? { ca: options.ca } : {}),
        rejectUnauthorized: !options.insecureSkipVerify,
      })
      : new http.Agent(agentOptions);
    const authorization = options.auth.kind === 'basic'
      ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`, 'utf8').toString('base64')}`
      : `Bearer ${options.auth.token}`;
    this.headers = {
      ...options.headers,
      'User-Agent': options.userAgent,
      Accept: 'application/json',
      'Accept-Encoding': 'identity',
      'X-Atlassian-Token': 'no-check',
      Authorization: authorization,
    };
  }

  /** The URL of a request, as shown in messages (no credentials are ever in it). */
  urlOf(request: ApiRequest): URL {
    const url = new URL(request.pathSegments.map(encodeURIComponent).join('/'), this.options.baseUrl);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    return url;
  }

  async get(request: ApiRequest): Promise<ApiResult> {
    await this.acquire();
    try {
      const first = await this.send(request);
      // A kept-alive connection the server closed just as it was reused: the request never
      // reached Jira, so it is sent once more on a new connection (as Node's docs advise).
      if (!first.staleSocket) return first.result;
      const second = await this.send(request);
      return { ...second.result, durationMs: first.result.durationMs + second.result.durationMs };
    } finally {
      this.release();
    }
  }

  /** Aborts what is in flight and refuses new requests. */
  close(): void {
    this.closed = true;
    for (const request of this.inFlight) request.destroy(Object.assign(new Error('the agent is shutting down'), { code: SHUTDOWN }));
    for (const wake of this.queue.splice(0)) wake();
    this.agent.destroy();
  }

  private acquire(): Promise<void> {
    if (this.active < this.options.maxConcurrent) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(() => { this.active++; resolve(); }));
  }

  private release(): void {
    this.active--;
    const next = this.queue.shift();
    if (next) next();
  }

  /** What failure messages need to know about a request. */
  contextOf(request: ApiRequest): RequestContext {
    const url = this.urlOf(request);
    return {
      display: `GET ${url.href}`,
      host: url.host,
      template: request.template,
      ...(request.projectKey === undefined ? {} : { projectKey: request.projectKey }),
      ...(request.integrationKey === undefined ? {} : { integrationKey: request.integrationKey }),
      authKind: this.options.auth.kind,
      timeoutMs: this.options.timeoutMs,
      maxBytes: this.options.maxResponseBytes,
    };
  }

  private send(request: ApiRequest): Promise<{ result: ApiResult; staleSocket: boolean }> {
    const url = this.urlOf(request);
    const ctx = this.contextOf(request);
    const started = performance.now();
    const elapsed = () => performance.now() - started;

    return new Promise<{ result: ApiResult; staleSocket: boolean }>((resolve) => {
      let settled = false;
      let staleSocket = false;
      let phase: Phase = 'connecting';
      let received = 0;
      let statusCode: number | undefined;
      let timer: NodeJS.Timeout | undefined;

      const settle = (result: ApiResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(req);
        resolve({ result, staleSocket });
      };
      const fail = (failure: ApiFailure) => {
        const code = failure.statusCode ?? statusCode;
        settle({ ok: false, request, statusCode: code, failure: code === undefined ? failure : { ...failure, statusCode: code }, durationMs: elapsed() });
        req.destroy();
      };

      if (this.closed) {
        resolve({
          staleSocket: false,
          result: {
            ok: false, request, statusCode: undefined, durationMs: 0,
            failure: { errorType: SHUTDOWN, signature: SHUTDOWN, message: `${ctx.display}: not sent, the agent is shutting down` },
          },
        });
        return;
      }

      let req: ClientRequest;
      try {
        req = (this.isHttps ? httpsModule() : http).request(url, {
          method: 'GET', agent: this.agent, headers: this.headers, ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
        });
      } catch (error) {
        // A header value Node refuses (a character HTTP does not allow): its name, never its value.
        resolve({ staleSocket: false, result: { ok: false, request, statusCode: undefined, durationMs: 0, failure: transportFailure(error, ctx, 'connecting', 0) } });
        return;
      }
      this.inFlight.add(req);
      timer = setTimeout(() => fail(timeoutFailure(ctx, phase, received, elapsed())), this.options.timeoutMs);

      req.on('socket', (socket: Socket) => {
        if (!socket.connecting) {
          phase = 'waiting';
          return;
        }
        socket.once('connect', () => { if (phase === 'connecting') phase = this.isHttps ? 'tls' : 'waiting'; });
        socket.once('secureConnect', () => { if (phase === 'connecting' || phase === 'tls') phase = 'waiting'; });
      });

      req.on('response', (res: IncomingMessage) => {
        phase = 'body';
        statusCode = res.statusCode ?? 0;
        const success = statusCode >= 200 && statusCode < 300;
        const limit = success ? this.options.maxResponseBytes : Math.min(ERROR_BODY_LIMIT, this.options.maxResponseBytes);
        const declaredHeader = res.headers['content-length'];
        const declared = declaredHeader === undefined ? undefined : Number(declaredHeader);
        if (success && declared !== undefined && declared > limit) {
          fail(tooLargeFailure(ctx, 0, declared));
          return;
        }
        const chunks: Buffer[] = [];
        let cut = false;
        res.on('data', (chunk: Buffer) => {
          if (settled || cut) return;
          received += chunk.length;
          if (received > limit) {
            if (success) {
              fail(tooLargeFailure(ctx, received, declared));
              return;
            }
            // A failure anyway: its beginning is enough for the message.
            chunks.push(chunk);
            cut = true;
            settle(this.interpret(request, ctx, statusCode!, res.headers, Buffer.concat(chunks), elapsed()));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          settle(this.interpret(request, ctx, statusCode!, res.headers, Buffer.concat(chunks), elapsed()));
        });
        res.on('error', (error) => fail(transportFailure(error, ctx, 'body', received)));
        res.on('close', () => {
          if (!res.complete && !settled) fail(transportFailure(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), ctx, 'body', received));
        });
      });

      req.on('error', (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        staleSocket = req.reusedSocket && phase === 'waiting' && (code === 'ECONNRESET' || code === 'EPIPE') && !this.closed;
        fail(transportFailure(error, ctx, phase, received));
      });
      req.end();
    });
  }

  private interpret(
    request: ApiRequest,
    ctx: RequestContext,
    statusCode: number,
    headers: IncomingHttpHeaders,
    raw: Buffer,
    durationMs: number,
  ): ApiResult {
    // Texts quoted from an answer that is not UTF-8 show its bytes as \xNN, never as broken characters.
    const failed = (failure: ApiFailure): ApiResult => ({
      ok: false, request, statusCode, failure: { ...failure, message: showEscapedBytes(failure.message) }, durationMs,
    });
    let body: Buffer;
    try {
      body = decode(raw, headers, this.options.maxResponseBytes);
    } catch (error) {
      const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      return failed(tooLarge
        ? tooLargeFailure(ctx, this.options.maxResponseBytes + 1, undefined)
        : jsonFailure(ctx, statusCode, 'x', new Error(`cannot decompress the answer (${String(headers['content-encoding'])})`)));
    }
    const { text, invalid } = decodeAnswer(body);
    let json: unknown;
    let jsonError: Error | undefined;
    try {
      json = JSON.parse(text);
    } catch (error) {
      jsonError = error as Error;
    }
    if (statusCode < 200 || statusCode >= 300) return failed(statusFailure(ctx, statusCode, headers, text, json));
    const html = jsonError !== undefined && looksLikeHtml(headers, text);
    if (html) {
      const failure = htmlFailure(ctx, statusCode, headers, text);
      // /health may answer with any 2xx body; only a login page there is a failure.
      if (request.expect === 'json' || failure.errorType !== 'html_page') return failed(failure);
    }
    if (request.expect === 'json' && jsonError !== undefined) return failed(jsonFailure(ctx, statusCode, text, jsonError));
    return { ok: true, request, statusCode, body: json, text, durationMs, invalid };
  }
}

function decode(raw: Buffer, headers: IncomingHttpHeaders, maxBytes: number): Buffer {
  const encoding = String(headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(raw, { maxOutputLength: maxBytes });
  if (encoding === 'deflate') return inflateSync(raw, { maxOutputLength: maxBytes });
  return raw;
}
