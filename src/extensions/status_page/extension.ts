// status_page: a local page that answers "is Backbone healthy, and is the agent getting it
// out?" at a glance, like the Collector's zpages or the Datadog Agent's status page.
//   /                  the page (HTML rendered on the server; ?integration=&project=&state= filter the moves)
//   /api/status        the same as JSON (docs/status-page.md has its schema)
//   /api/moves?after=N the moves newer than N, for the open page
// It only reads: GET and HEAD, nothing it serves changes the agent. It never shows a secret
// (no configuration values at all, only the file's path).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { ExtensionSettings, Lifecycle } from '../../component/component.ts';
import { type HttpServer, startHttpServer } from '../../component/http-server.ts';
import { AGENT_NAME, AGENT_VERSION } from '../../version.ts';
import type { StatusPageConfig } from './config.ts';
import { Observations } from './observations.ts';
import type { MoveFilter } from './recent-moves.ts';
import { renderMoveRow, renderPage } from './render-page.ts';
import { buildStatusDocument, type StatusDocument } from './status-document.ts';

/** The health check's default grace period: the page shows the same health. */
const HEALTH_GRACE_MS = 300_000;

/** The status page itself: loaded only when a configuration uses it (factory.ts). */
export function createStatusPage({ config, log, status, id, observed }: ExtensionSettings<StatusPageConfig>): Lifecycle {
  if (observed === undefined) throw new Error(`${id}: the service did not hand over the receivers' data`);
  const observations = new Observations(config.recent_moves);
  let stopListening: (() => void) | undefined;
  let server: HttpServer | undefined;
  const expectedAuth = config.auth === undefined
    ? undefined
    : Buffer.from(`Basic ${Buffer.from(`${config.auth.basic.username}:${config.auth.basic.password}`).toString('base64')}`);

  const documentFor = async (filter: MoveFilter): Promise<StatusDocument> => buildStatusDocument({
    agentName: AGENT_NAME, agentVersion: AGENT_VERSION, configFile: observed.configFile, status, observations,
    metrics: await observed.collectMetrics(), lastReports: observed.lastReports(), selfTotal: observed.selfTotal, problems: observed.problems(),
    ageThresholdMs: config.age_threshold, healthGraceMs: HEALTH_GRACE_MS, moveFilter: filter,
  });

  // Basic auth and the methods (GET, HEAD) are checked by the server before this runs.
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const filter = moveFilter(url.searchParams);
    if (url.pathname === '/') {
      send(request, response, 200, 'text/html; charset=utf-8', renderPage(await documentFor(filter), filter));
    } else if (url.pathname === '/api/status') {
      send(request, response, 200, 'application/json', JSON.stringify(await documentFor(filter), null, 2) + '\n');
    } else if (url.pathname === '/api/moves') {
      const after = Number(url.searchParams.get('after') ?? '0');
      const items = observations.moves.list(filter, Number.isFinite(after) ? after : 0);
      const body = url.searchParams.get('format') === 'html'
        ? { latest: observations.moves.latest, html: items.map(renderMoveRow).join('') }
        : { latest: observations.moves.latest, items };
      send(request, response, 200, 'application/json', JSON.stringify(body) + '\n');
    } else {
      send(request, response, 404, 'text/plain; charset=utf-8', 'not found: the status page is at /, its data at /api/status and /api/moves\n');
    }
  };

  return {
    async start() {
      stopListening = observed.onLogRecord((record) => observations.take(record));
      server = await startHttpServer((request, response) => {
        handle(request, response).catch((error: unknown) => {
          log.problem('render', 'warn', `status page: ${(error as Error).message}`);
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
          response.end('the status page could not be built; see the agent log\n');
        });
      }, {
        id, endpoint: config.endpoint, log, realm: 'backbone-otel status',
        authorize: expectedAuth === undefined ? undefined : (request) => authorized(request.headers.authorization, expectedAuth),
      });
      log.info(`status page on http://${config.endpoint}/`);
    },
    async shutdown() {
      stopListening?.();
      await server?.close();
    },
  };
}


function moveFilter(params: URLSearchParams): MoveFilter {
  const filter: MoveFilter = {};
  for (const key of ['integration', 'project', 'state'] as const) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  return filter;
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Compressed when the browser takes gzip (a page for 200 synchronizations shrinks about tenfold). */
function send(request: IncomingMessage, response: ServerResponse, code: number, type: string, text: string): void {
  const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  let body: Buffer = Buffer.from(text);
  if (body.length > 1024 && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  response.writeHead(code, headers).end(request.method === 'HEAD' ? undefined : body);
}
