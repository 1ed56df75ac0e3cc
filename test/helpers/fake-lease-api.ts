// The part of the Kubernetes API a Lease needs (coordination.k8s.io/v1), as the API server
// behaves: GET one lease (404 Status when missing), POST to create (409 AlreadyExists), PUT to
// replace with the resourceVersion last read (409 Conflict when it changed since; without one,
// the API server would replace unconditionally), resourceVersion growing with every write,
// Bearer tokens checked, and clients whose requests are left unanswered (a node cut off).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredLease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion: string; uid: string; creationTimestamp: string };
  spec: Record<string, unknown>;
}

const PATH = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/;

export class FakeLeaseApi {
  readonly leases = new Map<string, StoredLease>();
  /** Accepted tokens; empty: any. */
  readonly tokens = new Set<string>();
  /** Tokens whose requests get no answer (until released by stop()). */
  readonly cutOff = new Set<string>();
  readonly requests: { method: string; path: string; status: number | 'held' }[] = [];
  private revision = 100;
  private readonly held: ServerResponse[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.held.splice(0)) res.socket?.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '';
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (this.cutOff.has(token)) {
        this.requests.push({ method, path, status: 'held' });
        this.held.push(res);
        return;
      }
      const answer = (status: number, body: unknown) => {
        this.requests.push({ method, path, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      const status = (code: number, reason: string, message: string) =>
        answer(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
      if (this.tokens.size > 0 && !this.tokens.has(token)) return status(401, 'Unauthorized', 'Unauthorized');
      const match = PATH.exec(new URL(path, 'http://x').pathname);
      if (!match) return status(404, 'NotFound', `the server could not find the requested resource (${path})`);
      const namespace = decodeURIComponent(match[1]!);
      const name = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
      let body: { apiVersion?: string; kind?: string; metadata?: { name?: string; resourceVersion?: string }; spec?: Record<string, unknown> } = {};
      if (method !== 'GET') {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
        } catch {
          return status(400, 'BadRequest', 'the body is not JSON');
        }
        if (body.apiVersion !== 'coordination.k8s.io/v1' || body.kind !== 'Lease') return status(400, 'BadRequest', 'expected a coordination.k8s.io/v1 Lease');
      }
      const key = `${namespace}/${name ?? body.metadata?.name ?? ''}`;
      const current = this.leases.get(key);
      if (method === 'GET' && name !== undefined) {
        return current ? answer(200, current) : status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
      }
      if (method === 'POST' && name === undefined) {
        const created = body.metadata?.name;
        if (!created) return status(422, 'Invalid', 'metadata.name: Required value');
        if (current) return status(409, 'AlreadyExists', `leases.coordination.k8s.io "${created}" already exists`);
        const lease = this.store(namespace, created, body.spec ?? {}, undefined);
        return answer(201, lease);
      }
      if (method === 'PUT' && name !== undefined) {
        if (body.metadata?.name !== name) return status(400, 'BadRequest', 'the name of the object does not match the name on the URL');
        if (!current) return status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
        const expected = body.metadata.resourceVersion;
        if (expected !== undefined && expected !== current.metadata.resourceVersion) {
          return status(409, 'Conflict', `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`);
        }
        return answer(200, this.store(namespace, name, body.spec ?? {}, current));
      }
      return status(405, 'MethodNotAllowed', `${method} is not allowed here`);
    });
  }

  private store(namespace: string, name: string, spec: Record<string, unknown>, previous: StoredLease | undefined): StoredLease {
    const lease: StoredLease = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: {
        name, namespace, resourceVersion: String(++this.revision),
        uid: previous?.metadata.uid ?? `uid-${this.revision}`, creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString(),
      },
      // Null fields are dropped, as the API server does.
      spec: Object.fromEntries(Object.entries(spec).filter(([, value]) => value !== null)),
    };
    this.leases.set(`${namespace}/${name}`, lease);
    return lease;
  }
}
