// A simulated Backbone Issue Sync REST API (version 1) on a real HTTP or
// HTTPS server: the servlet path, field names and shapes as documented (status embedded in
// the list as older versions do, or only at /integrations/{key}/status as newer ones may),
// extra fields the agent does not know, Basic and Bearer auth, Jira administrators and
// project administrators, the XSRF check. Tests and the demo drive its state, and tell it
// to misbehave in each way a real Jira can.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { randomInt, seededRandom } from './random.ts';

export const SERVLET_PATH = '/plugins/servlet/backbone-issue-sync/api/1';

export interface SimConnectorStatus {
  connectorKey?: string;
  online?: boolean;
  reconnecting?: boolean;
  incomingRouteStatus?: string;
  incomingProcessingStatus?: string;
  incomingDetails?: string;
  outgoingRouteStatus?: string;
  outgoingProcessingStatus?: string;
  outgoingDetails?: string;
  externalRouteStatus?: string;
  issuesInError?: number;
  [field: string]: unknown;
}

export interface SimConnectorConfig {
  connectorKey?: string;
  projectKey?: string;
  [field: string]: unknown;
}

export interface SimIntegration {
  integrationKey: string;
  summary?: string;
  description?: string;
  createdUser?: string;
  lastModifiedUser?: string;
  createdDate?: string;
  lastModifiedDate?: string;
  firstConnector?: SimConnectorConfig;
  secondConnector?: SimConnectorConfig;
  status?: { status?: string; firstConnector?: SimConnectorStatus; secondConnector?: SimConnectorStatus; [field: string]: unknown };
  [field: string]: unknown;
}

export interface SimUser {
  username: string;
  password?: string;
  /** A personal access token (Bearer). */
  token?: string;
  /** A Jira administrator sees every integration. */
  jiraAdmin?: boolean;
  /** Projects (keys) this user administers; such a user must pass projectKey. */
  projectAdminOf?: string[];
}

/**
 * Synchronization statuses Backbone documents: server and Data Center, then cloud and newer
 * versions. The agent knows only RUNNING; every other value must reach the metrics as it is.
 */
export const SYNCHRONIZATION_STATUSES = [
  'RUNNING', 'STOPPED', 'RESTART REQUIRED', 'HANDSHAKE', 'WAITING FOR SLAVE', 'UPDATE REQUIRED',
  'REQUEST SENT', 'INCOMING REQUEST', 'DECLINED',
] as const;

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

export interface SimRequest {
  method: string;
  /** Path below the servlet base ("/integrations/INT-16/status"), or the full path outside it. */
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
}

export interface SimulatedApiOptions {
  /** Jira's context path, e.g. "/jira"; "" for none. */
  contextPath?: string;
  users?: SimUser[];
  /** Older versions embed `status` in the list; newer ones may not. Default true. */
  embedStatus?: boolean;
  /** Adds fields the agent does not know to every object, as a newer version would. Default true. */
  extraFields?: boolean;
  /** Answers 403 "XSRF check failed" to requests without X-Atlassian-Token: no-check. Default true. */
  xsrfCheck?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  integrations?: SimIntegration[];
}

export const DEFAULT_USER: SimUser = { username: 'monitor', password: 'Sup3r-Secret!', token: 'NjQ2MzM0-pat-token', jiraAdmin: true };

/** A synchronization as the documentation shows one: two connectors, both online, running. */
export function sampleIntegration(key: string, firstConnector: string, secondConnector: string): SimIntegration {
  const connector = (connectorKey: string): SimConnectorStatus => ({
    connectorKey, online: true, reconnecting: false,
    incomingRouteStatus: 'STARTED', incomingProcessingStatus: 'IDLE', incomingDetails: '',
    outgoingRouteStatus: 'STARTED', outgoingProcessingStatus: 'IDLE', outgoingDetails: '',
    externalRouteStatus: 'STARTED', issuesInError: 0,
  });
  const projectKey = (connectorKey: string) => connectorKey.replace(/-\d+$/, '');
  return {
    integrationKey: key,
    summary: `Sync ${projectKey(firstConnector)} <-> ${projectKey(secondConnector)}`,
    description: 'Keeps issues of both projects in step',
    createdUser: 'admin',
    lastModifiedUser: 'admin',
    createdDate: '2016-11-10T11:07:10+0100',
    lastModifiedDate: '2016-11-10T11:07:10+0100',
    firstConnector: { connectorKey: firstConnector, projectKey: projectKey(firstConnector) },
    secondConnector: { connectorKey: secondConnector, projectKey: projectKey(secondConnector) },
    status: { status: 'RUNNING', firstConnector: connector(firstConnector), secondConnector: connector(secondConnector) },
  };
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const HTML_TYPE = 'text/html;charset=UTF-8';

export class SimulatedBackboneApi {
  readonly options: SimulatedApiOptions;
  readonly users: SimUser[];
  /** Every request received, in order. */
  readonly requests: SimRequest[] = [];
  /** The most requests that were in flight at once. */
  maxInFlight = 0;
  embedStatus: boolean;
  private readonly integrations = new Map<string, SimIntegration>();
  private misbehaviour: { mode: Misbehaviour; only: EndpointKind | undefined } | undefined;
  private tamperer: { tamper: AnswerTamperer; only: EndpointKind } | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private driver: NodeJS.Timeout | undefined;
  /** Jira's base URL (with the context path), once started. */
  url = '';

  constructor(options: SimulatedApiOptions = {}) {
    this.options = options;
    this.users = options.users ?? [DEFAULT_USER];
    this.embedStatus = options.embedStatus ?? true;
    for (const integration of options.integrations ?? []) this.put(integration);
  }

  /** The base URL of the API itself. */
  get apiUrl(): string {
    return `${this.url}${SERVLET_PATH}/`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = this.options.tls ? createHttpsServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handler) : createHttpServer(handler);
    this.server.on(this.options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A TLS client that rejects the certificate leaves a handshake error here: not a server problem.
    this.server.on('tlsClientError', () => {});
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.url = `${this.options.tls ? 'https' : 'http'}://${host}:${address.port}${this.options.contextPath ?? ''}`;
    return this;
  }

  async stop(): Promise<void> {
    this.stopDriving();
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // --- State -------------------------------------------------------------------------

  put(integration: SimIntegration): void {
    this.integrations.set(integration.integrationKey, structuredClone(integration));
  }

  remove(key: string): void {
    this.integrations.delete(key);
  }

  get(key: string): SimIntegration {
    const integration = this.integrations.get(key);
    if (!integration) throw new Error(`no simulated integration ${key}`);
    return integration;
  }

  keys(): string[] {
    return [...this.integrations.keys()];
  }

  /** Sets the synchronization status (any text: the API may invent new values). */
  setStatus(key: string, status: string): void {
    const integration = this.get(key);
    integration.status ??= {};
    integration.status.status = status;
  }

  /** Changes fields of a connector's status; a field set to undefined is left out of the answers. */
  setConnector(key: string, position: 'first' | 'second', fields: Partial<SimConnectorStatus>): void {
    const integration = this.get(key);
    integration.status ??= {};
    const name = position === 'first' ? 'firstConnector' : 'secondConnector';
    const connector: SimConnectorStatus = integration.status[name] ?? {};
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) delete connector[field];
      else connector[field] = value;
    }
    integration.status[name] = connector;
  }

  /** Misbehaves from now on, everywhere or only at one kind of endpoint; behave() ends it. */
  misbehave(mode: Misbehaviour, only?: EndpointKind): void {
    this.misbehaviour = { mode, only };
  }

  /**
   * From now on, 200 answers of one kind of endpoint are rewritten by `tamper` (answers of a
   * shape Backbone does not document, or bytes that are not UTF-8); behave() ends it.
   */
  tamper(only: EndpointKind, tamper: AnswerTamperer): void {
    this.tamperer = { tamper, only };
  }

  behave(): void {
    this.misbehaviour = undefined;
    this.tamperer = undefined;
  }

  /**
   * For the demo: every interval, something happens to a random integration, as in a real
   * installation: issues fall into error and get fixed, a connector drops offline and comes
   * back, a synchronization is stopped and started again.
   */
  drive(options: { seed: number; intervalMs: number }): void {
    const random = seededRandom(options.seed);
    this.driver = setInterval(() => {
      const keys = this.keys();
      const key = keys[Math.floor(random() * keys.length)];
      if (key === undefined) return;
      const integration = this.get(key);
      const position = random() < 0.5 ? 'first' : 'second';
      const connector = integration.status?.[position === 'first' ? 'firstConnector' : 'secondConnector'];
      const roll = random();
      if (roll < 0.45) {
        const now = connector?.issuesInError ?? 0;
        this.setConnector(key, position, { issuesInError: Math.max(0, now + (random() < 0.55 ? randomInt(random, 1, 3) : -randomInt(random, 1, 3))) });
      } else if (roll < 0.65) {
        this.setConnector(key, position, { online: !(connector?.online ?? true), reconnecting: connector?.online === true && random() < 0.5 });
      } else if (roll < 0.8) {
        const processing = random() < 0.5 ? 'PROCESSING' : 'IDLE';
        this.setConnector(key, position, { incomingProcessingStatus: processing });
      } else if (roll < 0.9) {
        // Any documented status other than RUNNING, as a real installation shows now and then.
        const others = SYNCHRONIZATION_STATUSES.slice(1);
        const status = integration.status?.status === 'RUNNING' ? others[Math.floor(random() * others.length)]! : 'RUNNING';
        this.setStatus(key, status);
        const route = status === 'RUNNING' ? 'STARTED' : 'STOPPED';
        for (const p of ['first', 'second'] as const) this.setConnector(key, p, { incomingRouteStatus: route, outgoingRouteStatus: route });
      } else if (integration.status?.status !== 'RUNNING') {
        this.setStatus(key, 'RUNNING');
        for (const p of ['first', 'second'] as const) this.setConnector(key, p, { incomingRouteStatus: 'STARTED', outgoingRouteStatus: 'STARTED' });
      }
    }, options.intervalMs);
    this.driver.unref();
  }

  stopDriving(): void {
    clearInterval(this.driver);
    this.driver = undefined;
  }

  // --- HTTP --------------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://simulated');
    const base = `${this.options.contextPath ?? ''}${SERVLET_PATH}`;
    const inServlet = url.pathname === base || url.pathname.startsWith(`${base}/`);
    const path = inServlet ? url.pathname.slice(base.length) || '/' : url.pathname;
    this.requests.push({ method: req.method ?? '', path, query: Object.fromEntries(url.searchParams), headers: req.headers });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => { this.inFlight--; });
    req.resume();

    if (!inServlet) {
      this.deadLink(res);
      return;
    }
    const kind = endpointKind(path);
    const misbehaviour = this.misbehaviour;
    if (misbehaviour && (misbehaviour.only === undefined || misbehaviour.only === kind)) {
      this.misbehaveOn(misbehaviour.mode, req, res, path, url);
      return;
    }
    const user = this.authenticate(req);
    if (!user) {
      this.json(res, 401, { message: 'Client must be authenticated to access this resource.', 'status-code': 401 },
        { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' });
      return;
    }
    if ((this.options.xsrfCheck ?? true) && req.headers['x-atlassian-token'] !== 'no-check') {
      res.writeHead(403, { 'Content-Type': 'text/plain;charset=UTF-8' }).end('XSRF check failed');
      return;
    }
    if (req.method !== 'GET') {
      // The endpoints that change things exist, but the agent must never call them.
      this.json(res, 405, { errorMessages: [`${req.method} is not allowed on this simulated API`] });
      return;
    }
    this.answer(res, user, path, url.searchParams.get('projectKey') ?? undefined);
  }

  private answer(res: ServerResponse, user: SimUser, path: string, projectKey: string | undefined): void {
    const visible = (integration: SimIntegration) => {
      const projects = [integration.firstConnector?.projectKey, integration.secondConnector?.projectKey];
      return user.jiraAdmin || projects.some((p) => p !== undefined && (user.projectAdminOf ?? []).includes(p));
    };
    if (path === '/health') {
      this.json(res, 200, { status: 'OK', version: '4.0.3', ...(this.extras() ? { checks: [{ name: 'database', healthy: true }] } : {}) });
      return;
    }
    if (path === '/integrations' || path === '/integrations/') {
      if (projectKey === undefined && !user.jiraAdmin) {
        this.json(res, 403, { errorMessages: ['You must be a Jira administrator, or pass projectKey of a project you administer.'], errors: {} });
        return;
      }
      if (projectKey !== undefined && !user.jiraAdmin && !(user.projectAdminOf ?? []).includes(projectKey)) {
        this.json(res, 403, { errorMessages: [`You are not an administrator of project ${projectKey}.`], errors: {} });
        return;
      }
      const list = [...this.integrations.values()]
        .filter((i) => projectKey === undefined || [i.firstConnector?.projectKey, i.secondConnector?.projectKey].includes(projectKey))
        .map((i) => this.render(i, this.embedStatus));
      this.json(res, 200, list);
      return;
    }
    const match = /^\/integrations\/([^/]+)(\/status|\/conflicts)?\/?$/.exec(path);
    const key = match ? decodeURIComponent(match[1]!) : undefined;
    const integration = key === undefined ? undefined : this.integrations.get(key);
    if (!match || !integration) {
      this.json(res, 404, { errorMessages: [key === undefined ? `No resource at ${path}` : `Integration ${key} does not exist.`], errors: {} });
      return;
    }
    if (!visible(integration)) {
      this.json(res, 403, { errorMessages: [`You are not allowed to see integration ${key}.`], errors: {} });
      return;
    }
    if (match[2] === '/status') this.json(res, 200, this.renderStatus(integration));
    else if (match[2] === '/conflicts') this.json(res, 200, []);
    else this.json(res, 200, this.render(integration, true));
  }

  private extras(): boolean {
    return this.options.extraFields ?? true;
  }

  private render(integration: SimIntegration, withStatus: boolean): Record<string, unknown> {
    const { status: _status, ...rest } = integration;
    const out: Record<string, unknown> = { ...structuredClone(rest) };
    if (this.extras()) {
      out.syncType = 'LOCAL';
      out.permissionsScheme = { id: 10_100, name: 'Default' };
      for (const name of ['firstConnector', 'secondConnector']) {
        const connector = out[name];
        if (connector && typeof connector === 'object') Object.assign(connector, { issueTypeMappings: [{ from: 'Bug', to: 'Defect' }], fieldMappingCount: 12 });
      }
    }
    if (withStatus && integration.status) out.status = this.renderStatus(integration);
    return out;
  }

  private renderStatus(integration: SimIntegration): Record<string, unknown> {
    const status: Record<string, unknown> = structuredClone(integration.status ?? {});
    if (this.extras()) {
      status.lastSynchronization = '2024-03-01T09:15:00+0100';
      for (const name of ['firstConnector', 'secondConnector']) {
        const connector = status[name];
        if (connector && typeof connector === 'object') Object.assign(connector, { externalProcessingDetails: '', queueSize: 0 });
      }
    }
    return status;
  }

  private authenticate(req: IncomingMessage): SimUser | undefined {
    const header = req.headers.authorization ?? '';
    const [scheme, value] = header.split(' ', 2);
    if (scheme?.toLowerCase() === 'basic' && value) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
      return this.users.find((u) => u.username === username && u.password !== undefined && u.password === password);
    }
    if (scheme?.toLowerCase() === 'bearer' && value) return this.users.find((u) => u.token !== undefined && u.token === value);
    return undefined;
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const path = res.req.url ?? '';
    const tamperer = this.tamperer;
    const tampered = status === 200 && tamperer && endpointKind(pathBelowServlet(path, this.options.contextPath ?? '')) === tamperer.only
      ? tamperer.tamper(structuredClone(body), path)
      : body;
    const bytes = Buffer.isBuffer(tampered) ? tampered : Buffer.from(JSON.stringify(tampered) ?? '', 'utf8');
    res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': bytes.length, ...headers }).end(bytes);
  }

  private deadLink(res: ServerResponse): void {
    res.writeHead(404, { 'Content-Type': HTML_TYPE }).end(
      '<!DOCTYPE html><html><head><title>Oops, you\'ve found a dead link. - Jira</title></head>' +
      '<body><h1>Oops, you\'ve found a dead link.</h1></body></html>');
  }

  private realBody(path: string, url: URL): string {
    if (path === '/health') return JSON.stringify({ status: 'OK' });
    const key = /^\/integrations\/([^/]+)/.exec(path)?.[1];
    const integration = key === undefined ? undefined : this.integrations.get(decodeURIComponent(key));
    if (integration && path.endsWith('/status')) return JSON.stringify(this.renderStatus(integration));
    if (integration) return JSON.stringify(this.render(integration, true));
    const projectKey = url.searchParams.get('projectKey');
    return JSON.stringify([...this.integrations.values()]
      .filter((i) => projectKey === null || [i.firstConnector?.projectKey, i.secondConnector?.projectKey].includes(projectKey))
      .map((i) => this.render(i, this.embedStatus)));
  }

  private misbehaveOn(mode: Misbehaviour, req: IncomingMessage, res: ServerResponse, path: string, url: URL): void {
    const jiraBase = this.options.contextPath ?? '';
    const every = (ms: number, tick: () => void) => {
      const timer = setInterval(tick, ms);
      this.timers.add(timer);
      res.on('close', () => { clearInterval(timer); this.timers.delete(timer); });
    };
    switch (mode) {
      case 'unauthorized':
        this.json(res, 401, { message: 'Client must be authenticated to access this resource.', 'status-code': 401 },
          { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED', 'WWW-Authenticate': 'OAuth realm="http%3A%2F%2Fjira"' });
        return;
      case 'captcha':
        this.json(res, 401, { message: 'Client must be authenticated to access this resource.', 'status-code': 401 }, {
          'X-Seraph-LoginReason': 'AUTHENTICATION_DENIED',
          'X-Authentication-Denied-Reason': `CAPTCHA_CHALLENGE; login-url=${this.url}/login.jsp`,
        });
        return;
      case 'forbidden':
        this.json(res, 403, { errorMessages: ['You do not have the permission to see the specified integrations.'], errors: {} });
        return;
      case 'xsrf':
        res.writeHead(403, { 'Content-Type': 'text/plain;charset=UTF-8' }).end('XSRF check failed');
        return;
      case 'not-found':
        this.deadLink(res);
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
          Location: `${this.url}/login.jsp?permissionViolation=true&os_destination=${encodeURIComponent(`${SERVLET_PATH}${path}`)}&page_caps=&user_role=`,
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
        this.json(res, 429, { message: 'Rate limit exceeded.' }, { 'Retry-After': '60' });
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
        const body = this.realBody(path, url);
        res.writeHead(200, { 'Content-Type': JSON_TYPE }).end(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
        return;
      }
      case 'cut-body': {
        const body = this.realBody(path, url);
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
        every(25, () => { if (!res.destroyed) res.write(' '); });
        return;
      }
      case 'empty-body':
        res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': 0 }).end();
        return;
      case 'not-a-list':
        this.json(res, 200, { errorMessages: [], self: `${this.url}${SERVLET_PATH}${path}` });
        return;
    }
  }
}

function pathBelowServlet(url: string, contextPath: string): string {
  const pathname = new URL(url, 'http://simulated').pathname;
  const base = `${contextPath}${SERVLET_PATH}`;
  return pathname.startsWith(base) ? pathname.slice(base.length) || '/' : pathname;
}

function endpointKind(path: string): EndpointKind {
  if (path.startsWith('/health')) return 'health';
  if (/^\/integrations\/?$/.test(path)) return 'integrations';
  if (path.endsWith('/status')) return 'status';
  if (path.endsWith('/conflicts')) return 'conflicts';
  return 'integration';
}
