import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { durationIn, httpUrl } from '../../config/schema-types.ts';

/** What a holder's name may contain: it is part of a file name on the shared file system. */
export const IDENTITY = /^[A-Za-z0-9_-]{1,100}$/;

export const leaderElectionConfigSchema = z.strictObject({
  /**
   * A folder on the file system every agent of the cluster shares (on Jira Data Center: in the
   * shared home, never under the Backbone root), one per cluster. Holds the lease and the
   * state the next leader continues from (the watcher's checkpoint).
   */
  lease_dir: z.string({ error: 'expected a folder on the shared file system, for example /var/atlassian/application-data/jira-shared/backbone-otel' })
    .min(1, 'expected a folder on the shared file system, found an empty value'),
  /** How long the lease holds without a renewal: a standby takes over at most lease_duration + renew_interval after the leader died or hung. */
  lease_duration: durationIn(15_000, { min: 1_000, max: 600_000 }),
  /** How often the leader renews the lease (standbys look at it twice as often). At most half of lease_duration. */
  renew_interval: durationIn(5_000, { min: 100, max: 300_000 }),
  /** This agent's name in the lease (letters, digits, - and _). Default: host name, process id and a random suffix. */
  identity: z.string().regex(IDENTITY, 'expected letters, digits, - and _ only (at most 100)').optional(),
  /**
   * Leadership follows a Jira that answers: every agent checks its own node's source (the
   * Backbone REST API of a backbone_rest receiver that runs on the leader only) every
   * api_check_interval and says so in lease_dir; a leader whose Jira fails two checks in a row
   * hands the lease to an agent whose Jira answers. Without such a receiver it does nothing.
   */
  follow_api: z.boolean().default(true),
  /** How often each agent checks its own node's Jira for follow_api (one small request). */
  api_check_interval: durationIn(10_000, { min: 100, max: 600_000 }),
  /** Where the lease is: `file` (in lease_dir), or `kubernetes` (a Lease object; lease_dir then keeps only the state the next leader continues from). */
  lease: z.enum(['file', 'kubernetes']).default('file'),
  /** With lease: kubernetes. Inside a pod, everything but `name` comes from its service account. */
  kubernetes: z.strictObject({
    /** Name of the Lease object. */
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'expected a Kubernetes object name (lowercase letters, digits, - and .)').default('backbone-otel-agent'),
    /** Default: the pod's namespace. */
    namespace: z.string().min(1).optional(),
    /** Default: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT. */
    api_url: httpUrl.optional(),
    /** Bearer token, read at every request. Default inside a pod (without api_url): the service account's. */
    token_file: z.string().min(1).optional(),
    /** CA of the API server. Default inside a pod (without api_url): the service account's. */
    ca_file: z.string().min(1).optional(),
  }).prefault({}),
}).superRefine((config, ctx) => {
  if (config.renew_interval * 2 > config.lease_duration) {
    ctx.addIssue({
      code: 'custom', path: ['renew_interval'],
      message: `renew_interval (${config.renew_interval} ms) must be at most half of lease_duration (${config.lease_duration} ms), so that one slow renewal does not lose the lease`,
    });
  }
});

export type LeaderElectionConfig = z.infer<typeof leaderElectionConfigSchema>;

/** host name, process id and a random suffix, as a file name allows it. */
export function defaultIdentity(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60) || 'agent';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
