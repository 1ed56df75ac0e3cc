// leader_election: several agents beside the nodes of one Jira Data Center cluster, one
// shared home; the receivers named in service.leader_election (by default the Backbone
// receivers) run on one agent at a time, the leader, so that nothing is reported twice. The
// extension keeps the lease (elector.ts over lease.ts, or kubernetes-lease.ts); the service's leadership controller
// (leadership.ts) starts and stops the receivers as the lease comes and goes.
import type { ExtensionFactory, Lifecycle } from '../../component/component.ts';
import { defaultIdentity, type LeaderElectionConfig, leaderElectionConfigSchema } from './config.ts';
import { LeaderElector } from './elector.ts';
import { inClusterDefaults, KubernetesLease } from './kubernetes-lease.ts';
import { FileLease, type LeaseBackend } from './lease.ts';
import { Leadership } from './leadership.ts';

/** What the leadership controller uses of the extension. */
export interface LeaderElection {
  readonly elector: LeaderElector;
  /** Where state that passes from one leader to the next is kept (the lease folder). */
  readonly stateDir: string;
  /** How often to check this node's source when leadership follows it (follow_api); undefined when it does not. */
  readonly apiCheckIntervalMs: number | undefined;
}

const HANDLE: unique symbol = Symbol('leader_election');

interface LeaderElectionExtension extends Lifecycle {
  [HANDLE]: LeaderElection;
}

/** The leader election behind a running extension, if it is one. */
export function leaderElectionOf(component: Lifecycle): LeaderElection | undefined {
  return (component as Partial<LeaderElectionExtension>)[HANDLE];
}

export const leaderElectionExtensionFactory: ExtensionFactory<LeaderElectionConfig> = {
  kind: 'extension',
  type: 'leader_election',
  stability: 'alpha',
  description: 'Several agents, one shared home (Jira Data Center): the receivers of service.leader_election run on one agent at a time, with takeover when it dies or hangs (a lease file with a fencing token, safe on NFS; or a Kubernetes Lease).',
  signals: [],
  configSchema: leaderElectionConfigSchema,
  leadership: (context) => Leadership.create(context),
  createExtension: ({ config, log }) => {
    // The state the next leader continues from is in lease_dir, whichever backend keeps the lease.
    const stateDir = new FileLease(config.lease_dir);
    const backend: LeaseBackend = config.lease === 'file' ? stateDir : kubernetesLease(config);
    const elector = new LeaderElector({
      backend, identity: config.identity ?? defaultIdentity(), log,
      leaseDurationMs: config.lease_duration, renewIntervalMs: config.renew_interval,
    });
    const extension: LeaderElectionExtension = {
      [HANDLE]: { elector, stateDir: stateDir.dir, apiCheckIntervalMs: config.follow_api ? config.api_check_interval : undefined },
      async start() {
        try {
          await stateDir.prepare();
        } catch (error) {
          throw new Error(`cannot use lease_dir ${config.lease_dir}: ${(error as Error).message}`);
        }
        if (backend !== stateDir) {
          try {
            await backend.prepare();
          } catch (error) {
            throw new Error(`cannot use the ${backend.description}: ${(error as Error).message}`);
          }
        }
        log.info(`leader election as ${elector.identity}: ${backend.description}, lease_duration ${config.lease_duration} ms, renew_interval ${config.renew_interval} ms`);
      },
      async shutdown() {
        await elector.stop();
      },
    };
    return extension;
  },
};

/** The Kubernetes Lease the configuration names; one that fails at start when it names none. */
function kubernetesLease(config: LeaderElectionConfig): LeaseBackend {
  const k = config.kubernetes;
  // Inside a pod without an explicit api_url: the service account's address, token and CA.
  const pod = k.api_url === undefined ? inClusterDefaults() : undefined;
  const apiUrl = k.api_url ?? pod?.apiUrl;
  const namespace = k.namespace ?? pod?.namespace;
  const missing = apiUrl === undefined
    ? 'kubernetes.api_url (outside a Kubernetes pod: KUBERNETES_SERVICE_HOST is not set)'
    : namespace === undefined ? 'kubernetes.namespace (the service account\'s namespace file cannot be read)' : undefined;
  if (missing !== undefined) {
    const fail = () => Promise.reject(new Error(`lease: kubernetes needs ${missing}`));
    return { description: `Kubernetes Lease ${k.name}`, prepare: fail, observe: fail, acquire: fail, renew: fail, release: fail };
  }
  return new KubernetesLease({
    apiUrl: apiUrl!, namespace: namespace!, name: k.name, leaseDurationMs: config.lease_duration,
    tokenFile: k.token_file ?? pod?.tokenFile, caFile: k.ca_file ?? pod?.caFile,
  });
}
