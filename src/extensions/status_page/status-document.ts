// The status page's content as one JSON document (/api/status; the HTML page renders it):
// the agent, each synchronization as the REST poller last saw it, each project's states as
// the folder scanner last counted them, the latest moves, the exporters and the receivers.
// Built on demand from what the receivers reported (each one's last batch of metrics, and the
// log records the page kept), the component statuses and the agent's own metrics.
import type { Attributes } from '@opentelemetry/api';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { compareStates } from '../../backbone/states.ts';
import type { ComponentStatus, StatusView } from '../../component/component.ts';
import * as rest from '../../receivers/backbone_rest/telemetry.ts';
import * as folders from '../../receivers/backbone_folders/telemetry.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { healthReport } from '../health_check/factory.ts';
import type { Observations, UnknownFolder } from './observations.ts';
import type { Move, MoveFilter } from './recent-moves.ts';

/** States whose messages need someone to look (telemetry.md: the ERROR states). */
export const ATTENTION_STATES: ReadonlySet<string> = new Set(['error', 'sendfailed', 'invalid']);

export interface ConnectorView {
  key: string;
  position: string;
  online: boolean | undefined;
  reconnecting: boolean | undefined;
  issuesInError: number | undefined;
  routes: { route: string; status: string | undefined; processing: string | undefined }[];
}

export interface SynchronizationView {
  integration: string;
  status: string | undefined;
  /** Since when it has this status (ISO time), where the agent saw the change. */
  statusSince: string | undefined;
  healthy: boolean;
  connectors: ConnectorView[];
}

export interface StateView {
  state: string;
  messages: number;
  issues: number | undefined;
  oldestAgeSeconds: number | undefined;
  /** An error state with messages in it, or messages older than age_threshold. */
  attention: boolean;
}

export interface ProjectView {
  integration: string;
  project: string;
  states: StateView[];
}

export interface ExporterView {
  id: string;
  pipeline: string | undefined;
  state: string;
  since: string;
  lastError: string | undefined;
  queue: { size: number; capacity: number } | undefined;
  sent: number;
  failed: number;
  dropped: number;
}

export interface ReceiverView {
  id: string;
  state: string;
  since: string;
  /** When it last reported data (ISO time): the end of its last poll or scan, which its data points carry. */
  lastReport: string | undefined;
  error: string | undefined;
  problems: string[];
}

export interface StatusDocument {
  generatedAt: string;
  agent: {
    name: string;
    version: string;
    uptimeSeconds: number;
    configFile: string;
    role: 'leader' | 'standby' | 'single';
    health: { status: string; healthy: boolean; reason?: string };
  };
  rest: { polled: boolean; up: boolean | undefined; lastError: { time: string; message: string } | undefined };
  synchronizations: SynchronizationView[];
  projects: ProjectView[];
  scan: { durationSeconds: number | undefined };
  unknownFolders: (Omit<UnknownFolder, 'sinceMs'> & { since: string })[];
  moves: { latest: number; items: Move[] };
  exporters: ExporterView[];
  receivers: ReceiverView[];
  ageThresholdSeconds: number;
}

export interface DocumentSources {
  agentName: string;
  agentVersion: string;
  configFile: string;
  status: StatusView;
  observations: Observations;
  /** Each receiver's metrics as of its last report. */
  metrics: ResourceMetrics[];
  /** When each receiver last reported (ms since the epoch), by id. */
  lastReports: Map<string, number>;
  /** The agent's own counters (otelcol_*): the total for the series that match. */
  selfTotal: (name: string, match: Attributes) => number;
  /** Problems the agent currently reports, by component id. */
  problems: Map<string, string[]>;
  ageThresholdMs: number;
  healthGraceMs: number;
  moveFilter: MoveFilter;
  now?: number;
}

interface Point {
  attributes: Attributes;
  value: number;
}

/** Data points by metric name, over every resource and scope. */
export function pointsByName(all: ResourceMetrics[]): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const resourceMetrics of all) {
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        const list = out.get(metric.descriptor.name) ?? [];
        for (const point of metric.dataPoints) {
          const value = point.value;
          if (typeof value === 'number') list.push({ attributes: point.attributes, value });
          else if (value !== null && typeof value === 'object' && 'count' in value) list.push({ attributes: point.attributes, value: value.count });
        }
        out.set(metric.descriptor.name, list);
      }
    }
  }
  return out;
}

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

export function buildStatusDocument(sources: DocumentSources): StatusDocument {
  const now = sources.now ?? Date.now();
  const points = pointsByName(sources.metrics);
  const components = sources.status.components();
  const health = healthReport(sources.status, sources.healthGraceMs, now);
  const agent = sources.status.agent();
  const leaderPoint = points.get('backbone.agent.leader')?.[0];
  const apiUp = points.get(rest.apiUp.name)?.[0];
  const lastApiError = sources.observations.lastApiError;
  return {
    generatedAt: new Date(now).toISOString(),
    agent: {
      name: sources.agentName,
      version: sources.agentVersion,
      uptimeSeconds: Math.round((now - agent.startedAt) / 1000),
      configFile: sources.configFile,
      role: leaderPoint === undefined ? (components.some((c) => c.state === 'standby') ? 'standby' : 'single') : leaderPoint.value === 1 ? 'leader' : 'standby',
      health: { status: health.status, healthy: health.healthy, ...(health.reason === undefined ? {} : { reason: health.reason }) },
    },
    rest: {
      polled: apiUp !== undefined,
      up: apiUp === undefined ? undefined : apiUp.value === 1,
      lastError: lastApiError === undefined ? undefined : { time: new Date(lastApiError.timeMs).toISOString(), message: lastApiError.message },
    },
    synchronizations: synchronizations(points, sources.observations),
    projects: projects(points, sources.ageThresholdMs / 1000),
    scan: { durationSeconds: points.get(folders.scanDuration.name)?.[0]?.value },
    unknownFolders: sources.observations.unknownFolders().map(({ sinceMs, ...rest }) => ({ ...rest, since: new Date(sinceMs).toISOString() })),
    moves: { latest: sources.observations.moves.latest, items: sources.observations.moves.list(sources.moveFilter) },
    exporters: components.filter((c) => c.kind === 'exporter').map((c) => exporterView(c, sources.selfTotal)),
    receivers: components.filter((c) => c.kind === 'receiver').map((c) => ({
      id: c.id, state: c.state, since: new Date(c.since).toISOString(),
      lastReport: iso(sources.lastReports.get(c.id)), error: c.error, problems: sources.problems.get(c.id) ?? [],
    })),
    ageThresholdSeconds: sources.ageThresholdMs / 1000,
  };
}

function synchronizations(points: Map<string, Point[]>, observations: Observations): SynchronizationView[] {
  const byIntegration = new Map<string, SynchronizationView>();
  const sync = (integration: string) => {
    let view = byIntegration.get(integration);
    if (view === undefined) {
      view = { integration, status: undefined, statusSince: undefined, healthy: true, connectors: [] };
      byIntegration.set(integration, view);
    }
    return view;
  };
  for (const point of points.get(rest.integrationStatus.name) ?? []) {
    if (point.value !== 1) continue;
    const view = sync(str(point.attributes[ATTR.integration]));
    view.status = str(point.attributes[ATTR.status]);
    const since = observations.statusChangedAt(view.integration, view.status);
    view.statusSince = since === undefined ? undefined : new Date(since).toISOString();
  }
  const connector = (attributes: Attributes): ConnectorView => {
    const view = sync(str(attributes[ATTR.integration]));
    const key = str(attributes[ATTR.connector]);
    const position = str(attributes[ATTR.connectorPosition]);
    let found = view.connectors.find((c) => c.key === key && c.position === position);
    if (found === undefined) {
      found = { key, position, online: undefined, reconnecting: undefined, issuesInError: undefined, routes: [] };
      view.connectors.push(found);
    }
    return found;
  };
  for (const point of points.get(rest.connectorOnline.name) ?? []) connector(point.attributes).online = point.value === 1;
  for (const point of points.get(rest.connectorReconnecting.name) ?? []) connector(point.attributes).reconnecting = point.value === 1;
  for (const point of points.get(rest.connectorIssuesInError.name) ?? []) connector(point.attributes).issuesInError = point.value;
  const route = (attributes: Attributes) => {
    const c = connector(attributes);
    const name = str(attributes[ATTR.route]);
    let found = c.routes.find((r) => r.route === name);
    if (found === undefined) {
      found = { route: name, status: undefined, processing: undefined };
      c.routes.push(found);
    }
    return found;
  };
  for (const point of points.get(rest.connectorRouteStatus.name) ?? []) {
    if (point.value === 1) route(point.attributes).status = str(point.attributes[ATTR.routeStatus]);
  }
  for (const point of points.get(rest.connectorProcessingStatus.name) ?? []) {
    if (point.value === 1) route(point.attributes).processing = str(point.attributes[ATTR.processingStatus]);
  }
  for (const view of byIntegration.values()) {
    view.connectors.sort((a, b) => a.position.localeCompare(b.position));
    for (const c of view.connectors) c.routes.sort((a, b) => a.route.localeCompare(b.route));
    view.healthy = view.status === 'RUNNING' && view.connectors.every((c) => c.online !== false && c.reconnecting !== true && !(c.issuesInError ?? 0));
  }
  return [...byIntegration.values()].sort((a, b) => a.integration.localeCompare(b.integration));
}

function projects(points: Map<string, Point[]>, thresholdSeconds: number): ProjectView[] {
  const byProject = new Map<string, ProjectView>();
  const state = (attributes: Attributes): StateView => {
    const integration = str(attributes[ATTR.integration]);
    const project = str(attributes[ATTR.project]);
    const key = `${integration}\u0000${project}`;
    let view = byProject.get(key);
    if (view === undefined) {
      view = { integration, project, states: [] };
      byProject.set(key, view);
    }
    const name = str(attributes[ATTR.state]);
    let found = view.states.find((s) => s.state === name);
    if (found === undefined) {
      found = { state: name, messages: 0, issues: undefined, oldestAgeSeconds: undefined, attention: false };
      view.states.push(found);
    }
    return found;
  };
  for (const point of points.get(folders.folderMessages.name) ?? []) state(point.attributes).messages = point.value;
  for (const point of points.get(folders.folderIssues.name) ?? []) state(point.attributes).issues = point.value;
  for (const point of points.get(folders.folderOldestMessageAge.name) ?? []) state(point.attributes).oldestAgeSeconds = point.value;
  for (const view of byProject.values()) {
    for (const s of view.states) {
      s.attention = s.messages > 0 && (ATTENTION_STATES.has(s.state) || (s.state !== 'processed' && (s.oldestAgeSeconds ?? 0) > thresholdSeconds));
    }
    view.states.sort((a, b) => compareStates(a.state, b.state));
  }
  return [...byProject.values()].sort((a, b) => a.integration.localeCompare(b.integration) || a.project.localeCompare(b.project));
}

function exporterView(component: ComponentStatus, selfTotal: DocumentSources['selfTotal']): ExporterView {
  // One exporter serves each of its pipelines with its own queue: count the items of this pipeline's signal.
  const items = component.pipeline?.startsWith('logs') ? 'log_records' : 'metric_points';
  const sum = (name: string) => selfTotal(`otelcol_exporter_${name}_${items}`, { exporter: component.id });
  return {
    id: component.id,
    pipeline: component.pipeline,
    state: component.state,
    since: new Date(component.since).toISOString(),
    lastError: component.error,
    queue: component.queue,
    sent: sum('sent'),
    failed: sum('send_failed'),
    dropped: sum('enqueue_failed'),
  };
}
