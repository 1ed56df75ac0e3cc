// health_check: an HTTP endpoint (default 127.0.0.1:13133) for probes and people, on the
// component statuses the agent keeps (src/pipeline/component-status.ts), as the Collector's
// healthcheckv2 extension serves them. Two paths, because a readiness probe and a liveness
// probe ask different things (health-report.ts): `path` (/) the status, with each component's
// and pipeline's status, cause and since when; `liveness_path` (/livez) whether a restart is
// called for. A liveness probe on the status would restart the agent in every Jira pod during
// a long backend outage; a status that ignores the receivers said "ok" while the agent was blind.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExtensionFactory, StatusView } from '../../component/component.ts';
import { type HttpServer, startHttpServer } from '../../component/http-server.ts';
import { type HealthCheckConfig, healthCheckConfigSchema } from './config.ts';
import { type HealthOptions, healthReport, livenessReport } from './health-report.ts';

export { healthCheckConfigSchema, type HealthCheckConfig } from './config.ts';
export { healthReport, type HealthReport, livenessReport, type LivenessReport } from './health-report.ts';

/** Answers one request to the health check (the server around it only listens and closes). */
export function answerHealthRequest(request: IncomingMessage, response: ServerResponse, config: HealthCheckConfig, status: StatusView): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const send = (code: number, body: unknown) => {
    response.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify(body, null, 2) + '\n');
  };
  if (url.pathname === config.liveness_path) {
    const report = livenessReport(status);
    send(report.alive ? 200 : report.status === 'stopped' ? 503 : 500, report);
    return;
  }
  if (url.pathname !== config.path) {
    response.writeHead(404, { 'content-type': 'text/plain' })
      .end(`not found: the status is at ${config.path}, liveness at ${config.liveness_path}\n`);
    return;
  }
  const pipeline = url.searchParams.get('pipeline') ?? undefined;
  if (pipeline !== undefined && !status.pipelines().some((p) => p.id === pipeline)) {
    const known = status.pipelines().map((p) => p.id).join(', ') || 'none';
    send(404, { error: `no pipeline ${pipeline}; the pipelines are: ${known}` });
    return;
  }
  const options: HealthOptions = {
    includeRecoverable: config.include_recoverable_errors,
    recoveryDurationMs: config.recovery_duration,
    includePermanent: config.include_permanent_errors,
  };
  const report = healthReport(status, options, Date.now(), pipeline);
  const running = status.agent().state === 'running';
  send(report.healthy ? 200 : running ? 500 : 503, report);
}

export const healthCheckExtensionFactory: ExtensionFactory<HealthCheckConfig> = {
  kind: 'extension',
  type: 'health_check',
  stability: 'beta',
  description: 'HTTP health endpoints for probes: the status of every component and pipeline (200, 500 when an error counts, 503 while starting or stopping) and liveness (fails only when a component failed for good).',
  signals: [],
  configSchema: healthCheckConfigSchema,
  createExtension: ({ config, log, status, id }) => {
    let server: HttpServer | undefined;
    return {
      async start() {
        // The server answers other methods than GET and HEAD itself (405).
        server = await startHttpServer((request, response) => answerHealthRequest(request, response, config, status), { id, endpoint: config.endpoint, log });
        log.info(`health check on http://${config.endpoint}${config.path} (liveness: ${config.liveness_path})`);
      },
      async shutdown() {
        await server?.close();
      },
    };
  },
};
