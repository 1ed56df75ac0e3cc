// What the health check answers, from the component statuses the agent keeps, as the
// Collector's healthcheckv2 aggregates them: the most relevant status bubbles up (fatal >
// permanent > recoverable > starting > ok; recoverable before permanent when only recoverable
// errors count), per pipeline and for the agent. Two questions, two answers:
// - status (readiness, people): healthy unless the agent starts or stops, a component failed
//   for good, a permanent error (if counted), or a recoverable error that lasted
//   recovery_duration (if counted). A Backbone root that is gone or a Jira that refuses
//   connections shows here, with its cause and since when.
// - liveness (what a restart mends): alive unless a component failed for good or the agent
//   has stopped. A backend outage of hours must not restart the agent in every Jira pod.
import type { ComponentState, ComponentStatus, PipelineMembers, StatusView } from '../../component/component.ts';

export interface HealthOptions {
  includeRecoverable: boolean;
  recoveryDurationMs: number;
  includePermanent: boolean;
}

/** The status_page's view and older callers: recoverable and permanent errors count, after `recoveryDurationMs`. */
export function healthOptions(recoveryDurationMs: number): HealthOptions {
  return { includeRecoverable: true, recoveryDurationMs, includePermanent: true };
}

/** A component's or a pipeline's status as the health check shows it. */
export interface ReportedStatus {
  status: ComponentState;
  healthy: boolean;
  since: string;
  error?: string;
}

export type ReportedComponent = Omit<ComponentStatus, 'since' | 'state'> & ReportedStatus;

export interface HealthReport {
  /** The agent's state while it is not running; else the most relevant status of its components. */
  status: ComponentState;
  healthy: boolean;
  /** Why the agent is not healthy, when it is not: each component that counts, with its cause and for how long. */
  reason?: string;
  /** The cause of the most relevant status, if it is an error. */
  error?: string;
  since: string;
  start_time: string;
  uptime_seconds: number;
  /** Set when the report is about one pipeline (?pipeline=). */
  pipeline?: string;
  components: ReportedComponent[];
  /** Each pipeline's status, aggregated from its receivers and exporters. */
  pipelines: Record<string, ReportedStatus>;
}

export interface LivenessReport {
  alive: boolean;
  status: 'alive' | 'failed' | 'stopped';
  reason?: string;
  start_time: string;
  uptime_seconds: number;
}

const ERRORS: readonly ComponentState[] = ['fatal_error', 'permanent_error', 'recoverable_error'];

/** Whether a component's status counts as healthy, under the options. */
function componentHealthy(c: ComponentStatus, options: HealthOptions, now: number): boolean {
  if (c.state === 'fatal_error') return false;
  if (c.state === 'permanent_error') return !options.includePermanent;
  if (c.state === 'recoverable_error') return !options.includeRecoverable || now - c.since < options.recoveryDurationMs;
  return true;
}

/** Most relevant first. */
function priority(options: HealthOptions): ComponentState[] {
  const errors = !options.includePermanent && options.includeRecoverable
    ? ['fatal_error', 'recoverable_error', 'permanent_error'] as const
    : ERRORS;
  return [...errors, 'starting', 'ok', 'standby', 'stopping', 'stopped'];
}

/**
 * The most relevant of some components' statuses: of several in the same error, the one
 * failing longest; of several ok, the last to become so (since when all are).
 */
function aggregate(components: readonly ComponentStatus[], options: HealthOptions, now: number, fallbackSince: number): ReportedStatus {
  const order = priority(options);
  let top: ComponentStatus | undefined;
  for (const c of components) {
    const sameBetter = top !== undefined && c.state === top.state && (ERRORS.includes(c.state) ? c.since < top.since : c.since > top.since);
    if (top === undefined || order.indexOf(c.state) < order.indexOf(top.state) || sameBetter) top = c;
  }
  const state: ComponentState = top === undefined ? 'ok' : top.state === 'standby' ? 'ok' : top.state;
  return {
    status: state,
    healthy: components.every((c) => componentHealthy(c, options, now)),
    since: new Date(top?.since ?? fallbackSince).toISOString(),
    ...(top?.error === undefined ? {} : { error: top.error }),
  };
}

function name(c: ComponentStatus): string {
  return `${c.kind} ${c.id}${c.kind === 'exporter' && c.pipeline ? ` (${c.pipeline})` : ''}`;
}

function inPipeline(c: ComponentStatus, p: PipelineMembers): boolean {
  return (c.kind === 'receiver' && p.receivers.includes(c.id)) || (c.kind === 'exporter' && c.pipeline === p.id && p.exporters.includes(c.id));
}

function failingText(c: ComponentStatus, now: number): string {
  const seconds = Math.round((now - c.since) / 1000);
  const what = c.state === 'fatal_error' ? 'has failed for good' : c.state === 'permanent_error' ? 'fails permanently' : 'has been failing';
  return `${name(c)} ${what} for ${seconds} s: ${c.error ?? 'unknown error'}`;
}

/**
 * The status of the agent (or of one pipeline: undefined when there is no such pipeline).
 * `options` may be a number: recovery_duration, with both kinds of error counted.
 */
export function healthReport(view: StatusView, options: HealthOptions | number, now = Date.now(), pipeline?: string): HealthReport {
  const opts = typeof options === 'number' ? healthOptions(options) : options;
  const agent = view.agent();
  const all = view.components();
  const pipelines = view.pipelines();
  const members = pipeline === undefined ? undefined : pipelines.find((p) => p.id === pipeline);
  const components = members === undefined ? all : all.filter((c) => inPipeline(c, members));
  const running = agent.state === 'running';
  const overall = aggregate(components, opts, now, agent.since);
  const failing = components.filter((c) => !componentHealthy(c, opts, now));
  const reason = !running
    ? `the agent is ${agent.state}`
    : failing.length > 0 ? failing.map((c) => failingText(c, now)).join('; ') : undefined;
  const byPipeline: Record<string, ReportedStatus> = {};
  for (const p of pipelines) {
    if (members !== undefined && p !== members) continue;
    byPipeline[p.id] = aggregate(all.filter((c) => inPipeline(c, p)), opts, now, agent.since);
  }
  return {
    status: agent.state === 'running' ? overall.status : agent.state,
    healthy: running && overall.healthy,
    ...(reason === undefined ? {} : { reason }),
    ...(running && overall.error !== undefined ? { error: overall.error } : {}),
    since: sinceOf(running, overall, agent.since),
    start_time: new Date(agent.startedAt).toISOString(),
    uptime_seconds: Math.round((now - agent.startedAt) / 100) / 10,
    ...(pipeline === undefined ? {} : { pipeline }),
    components: components.map(({ state, since, error, ...rest }) => ({
      ...rest, status: state, healthy: componentHealthy({ ...rest, state, since }, opts, now), since: new Date(since).toISOString(), ...(error === undefined ? {} : { error }),
    })),
    pipelines: byPipeline,
  };
}

/**
 * Since when the report's status holds: the agent's state while it is not running; an error
 * since the component met it (also when that was while starting); ok since the last of
 * the agent running and the components being ok.
 */
function sinceOf(running: boolean, overall: ReportedStatus, agentSince: number): string {
  if (!running) return new Date(agentSince).toISOString();
  if (ERRORS.includes(overall.status)) return overall.since;
  return new Date(Math.max(agentSince, Date.parse(overall.since))).toISOString();
}

/** Whether a restart is called for: a component failed for good, or the agent stopped. */
export function livenessReport(view: StatusView, now = Date.now()): LivenessReport {
  const agent = view.agent();
  const fatal = view.components().filter((c) => c.state === 'fatal_error');
  const status: LivenessReport['status'] = agent.state === 'stopped' ? 'stopped' : fatal.length > 0 ? 'failed' : 'alive';
  const reason = status === 'stopped' ? 'the agent has stopped' : fatal.length > 0 ? fatal.map((c) => failingText(c, now)).join('; ') : undefined;
  return {
    alive: status === 'alive',
    status,
    ...(reason === undefined ? {} : { reason }),
    start_time: new Date(agent.startedAt).toISOString(),
    uptime_seconds: Math.round((now - agent.startedAt) / 100) / 10,
  };
}
