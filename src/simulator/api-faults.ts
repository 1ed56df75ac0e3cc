// The ways the simulated Jira can fail, each as a real Jira (or a proxy in front of it) does:
// wrong answers to the credentials, HTML pages where JSON belongs, redirects, errors, bodies
// that hang, stop halfway or never end. The server (backbone-api.ts) answers with one of these
// instead of the real answer while a test tells it to misbehave.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sampleIntegration } from './api-model.ts';

export const SERVLET_PATH = '/plugins/servlet/backbone-issue-sync/api/1';
export const JSON_TYPE = 'application/json;charset=UTF-8';
export const HTML_TYPE = 'text/html;charset=UTF-8';

/**
 * Rewrites the real JSON answer of an endpoint (a copy): returns the JSON to send instead,
 * or the exact bytes (for answers that are not UTF-8).
 */
export type AnswerTamperer = (answer: unknown, path: string) => unknown;

/** Ways the simulated Jira can fail. */
export const MISBEHAVIOURS = [
  'unauthorized', // 401 whatever the credentials
  'captcha', // 401 with X-Seraph-LoginReason: AUTHENTICATION_DENIED (too many failed logins)
  'forbidden', // 403 whatever the user
  'xsrf', // 403 "XSRF check failed"
  'not-found', // 404 HTML dead-link page: wrong base URL, or the app is not installed
  'login-page', // 200 with Jira's HTML login page
  'html-page', // 200 with some other HTML page (a proxy's)
  'redirect-login', // 302 to /login.jsp
  'redirect-https', // 301 to another address
  'server-error', // 500 with an HTML error page
  'unavailable', // 503, Jira starting up
  'bad-gateway', // 502 from a proxy
  'rate-limited', // 429 with Retry-After
  'hang', // accepts the request and never answers
  'close', // closes the connection without answering
  'invalid-json', // 200, application/json, not JSON
  'truncated-json', // 200, the first half of the right JSON, properly ended
  'cut-body', // announces the whole length, sends half, closes the connection
  'huge-body', // 200, a JSON list that does not end (until the client hangs up)
  'slow-body', // 200, one byte at a time, endlessly
  'empty-body', // 200, nothing
  'not-a-list', // 200, JSON, but an object where a list belongs
] as const;
export type Misbehaviour = (typeof MISBEHAVIOURS)[number];

/** Which endpoints misbehave: all of them, or one kind. */
export type EndpointKind = 'integrations' | 'integration' | 'status' | 'conflicts' | 'health';

/** What a fault needs from the server that answers. */
export interface FaultContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path below the servlet base. */
  path: string;
  /** Jira's base URL (with the context path). */
  jiraUrl: string;
  contextPath: string;
  /** A JSON answer, as the server sends them. */
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Jira's HTML "dead link" page (404). */
  deadLink(): void;
  /** The JSON the endpoint would answer when it behaves. */
  realBody(): string;
  /** Runs `tick` every `ms` until the response closes (or the server stops). */
  every(ms: number, tick: () => void): void;
}

/** Answers one request with the fault `mode` instead of the real answer. */
export function answerWithFault(mode: Misbehaviour, fault: FaultContext): void {
  const { req, res, path } = fault;
  const jiraBase = fault.contextPath;
  switch (mode) {
    case 'unauthorized':
      fault.json(401, { message: 'Client must be authenticated to access this resource.', 'status-code': 401 },
        { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED', 'WWW-Authenticate': 'OAuth realm="http%3A%2F%2Fjira"' });
      return;
    case 'captcha':
      fault.json(401, { message: 'Client must be authenticated to access this resource.', 'status-code': 401 }, {
        'X-Seraph-LoginReason': 'AUTHENTICATION_DENIED',
        'X-Authentication-Denied-Reason': `CAPTCHA_CHALLENGE; login-url=${fault.jiraUrl}/login.jsp`,
      });
      return;
    case 'forbidden':
      fault.json(403, { errorMessages: ['You do not have the permission to see the specified integrations.'], errors: {} });
      return;
    case 'xsrf':
      res.writeHead(403, { 'Content-Type': 'text/plain;charset=UTF-8' }).end('XSRF check failed');
      return;
    case 'not-found':
      fault.deadLink();
      return;
    case 'login-page':
      res.writeHead(200, { 'Content-Type': HTML_TYPE }).end(
        '<!DOCTYPE html><html><head><title>Log in - Jira</title></head><body>' +
        `<form id="login-form" action="${jiraBase}/login.jsp" method="post">` +
        '<input name="os_username" type="text"><input name="os_password" type="password"></form></body></html>');
      return;
    case 'html-page':
      res.writeHead(200, { 'Content-Type': HTML_TYPE }).end('<html><head><title>Welcome to nginx!</title></head><body>It works</body></html>');
      return;
    case 'redirect-login':
      res.writeHead(302, {
        Location: `${fault.jiraUrl}/login.jsp?permissionViolation=true&os_destination=${encodeURIComponent(`${SERVLET_PATH}${path}`)}&page_caps=&user_role=`,
      }).end();
      return;
    case 'redirect-https':
      res.writeHead(301, { Location: `https://jira.example.com${jiraBase}${SERVLET_PATH}${path}` }).end();
      return;
    case 'server-error':
      res.writeHead(500, { 'Content-Type': HTML_TYPE }).end(
        '<html><head><title>Oops - an error has occurred</title></head><body><pre>java.lang.NullPointerException\n\tat com.k15t.backbone...</pre></body></html>');
      return;
    case 'unavailable':
      res.writeHead(503, { 'Content-Type': HTML_TYPE, 'Retry-After': '30' }).end('<html><head><title>Jira is starting up</title></head></html>');
      return;
    case 'bad-gateway':
      res.writeHead(502, { 'Content-Type': HTML_TYPE }).end('<html><head><title>502 Bad Gateway</title></head></html>');
      return;
    case 'rate-limited':
      fault.json(429, { message: 'Rate limit exceeded.' }, { 'Retry-After': '60' });
      return;
    case 'hang':
      return; // the response stays open until the client gives up or the server stops
    case 'close':
      req.socket.destroy();
      return;
    case 'invalid-json':
      res.writeHead(200, { 'Content-Type': JSON_TYPE }).end('[{"integrationKey": INT-16, "status": {"status": RUNNING}},]');
      return;
    case 'truncated-json': {
      const body = fault.realBody();
      res.writeHead(200, { 'Content-Type': JSON_TYPE }).end(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      return;
    }
    case 'cut-body': {
      const body = fault.realBody();
      res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body) });
      res.write(body.slice(0, Math.max(1, Math.floor(body.length / 2))), () => req.socket.destroy());
      return;
    }
    case 'huge-body': {
      res.writeHead(200, { 'Content-Type': JSON_TYPE });
      const chunk = Buffer.from(`${JSON.stringify(sampleIntegration('INT-9999', 'ZZ-1', 'ZZ-2'))},`.repeat(64));
      let sent = 0;
      res.write('[');
      const pump = () => {
        // Stops when the client hangs up, or at 1 GiB.
        while (!res.destroyed && sent < 1024 ** 3) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
      return;
    }
    case 'slow-body': {
      res.writeHead(200, { 'Content-Type': JSON_TYPE });
      res.write('[');
      fault.every(25, () => { if (!res.destroyed) res.write(' '); });
      return;
    }
    case 'empty-body':
      res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': 0 }).end();
      return;
    case 'not-a-list':
      fault.json(200, { errorMessages: [], self: `${fault.jiraUrl}${SERVLET_PATH}${path}` });
      return;
  }
}

/** Which kind of endpoint a path below the servlet base is. */
export function endpointKind(path: string): EndpointKind {
  if (path.startsWith('/health')) return 'health';
  if (/^\/integrations\/?$/.test(path)) return 'integrations';
  if (path.endsWith('/status')) return 'status';
  if (path.endsWith('/conflicts')) return 'conflicts';
  return 'integration';
}
