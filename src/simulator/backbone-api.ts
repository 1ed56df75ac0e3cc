// A simulated Backbone Issue Sync REST API (version 1) on a real HTTP or HTTPS server: the
// servlet path, field names and shapes as documented (status embedded in the list as older
// versions do, or only at /integrations/{key}/status as newer ones may), extra fields the agent
// does not know, Basic and Bearer auth, Jira administrators and project administrators, the
// XSRF check. It answers from its model (api-model.ts), which tests and the demo change, and
// misbehaves in each way a real Jira can (api-faults.ts) when told to.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { http, httpsModule } from '../component/node-http.ts';
import { DEFAULT_USER, type SimConnectorStatus, type SimIntegration, SimulatedIntegrations, type SimUser } from './api-model.ts';
import {
  type AnswerTamperer, answerWithFault, type EndpointKind, endpointKind, HTML_TYPE, JSON_TYPE, type Misbehaviour, SERVLET_PATH,
} from './api-faults.ts';

// The names tests, the demo and the benchmarks import from here.
export {
  DEFAULT_USER, sampleIntegration, type SimConnectorConfig, type SimConnectorStatus, type SimIntegration, SimulatedIntegrations,
  type SimUser, SYNCHRONIZATION_STATUSES,
} from './api-model.ts';
export { type AnswerTamperer, type EndpointKind, type Misbehaviour, MISBEHAVIOURS, SERVLET_PATH } from './api-faults.ts';

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

export class SimulatedBackboneApi {
  readonly options: SimulatedApiOptions;
  readonly users: SimUser[];
  /** What the API shows: change it here or through the shortcuts below. */
  readonly model: SimulatedIntegrations;
  /** Every request received, in order. */
  readonly requests: SimRequest[] = [];
  /** The most requests that were in flight at once. */
  maxInFlight = 0;
  embedStatus: boolean;
  private misbehaviour: { mode: Misbehaviour; only: EndpointKind | undefined } | undefined;
  private tamperer: { tamper: AnswerTamperer; only: EndpointKind } | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  /** Jira's base URL (with the context path), once started. */
  url = '';

  constructor(options: SimulatedApiOptions = {}) {
    this.options = options;
    this.users = options.users ?? [DEFAULT_USER];
    this.embedStatus = options.embedStatus ?? true;
    this.model = new SimulatedIntegrations(options.integrations ?? []);
  }

  /** The base URL of the API itself. */
  get apiUrl(): string {
    return `${this.url}${SERVLET_PATH}/`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    this.server = this.options.tls ? httpsModule().createServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handler) : http.createServer(handler);
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
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // --- The model, for short -----------------------------------------------------------

  put(integration: SimIntegration): void {
    this.model.put(integration);
  }

  remove(key: string): void {
    this.model.remove(key);
  }

  get(key: string): SimIntegration {
    return this.model.get(key);
  }

  keys(): string[] {
    return this.model.keys();
  }

  setStatus(key: string, status: string): void {
    this.model.setStatus(key, status);
  }

  setConnector(key: string, position: 'first' | 'second', fields: Partial<SimConnectorStatus>): void {
    this.model.setConnector(key, position, fields);
  }

  // --- Faults ------------------------------------------------------------------------

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
      this.answerWithFault(misbehaviour.mode, req, res, path, url);
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
      const list = this.model.all()
        .filter((i) => projectKey === undefined || [i.firstConnector?.projectKey, i.secondConnector?.projectKey].includes(projectKey))
        .map((i) => this.render(i, this.embedStatus));
      this.json(res, 200, list);
      return;
    }
    const match = /^\/integrations\/([^/]+)(\/status|\/conflicts)?\/?$/.exec(path);
    const key = match ? decodeURIComponent(match[1]!) : undefined;
    const integration = key === undefined ? undefined : this.model.find(key);
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
    const integration = key === undefined ? undefined : this.model.find(decodeURIComponent(key));
    if (integration && path.endsWith('/status')) return JSON.stringify(this.renderStatus(integration));
    if (integration) return JSON.stringify(this.render(integration, true));
    const projectKey = url.searchParams.get('projectKey');
    return JSON.stringify(this.model.all()
      .filter((i) => projectKey === null || [i.firstConnector?.projectKey, i.secondConnector?.projectKey].includes(projectKey))
      .map((i) => this.render(i, this.embedStatus)));
  }

  private answerWithFault(mode: Misbehaviour, req: IncomingMessage, res: ServerResponse, path: string, url: URL): void {
    answerWithFault(mode, {
      req, res, path, jiraUrl: this.url, contextPath: this.options.contextPath ?? '',
      json: (status, body, headers) => this.json(res, status, body, headers),
      deadLink: () => this.deadLink(res),
      realBody: () => this.realBody(path, url),
      every: (ms, tick) => {
        const timer = setInterval(tick, ms);
        this.timers.add(timer);
        res.on('close', () => { clearInterval(timer); this.timers.delete(timer); });
      },
    });
  }
}

function pathBelowServlet(url: string, contextPath: string): string {
  const pathname = new URL(url, 'http://simulated').pathname;
  const base = `${contextPath}${SERVLET_PATH}`;
  return pathname.startsWith(base) ? pathname.slice(base.length) || '/' : pathname;
}
