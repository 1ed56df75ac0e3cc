// health_check: an HTTP endpoint (default 127.0.0.1:13133) for Kubernetes liveness and
// readiness probes and for people. 200 with a JSON body of the agent's and each
// component's status while all is well; 503 while the agent is starting or stopping, and
// when an exporter has been failing for longer than exporter_failure_grace_period (set it
// to how long the backend may be away before you want to hear of it; with a disk queue,
// nothing is lost meanwhile).
import * as z from 'zod';
import type { ComponentStatus, ExtensionFactory, StatusView } from '../../component/component.ts';
import { type HttpServer, startHttpServer } from '../../component/http-server.ts';
import { durationIn, hostPort } from '../../config/schema-types.ts';

export const healthCheckConfigSchema = z.strictObject({
  endpoint: hostPort.default('127.0.0.1:13133'),
  path: z.string().startsWith('/', 'expected a path such as / or /health').default('/'),
  /** How long an exporter may fail before the agent counts as unhealthy. */
  exporter_failure_grace_period: durationIn(300_000, { min: 1_000, max: 24 * 3_600_000 }),
});

export type HealthCheckConfig = z.infer<typeof healthCheckConfigSchema>;

export interface HealthReport {
  status: 'ok' | 'starting' | 'stopping' | 'stopped' | 'unhealthy';
  healthy: boolean;
  /** Why the agent is not healthy, when it is not. */
  reason?: string;
  since: string;
  uptime_seconds: number;
  components: (Omit<ComponentStatus, 'since' | 'state'> & { status: ComponentStatus['state']; since: string })[];
}

export function healthReport(view: StatusView, gracePeriodMs: number, now = Date.now()): HealthReport {
  const agent = view.agent();
  const components = view.components();
  const failing = components.filter((c) => c.kind === 'exporter' && (c.state === 'recoverable_error' || c.state === 'permanent_error') && now - c.since > gracePeriodMs);
  const status: HealthReport['status'] = agent.state === 'running' ? (failing.length > 0 ? 'unhealthy' : 'ok') : agent.state;
  const reason = failing.length > 0
    ? failing.map((c) => `exporter ${c.id}${c.pipeline ? ` (${c.pipeline})` : ''} has been failing for ${Math.round((now - c.since) / 1000)} s: ${c.error ?? 'unknown error'}`).join('; ')
    : agent.state !== 'running' ? `the agent is ${agent.state}` : undefined;
  return {
    status,
    healthy: status === 'ok',
    ...(reason === undefined ? {} : { reason }),
    since: new Date(agent.since).toISOString(),
    uptime_seconds: Math.round((now - agent.startedAt) / 100) / 10,
    components: components.map(({ state, since, ...rest }) => ({ ...rest, status: state, since: new Date(since).toISOString() })),
  };
}

export const healthCheckExtensionFactory: ExtensionFactory<HealthCheckConfig> = {
  kind: 'extension',
  type: 'health_check',
  stability: 'beta',
  description: 'HTTP health endpoint for probes: 200 and component statuses as JSON, 503 while starting, stopping or when an exporter keeps failing.',
  signals: [],
  configSchema: healthCheckConfigSchema,
  createExtension: ({ config, log, status, id }) => {
    let server: HttpServer | undefined;
    return {
      async start() {
        // The server answers other methods than GET and HEAD itself (405).
        server = await startHttpServer((request, response) => {
          const url = new URL(request.url ?? '/', 'http://localhost');
          if (url.pathname !== config.path) {
            response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: the health check is at ${config.path}\n`);
            return;
          }
          const report = healthReport(status, config.exporter_failure_grace_period);
          response.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(request.method === 'HEAD' ? undefined : JSON.stringify(report, null, 2) + '\n');
        }, { id, endpoint: config.endpoint, log });
        log.info(`health check on http://${config.endpoint}${config.path}`);
      },
      async shutdown() {
        await server?.close();
      },
    };
  },
};
