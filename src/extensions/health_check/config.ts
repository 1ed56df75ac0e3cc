// The health_check extension's configuration: where it listens, its two endpoints (the status
// for readiness probes and people, the liveness for probes that restart), and which component
// errors make the status unhealthy, as the Collector's healthcheckv2 names them.
import * as z from 'zod';
import { durationIn, hostPort, retiredKey } from '../../config/schema-types.ts';

const pathSchema = z.string().startsWith('/', 'expected a path such as / or /health');

export const healthCheckConfigSchema = z.strictObject({
  endpoint: hostPort.default('127.0.0.1:13133'),
  /**
   * The status: 200 while the agent runs and no component's error counts (below), 503 while it
   * starts or stops, 500 when one does; the JSON body has each component's and each pipeline's
   * status, with cause and since when. `?pipeline=logs` gives one pipeline's. For readiness
   * probes and people; a liveness probe asks liveness_path.
   */
  path: pathSchema.default('/'),
  /**
   * Liveness: 200 unless a component failed for good (a fatal error) or the agent has stopped;
   * an event loop that makes no progress does not answer at all (the probe's timeout). Errors
   * that a restart does not mend (a backend or Jira away, the root missing, a 401) never make
   * it fail. For Kubernetes liveness probes and the image's HEALTHCHECK.
   */
  liveness_path: pathSchema.default('/livez'),
  /** Whether a recoverable error (Jira or a backend away, the Backbone root missing) makes the status unhealthy once it has lasted recovery_duration. */
  include_recoverable_errors: z.boolean().default(true),
  /** How long a component may be in a recoverable error before the status counts it (with a disk queue, nothing is lost meanwhile). */
  recovery_duration: durationIn(300_000, { min: 1_000, max: 24 * 3_600_000 }),
  /** Whether a permanent error (a backend that refuses the data for good) makes the status unhealthy at once. */
  include_permanent_errors: z.boolean().default(true),
  /** Renamed. */
  exporter_failure_grace_period: retiredKey('renamed to recovery_duration, which now covers the recoverable errors of every component (receivers too), see docs/operations.md'),
}).superRefine((config, ctx) => {
  if (config.path === config.liveness_path) {
    ctx.addIssue({ code: 'custom', path: ['liveness_path'], input: config.liveness_path, message: `expected a path other than path (${config.path}): the status and liveness answer different questions` });
  }
});

export type HealthCheckConfig = z.infer<typeof healthCheckConfigSchema>;
