// The HTTP servers the agent runs (status_page, health_check, the prometheus exporter) bound
// so that a client cannot starve the agent: with Node's defaults, 20,000 connections that
// never sent a request used up the agent's file descriptors, and the health check, the
// checkpoint and the folder scans stopped for 40 s. Here:
//   - at most `maxConnections` connections at once; one more closes the oldest connection
//     that is not answering a request (one that sent nothing yet, or an idle keep-alive one),
//     so a flood of silent connections cannot lock a probe out for long;
//   - a connection must send its request headers within `headersTimeout`, and the request
//     must be done within `requestTimeout`; an idle keep-alive connection is closed after
//     `keepAliveTimeout`;
//   - authorization (status_page's basic auth) is checked before anything else, and no
//     request body is ever read: these servers take GET and HEAD only, and a request with a
//     body is answered and its connection closed.
// The first time the limit closes a connection, the log says so once, with the count.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AgentLog } from '../diagnostics/agent-log.ts';
import { http } from './node-http.ts';

export interface HttpLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxConnections: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

export interface HttpServerOptions {
  /** The component that serves, for messages. */
  id: string;
  /** host:port */
  endpoint: string;
  log: AgentLog;
  /** When set, a request it refuses gets 401 with this realm before anything else happens. */
  authorize?: ((request: IncomingMessage) => boolean) | undefined;
  realm?: string;
  limits?: Partial<HttpLimits>;
}

export interface HttpServer {
  server: Server;
  /** Connections open now. */
  connections(): number;
  close(): Promise<void>;
}

const ALLOWED_METHODS = 'GET, HEAD';

export async function startHttpServer(handler: RequestListener, options: HttpServerOptions): Promise<HttpServer> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  /** Open connections, oldest first, each with whether it is answering a request now. */
  const open = new Map<Socket, { busy: boolean }>();
  let closedForLimit = 0;

  const server = http.createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often Node looks for connections past headersTimeout or requestTimeout (30 s by default).
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    maxHeaderSize: 16 * 1024,
  }, (request, response) => {
    const state = open.get(request.socket);
    if (state) state.busy = true;
    response.once('close', () => { if (state) state.busy = false; });
    if (options.authorize !== undefined && !options.authorize(request)) {
      finish(request, response, 401, { 'www-authenticate': `Basic realm="${options.realm ?? options.id}", charset="UTF-8"` });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      finish(request, response, 405, { allow: ALLOWED_METHODS });
      return;
    }
    if (hasBody(request)) {
      finish(request, response, 400, {}, 'a GET request has no body\n');
      return;
    }
    handler(request, response);
  });
  // Sockets the agent holds besides the request's: a silent one would stay forever otherwise.
  server.timeout = limits.requestTimeoutMs;

  server.on('connection', (socket: Socket) => {
    if (open.size >= limits.maxConnections) {
      const idle = [...open].find(([, state]) => !state.busy)?.[0];
      const victim = idle ?? socket;
      victim.destroy();
      if (victim !== socket) open.delete(victim);
      if (closedForLimit++ === 0) {
        options.log.problem(`${options.id}:connections`, 'warn',
          `${options.id}: more than ${limits.maxConnections} connections at once on ${options.endpoint}: the oldest idle ones are closed (a client that opens connections and sends nothing?)`);
      }
      if (victim === socket) return;
    }
    open.set(socket, { busy: false });
    socket.once('close', () => open.delete(socket));
  });
  // A client that resets or sends garbage is Node's to answer (400, 408, 431) and close: no
  // clientError listener, so that its answers stay the right ones.

  const { host, port } = listenAddress(options.endpoint);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`${options.id}: cannot listen on ${options.endpoint}: ${error.message}`)));
    server.listen(port, host, resolve);
  });
  return {
    server,
    connections: () => open.size,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** `host:port` (`[::1]:9464`, `:9464` for every interface), as the configs' hostPort type takes it. */
function listenAddress(endpoint: string): { host: string; port: number } {
  const colon = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(endpoint.slice(colon + 1)) };
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? '0') > 0;
}

/** Answers without reading what the client may still send, and closes the connection. */
function finish(request: IncomingMessage, response: ServerResponse, code: number, headers: Record<string, string>, text?: string): void {
  response.shouldKeepAlive = false;
  response.writeHead(code, { ...headers, connection: 'close', ...(text ? { 'content-type': 'text/plain' } : {}) });
  response.end(request.method === 'HEAD' ? undefined : text);
}
