// The top level of the configuration file and its `service` section.
import * as z from 'zod';
import { durationIn } from './schema-types.ts';

const componentSection = z.record(z.string(), z.unknown()).nullish().transform((value) => value ?? {});
const idList = z.array(z.string({ error: 'expected a component id such as otlphttp or otlphttp/name' }));

export const pipelineSchema = z.strictObject({
  receivers: idList.min(1, 'expected at least one receiver'),
  processors: idList.default([]),
  exporters: idList.min(1, 'expected at least one exporter'),
});

export const serviceSchema = z.strictObject({
  extensions: idList.default([]),
  pipelines: z.record(z.string(), pipelineSchema).refine((pipelines) => Object.keys(pipelines).length > 0, 'expected at least one pipeline, such as metrics or logs'),
  telemetry: z.strictObject({
    logs: z.strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      encoding: z.enum(['console', 'json']).default('console'),
    }).prefault({}),
    /** The agent's own metrics (otelcol_*): served by every prometheus exporter, and sent through the pipelines listed. */
    metrics: z.strictObject({
      level: z.enum(['none', 'basic', 'normal', 'detailed']).default('normal'),
      pipelines: idList.default([]),
      /** How often they are collected for those pipelines (and the leader_election gauge for its pipelines). */
      interval: durationIn(30_000, { min: 1_000, max: 24 * 3_600_000 }),
    }).prefault({}),
  }).prefault({}),
  /** Resource attributes added to everything the agent sends (deployment.environment, k8s.pod.name...). */
  resource: z.record(z.string(), z.string()).default({}),
  /** How long SIGTERM may take to flush what is pending. */
  shutdown_timeout: durationIn(10_000, { min: 100, max: 600_000 }),
  /**
   * With a leader_election extension: the receivers that run on the leader only (one agent of
   * the cluster at a time). Default: every backbone_folders, backbone_events and backbone_rest
   * receiver. The others run on every agent.
   */
  leader_election: idList.optional(),
}).superRefine((service, ctx) => {
  service.telemetry.metrics.pipelines.forEach((id, index) => {
    const path = ['telemetry', 'metrics', 'pipelines', index];
    if (!(id in service.pipelines)) ctx.addIssue({ code: 'custom', path, message: `pipeline "${id}" is not defined under service.pipelines` });
    else if (id.split('/')[0] !== 'metrics') ctx.addIssue({ code: 'custom', path, message: `"${id}" is not a metrics pipeline; the agent's own metrics can only go through metrics pipelines` });
  });
});

export const topLevelSchema = z.strictObject({
  receivers: componentSection,
  processors: componentSection,
  exporters: componentSection,
  extensions: componentSection,
  service: serviceSchema,
}).superRefine((top, ctx) => {
  // service.leader_election needs one leader_election extension, and names defined receivers.
  const electors = top.service.extensions.flatMap((id, index) => (id.split('/')[0] === 'leader_election' ? [index] : []));
  for (const index of electors.slice(1)) {
    ctx.addIssue({ code: 'custom', path: ['service', 'extensions', index], message: 'only one leader_election extension can run in an agent' });
  }
  const elected = top.service.leader_election;
  if (elected === undefined) return;
  if (electors.length === 0) {
    ctx.addIssue({
      code: 'custom', path: ['service', 'leader_election'],
      message: 'names receivers that run on the leader only, but no leader_election extension runs: define one under extensions and list it in service.extensions',
    });
  }
  elected.forEach((id, index) => {
    if (!(id in top.receivers)) ctx.addIssue({ code: 'custom', path: ['service', 'leader_election', index], message: `receiver "${id}" is not defined under receivers` });
  });
});

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type PipelineSettings = z.infer<typeof pipelineSchema>;
