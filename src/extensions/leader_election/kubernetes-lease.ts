// The lease as a Kubernetes Lease object (coordination.k8s.io/v1), for agents that run in a
// cluster: the same compare-and-swap as the file lease, by the API server's optimistic
// concurrency: every write names the resourceVersion the agent last read, and the API server
// refuses it (409 Conflict) if the object changed since. holderIdentity is the holder,
// leaseTransitions the epoch (it grows with every new term), and a release clears the holder.
// Times in the object (renewTime, leaseDurationSeconds) are written for people and for other
// tools; the elector never compares them with its own clock.
//
// Needs: get, create, update on leases in the namespace (deploy/kubernetes/lease-rbac.yaml: a Role and RoleBinding for
// the agent's service account).
import { readFileSync } from 'node:fs';
import { http, httpsModule } from '../../component/node-http.ts';
import type { LeaseBackend, LeaseRecord } from './lease.ts';

export interface KubernetesLeaseOptions {
  /** The API server, e.g. https://10.0.0.1:443. */
  apiUrl: string;
  namespace: string;
  name: string;
  /** Read at every request (the kubelet rotates projected tokens). */
  tokenFile?: string | undefined;
  caFile?: string | undefined;
  leaseDurationMs: number;
  /** Per request. */
  timeoutMs?: number;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The API server, token, CA and namespace of the pod this runs in. */
export function inClusterDefaults(env: Record<string, string | undefined> = process.env): { apiUrl?: string; namespace?: string; tokenFile: string; caFile: string } {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  let namespace: string | undefined;
  try {
    namespace = readFileSync(`${SERVICE_ACCOUNT}/namespace`, 'utf8').trim() || undefined;
  } catch {
    namespace = undefined;
  }
  return {
    ...(host ? { apiUrl: `https://${host.includes(':') ? `[${host}]` : host}:${port}` } : {}),
    ...(namespace ? { namespace } : {}),
    tokenFile: `${SERVICE_ACCOUNT}/token`, caFile: `${SERVICE_ACCOUNT}/ca.crt`,
  };
}

interface LeaseObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class KubernetesLease implements LeaseBackend {
  readonly description: string;
  private readonly options: KubernetesLeaseOptions;
  private ca: Buffer | undefined;

  constructor(options: KubernetesLeaseOptions) {
    this.options = options;
    this.description = `Kubernetes Lease ${options.namespace}/${options.name}`;
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.options.namespace)}/leases`;
  }

  async prepare(): Promise<void> {
    // Reading the lease (or finding none) proves the address, the token and the permission.
    await this.observe();
  }

  async observe(): Promise<LeaseRecord | undefined> {
    try {
      return this.record(await this.call('GET', `${this.path}/${encodeURIComponent(this.options.name)}`));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async acquire(seen: LeaseRecord | undefined, identity: string): Promise<LeaseRecord | undefined> {
    const now = microTime();
    const epoch = (seen?.epoch ?? 0) + 1;
    const spec = {
      holderIdentity: identity, leaseDurationSeconds: Math.max(1, Math.ceil(this.options.leaseDurationMs / 1000)),
      acquireTime: now, renewTime: now, leaseTransitions: epoch,
    };
    try {
      if (seen === undefined) {
        return this.record(await this.call('POST', this.path, {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name }, spec,
        }));
      }
      return this.record(await this.call('PUT', `${this.path}/${encodeURIComponent(this.options.name)}`, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: { name: this.options.name, resourceVersion: seen.version }, spec,
      }));
    } catch (error) {
      // 409: created by another agent first, or changed since it was read. 404: deleted meanwhile.
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) return undefined;
      throw error;
    }
  }

  async renew(mine: LeaseRecord): Promise<LeaseRecord | undefined> {
    return this.update(mine, { holderIdentity: mine.holder, renewTime: microTime() });
  }

  async release(mine: LeaseRecord): Promise<void> {
    // As client-go releases: no holder, and the shortest duration.
    await this.update(mine, { holderIdentity: null, leaseDurationSeconds: 1, acquireTime: null, renewTime: null });
  }

  private async update(mine: LeaseRecord, change: NonNullable<LeaseObject['spec']>): Promise<LeaseRecord | undefined> {
    const spec = {
      holderIdentity: mine.holder, leaseDurationSeconds: Math.max(1, Math.ceil(this.options.leaseDurationMs / 1000)),
      leaseTransitions: mine.epoch, ...change,
    };
    try {
      return this.record(await this.call('PUT', `${this.path}/${encodeURIComponent(this.options.name)}`, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.options.name, resourceVersion: mine.version }, spec,
      }));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 409 || error.status === 404)) return undefined;
      throw error;
    }
  }

  private record(lease: LeaseObject): LeaseRecord {
    const holder = lease.spec?.holderIdentity ?? '';
    return {
      version: lease.metadata.resourceVersion ?? '',
      epoch: lease.spec?.leaseTransitions ?? 0,
      holder: holder === '' ? '(none)' : holder,
      released: holder === '',
    };
  }

  private call(method: 'GET' | 'POST' | 'PUT', path: string, body?: LeaseObject): Promise<LeaseObject> {
    const url = new URL(path, this.options.apiUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (this.options.tokenFile) headers.authorization = `Bearer ${readFileSync(this.options.tokenFile, 'utf8').trim()}`;
    const https = url.protocol === 'https:';
    if (https && this.options.caFile !== undefined) this.ca ??= readFileSync(this.options.caFile);
    const send = https ? httpsModule().request : http.request;
    return new Promise<LeaseObject>((resolve, reject) => {
      const req = send(url, { method, headers, timeout: this.options.timeoutMs ?? 10_000, ...(this.ca ? { ca: this.ca } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              resolve(JSON.parse(text) as LeaseObject);
            } catch {
              reject(new Error(`${method} ${url.pathname}: the answer is not JSON`));
            }
            return;
          }
          let message = text.slice(0, 200);
          try {
            message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
          } catch {
            // not a Status object
          }
          reject(new ApiError(status, `${method} ${url.pathname}: ${status} ${message}`));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${this.options.timeoutMs ?? 10_000} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
