// The backbone_rest receiver: polls the Backbone REST API on its own schedule (never
// overlapping itself, with a little jitter), keeps what the last poll said for the metric
// callbacks, and emits change events and API errors as log records, each once.
import { readFileSync } from 'node:fs';
import type { Attributes, Histogram } from '@opentelemetry/api';
import type { Lifecycle, ReceiverHost } from '../../component/component.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { emitEvent, histogram, observableGauge, type Severity } from '../../telemetry/instruments.ts';
import { AGENT_NAME, AGENT_VERSION } from '../../version.ts';
import type { ShapeProblem } from './answer-shape.ts';
import type { InvalidBytes } from './answer-text.ts';
import { ApiClient, type ApiClientOptions, type ApiRequest, type ApiResult, apiBaseUrl, SHUTDOWN } from './api-client.ts';
import {
  type ConnectorStatus, type IntegrationItem, type ListReading, type Position, POSITIONS, problemsText, readIntegrationList, readStatusAnswer,
  type Route, ROUTES, type StatusBlock, type StatusReading,
} from './api-model.ts';
import type { RestConfig } from './config.ts';
import { type ApiFailure, shapeFailure } from './failures.ts';
import { StateSet } from './state-set.ts';
import * as telemetry from './telemetry.ts';

const LIST = '/integrations';
const STATUS = '/integrations/{integrationKey}/status';
const HEALTH = '/health';

/** What the API said about one connector, and what it said before (for change events). */
class ConnectorView {
  readonly key: string;
  online: boolean | undefined;
  reconnecting: boolean | undefined;
  issuesInError: number | undefined;
  readonly known: { online?: boolean; reconnecting?: boolean; issuesInError?: number } = {};
  readonly routes = new Map<Route, StateSet>();
  readonly processing = new Map<Route, StateSet>();
  /** Reported in the last successful look at its integration. */
  present = false;

  constructor(key: string) {
    this.key = key;
  }
}

class IntegrationView {
  readonly key: string;
  readonly status = new StateSet();
  readonly connectors = new Map<Position, ConnectorView>();
  /**
   * Whether it is reported: false while the requests about it fail (nothing is known now);
   * true with the last good values while its answer does not have the documented shape.
   */
  present = false;
  /** The values are those of an earlier answer: the last one about it had the wrong shape. */
  stale = false;

  constructor(key: string) {
    this.key = key;
  }
}

interface PollFailure {
  request: ApiRequest;
  failure: ApiFailure;
  /** An answer of the wrong shape: the synchronizations it is about, whose last good values are kept. */
  kept?: { keys: string[]; incompleteList: boolean };
}

/** The answer as read (undefined when the request failed), and the failure if any. */
type Outcome<T> = { value: T | undefined; failure: PollFailure | undefined };

interface ActiveFailure {
  message: string;
  /** "HTTP 401", "timeout at /health": for the line that says it is over. */
  short: string;
  /** The answers had the wrong shape (the line that says it is over says they are right again). */
  shape: boolean;
  since: number;
}

/** Where two shape problems are "the same": the path without list indexes, and what was expected. */
function shapeSignature(problem: ShapeProblem): string {
  return `${problem.path.replace(/\[\d+\]/g, '[]')}:${problem.expected}`;
}

function names(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).join(', ');
  return keys.length > 5 ? `${shown}, … (${keys.length} in all)` : shown;
}

/** What the poll learnt about a synchronization's status. */
type Block = StatusBlock | 'failed' | 'malformed';

/** failed: a list request failed; incomplete: part of a list could not be tied to a synchronization. */
interface ListState {
  failed: boolean;
  incomplete: boolean;
}

function isRunning(status: string): boolean {
  return status.toUpperCase().replace(/[\s_-]+/g, ' ').trim() === 'RUNNING';
}

function isStarted(routeStatus: string): boolean {
  return routeStatus.toUpperCase().trim() === 'STARTED';
}

/** The API client's settings from the receiver's configuration (`doctor` makes its client the same way). */
export function apiClientOptions(config: RestConfig): ApiClientOptions {
  return {
    baseUrl: apiBaseUrl(config.endpoint),
    auth: config.auth.basic
      ? { kind: 'basic', username: config.auth.basic.username, password: config.auth.basic.password }
      : { kind: 'bearer', token: config.auth.bearer!.token },
    headers: config.headers,
    userAgent: `${AGENT_NAME}/${AGENT_VERSION}`,
    timeoutMs: config.timeout,
    maxResponseBytes: config.max_response_size,
    maxConcurrent: config.max_concurrent_requests,
    ca: config.tls.ca_file === '' ? undefined : readFileSync(config.tls.ca_file),
    insecureSkipVerify: config.tls.insecure_skip_verify,
  };
}

export class RestReceiver implements Lifecycle {
  private readonly config: RestConfig;
  private readonly host: ReceiverHost;
  private readonly log: AgentLog;
  private readonly extra: Attributes;
  private readonly duration: Histogram;
  private client: ApiClient | undefined;
  private readonly integrations = new Map<string, IntegrationView>();
  private up: number | undefined;
  /** Failures reported and not yet over, by key: each is said once. */
  private active = new Map<string, ActiveFailure>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private polls = 0;

  constructor(config: RestConfig, host: ReceiverHost, log: AgentLog) {
    this.config = config;
    this.host = host;
    this.log = log;
    this.extra = { ...config.attributes };
    this.duration = histogram(host.meter, telemetry.apiRequestDuration);
    this.registerGauges();
  }

  async start(): Promise<void> {
    const options = apiClientOptions(this.config);
    const baseUrl = options.baseUrl;
    this.client = new ApiClient(options);
    const scope = this.config.project_keys.length > 0 ? ` for projects ${this.config.project_keys.join(', ')}` : '';
    this.log.info(`polling the Backbone REST API at ${baseUrl.href}${scope}`, { interval_ms: this.config.collection_interval });
    if (this.config.tls.insecure_skip_verify) this.log.warn('tls.insecure_skip_verify is on: Jira\'s certificate is not checked');
    // The first poll starts now but is not waited for: a Jira that does not answer must not hold up the agent.
    void this.pollOnce().then(() => this.schedule());
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.client?.close();
    await this.running;
  }

  /**
   * Polls now and waits for it; a poll already running is waited for first, so that this
   * poll sees the API as it is when called. Polls never overlap.
   */
  pollOnce(): Promise<void> {
    const previous = this.running ?? Promise.resolve();
    const next = previous.then(() => (this.stopped ? undefined : this.poll()));
    this.running = next;
    void next.finally(() => { if (this.running === next) this.running = undefined; });
    return next;
  }

  /** For tests and diagnostics: how many polls ran, what the last one said, the failures not yet over. */
  lastPoll(): { polls: number; up: number | undefined; failures: string[] } {
    return { polls: this.polls, up: this.up, failures: [...this.active.values()].map((a) => a.message) };
  }

  private schedule(): void {
    if (this.stopped) return;
    // ±10 % jitter, so that agents on several Jira nodes do not poll in step.
    const delay = this.config.collection_interval * (0.9 + Math.random() * 0.2);
    this.timer = setTimeout(() => {
      if (this.running) {
        this.schedule();
        return;
      }
      void this.pollOnce().then(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  /**
   * One request, its answer read by `read` into a value and the problems of its shape; an
   * answer of the wrong shape is a failure like any other, but what could be read of it is
   * returned too. The duration is recorded with error.type when it failed.
   */
  private async request<T>(
    request: ApiRequest,
    read: (body: unknown, invalid: InvalidBytes | undefined) => { value: T; problems: readonly ShapeProblem[]; kept?: PollFailure['kept'] },
  ): Promise<Outcome<T>> {
    const result: ApiResult = await this.client!.get(request);
    let outcome: Outcome<T>;
    if (!result.ok) {
      outcome = { value: undefined, failure: { request, failure: result.failure } };
    } else {
      const { value, problems, kept } = read(result.body, result.invalid);
      const failure = problems.length === 0
        ? undefined
        : {
          request,
          failure: shapeFailure(this.client!.contextOf(request), result.statusCode, problemsText(problems), shapeSignature(problems[0]!)),
          ...(kept ? { kept } : {}),
        };
      outcome = { value, failure };
    }
    if (!outcome.failure || outcome.failure.failure.errorType !== SHUTDOWN) {
      this.duration.record(result.durationMs / 1000, {
        ...this.extra,
        [ATTR.httpRequestMethod]: 'GET',
        [ATTR.urlTemplate]: request.template,
        ...(result.statusCode === undefined ? {} : { [ATTR.httpResponseStatusCode]: result.statusCode }),
        ...(outcome.failure ? { [ATTR.errorType]: outcome.failure.failure.errorType } : {}),
      });
    }
    return outcome;
  }

  private async poll(): Promise<void> {
    try {
      await this.pollApi();
    } catch (error) {
      // Never expected (requests do not throw), but a receiver must not take the agent down.
      this.up = 0;
      this.log.problem('internal', 'error', `poll failed: ${(error as Error).message}`);
    }
    // What this poll found leaves now, its points carrying this time.
    if (!this.stopped) await this.host.report();
  }

  private async pollApi(): Promise<void> {
    const failures: PollFailure[] = [];
    let requests = 0;
    const keys: (string | undefined)[] = this.config.project_keys.length > 0 ? this.config.project_keys : [undefined];
    const health = this.config.health_check
      ? this.request({ template: HEALTH, pathSegments: ['health'], expect: 'any' }, (body) => ({ value: body, problems: [] }))
      : undefined;
    const readList = (body: unknown, invalid: InvalidBytes | undefined) => {
      const reading = readIntegrationList(body, invalid);
      const keys = reading.items.filter((item) => item.problems.length > 0).map((item) => item.key);
      return { value: reading, problems: reading.problems, kept: { keys, incompleteList: !reading.complete } };
    };
    const lists = await Promise.all(keys.map((projectKey) => this.request({
      template: LIST, pathSegments: ['integrations'], expect: 'json',
      ...(projectKey === undefined ? {} : { query: { projectKey }, projectKey }),
    }, readList)));
    requests += lists.length;

    // Integrations from every list that answered, once each (one may be in two projects).
    const items = new Map<string, IntegrationItem>();
    const listState: ListState = { failed: false, incomplete: false };
    for (const outcome of lists) {
      if (outcome.failure) failures.push(outcome.failure);
      const reading: ListReading | undefined = outcome.value;
      if (!reading) {
        listState.failed = true;
        continue;
      }
      if (!reading.complete) listState.incomplete = true;
      for (const item of reading.items) if (!items.has(item.key)) items.set(item.key, item);
    }

    // The status of each integration the list does not embed it for (newer versions).
    const blocks = new Map<string, Block>();
    const needStatus = [...items.values()].filter((item) => item.embedded === undefined && item.problems.length === 0);
    const statuses = await Promise.all(needStatus.map((item) => this.request({
      template: STATUS, pathSegments: ['integrations', item.key, 'status'], expect: 'json', integrationKey: item.key,
    }, (body, invalid) => {
      const reading: StatusReading = readStatusAnswer(body, invalid);
      return { value: reading, problems: reading.problems, kept: { keys: [item.key], incompleteList: false } };
    })));
    requests += statuses.length;
    for (const item of items.values()) {
      if (item.problems.length > 0) blocks.set(item.key, 'malformed');
      else if (item.embedded) blocks.set(item.key, item.embedded);
    }
    statuses.forEach((outcome, index) => {
      const key = needStatus[index]!.key;
      if (outcome.failure) failures.push(outcome.failure);
      blocks.set(key, outcome.value === undefined ? 'failed' : outcome.value.block ?? 'malformed');
    });

    if (health) {
      const outcome = await health;
      requests++;
      if (outcome.failure) failures.push(outcome.failure);
    }
    if (this.stopped) return;

    this.polls++;
    this.apply(items, blocks, listState);
    this.up = failures.length === 0 ? 1 : 0;
    this.reportFailures(failures, requests);
  }

  private apply(items: Map<string, IntegrationItem>, blocks: Map<string, Block>, lists: ListState): void {
    const keyless: string[] = [];
    for (const [key, view] of this.integrations) {
      if (items.has(key)) continue;
      if (lists.incomplete) {
        // Part of a list had the wrong shape: it may be in there. Its last good values stay.
        view.stale = true;
      } else if (lists.failed) {
        view.present = false;
      } else {
        this.integrations.delete(key);
        this.log.info(`integration ${key} is no longer listed by the API: no longer reported`);
      }
    }
    for (const item of items.values()) {
      let view = this.integrations.get(item.key);
      if (!view) {
        view = new IntegrationView(item.key);
        this.integrations.set(item.key, view);
      }
      const block = blocks.get(item.key);
      if (block === 'failed' || block === undefined) {
        // The status could not be read this time: nothing is reported, nothing is forgotten.
        view.present = false;
        continue;
      }
      view.present = true;
      if (block === 'malformed') {
        // An answer of the wrong shape: the last good values stay (the failure says so).
        view.stale = true;
        continue;
      }
      view.stale = false;
      this.applyStatus(view, block.status);
      for (const position of POSITIONS) {
        const status = block.connectors[position];
        const key = status?.key ?? item.configuredConnectorKeys[position];
        if (!status || key === undefined) {
          if (status) keyless.push(`the ${position} connector of ${item.key}`);
          view.connectors.delete(position);
          continue;
        }
        let connector = view.connectors.get(position);
        const first = !connector || connector.key !== key;
        if (!connector || connector.key !== key) {
          connector = new ConnectorView(key);
          view.connectors.set(position, connector);
        }
        this.applyConnector(view.key, position, connector, status, first);
      }
    }
    if (keyless.length > 0) {
      this.log.problem('keyless-connectors', 'warn',
        `the API gives no connectorKey for ${keyless.length === 1 ? keyless[0] : `${keyless.length} connectors (for example ${keyless[0]})`}; left out of the metrics`);
    } else {
      this.log.resolved('keyless-connectors', 'every connector has a connectorKey again');
    }
  }

  /** Whether something of this synchronization is reported. */
  private reported(key: string): boolean {
    const view = this.integrations.get(key);
    return view !== undefined && view.present && (view.status.value !== undefined || view.connectors.size > 0);
  }

  /** What an answer of the wrong shape does to the metrics, for its message. */
  private keptText(kept: { keys: Set<string>; incompleteList: boolean }): string {
    const keys = [...kept.keys].sort();
    const stale = keys.filter((key) => this.reported(key));
    const unknown = keys.filter((key) => !this.reported(key));
    const parts: string[] = [];
    if (stale.length > 0) parts.push(`${names(stale)} keep${stale.length === 1 ? 's' : ''} the values of the last good answer (stale)`);
    if (kept.incompleteList) {
      const others = [...this.integrations.keys()].filter((key) => !kept.keys.has(key) && this.integrations.get(key)!.stale && this.reported(key));
      parts.push(others.length > 0
        ? `synchronizations missing from this answer keep the values of the last good answer (stale: ${names(others)})`
        : 'no synchronization missing from this answer is reported');
    }
    if (unknown.length > 0) parts.push(`${names(unknown)} ${unknown.length === 1 ? 'is' : 'are'} not reported`);
    return parts.length === 0 ? '' : ` Until Backbone answers in the documented shape again, ${parts.join('; ')}.`;
  }

  private applyStatus(view: IntegrationView, status: string | undefined): void {
    const before = view.status.lastKnown;
    view.status.set(status);
    if (status === undefined || status === before) return;
    const severity: Severity = isRunning(status) ? 'INFO' : 'WARN';
    const body = before === undefined
      ? `Synchronization ${view.key} is ${status}.`
      : `Synchronization ${view.key} is now ${status} (was ${before}).`;
    this.log.debug(body);
    emitEvent(this.host.logger, telemetry.statusChanged, {
      severity, body, attributes: { ...this.extra, [ATTR.integration]: view.key, [ATTR.status]: status },
    });
  }

  private applyConnector(integration: string, position: Position, view: ConnectorView, status: ConnectorStatus, first: boolean): void {
    view.present = true;
    const worse: string[] = [];
    const better: string[] = [];
    const { known } = view;

    view.online = status.online;
    if (status.online !== undefined) {
      if (known.online !== undefined && known.online !== status.online) (status.online ? better : worse).push(status.online ? 'back online' : 'went offline');
      else if (first && !status.online) worse.push('is offline');
      known.online = status.online;
    }
    view.reconnecting = status.reconnecting;
    if (status.reconnecting !== undefined) {
      if (known.reconnecting !== undefined && known.reconnecting !== status.reconnecting) {
        (status.reconnecting ? worse : better).push(status.reconnecting ? 'started reconnecting' : 'stopped reconnecting');
      } else if (first && status.reconnecting) worse.push('is reconnecting');
      known.reconnecting = status.reconnecting;
    }
    view.issuesInError = status.issuesInError;
    if (status.issuesInError !== undefined) {
      const was = known.issuesInError;
      if (was !== undefined && was !== status.issuesInError) {
        (status.issuesInError > was ? worse : better).push(`issues in error ${was} → ${status.issuesInError}`);
      } else if (first && status.issuesInError > 0) worse.push(`has ${status.issuesInError} issue(s) in error`);
      known.issuesInError = status.issuesInError;
    }
    for (const route of ROUTES) {
      let set = view.routes.get(route);
      const value = status.routeStatus[route];
      if (!set && value !== undefined) view.routes.set(route, set = new StateSet());
      if (!set) continue;
      const was = set.lastKnown;
      set.set(value);
      if (value !== undefined && was !== undefined && was !== value) {
        (isStarted(value) ? better : worse).push(`${route} route ${was} → ${value}`);
      }
    }
    for (const route of ROUTES) {
      let set = view.processing.get(route);
      const value = status.processingStatus[route];
      if (!set && value !== undefined) view.processing.set(route, set = new StateSet());
      set?.set(value);
    }

    if (worse.length === 0 && better.length === 0) return;
    const changes = [...worse, ...better].join('; ');
    const body = `Connector ${view.key} (${position} connector of ${integration}): ${changes}.`;
    this.log.debug(body);
    emitEvent(this.host.logger, telemetry.connectorChanged, {
      severity: worse.length > 0 ? 'WARN' : 'INFO',
      body,
      attributes: { ...this.extra, [ATTR.integration]: integration, [ATTR.connector]: view.key, [ATTR.connectorPosition]: position },
    });
  }

  /**
   * One log record and one agent-log line per distinct failure, when it starts; nothing
   * while it persists; an agent-log line when it is over. When every request failed the
   * same way (Jira down, credentials rejected) that is one failure, not one per endpoint.
   */
  private reportFailures(failures: PollFailure[], requests: number): void {
    const current = new Map<string, { first: PollFailure; count: number; kept: { keys: Set<string>; incompleteList: boolean } | undefined }>();
    const allSame = failures.length === requests && failures.every((f) => f.failure.errorType === failures[0]!.failure.errorType);
    for (const f of failures) {
      const key = allSame ? `all|${f.failure.errorType}` : `${f.request.template}|${f.failure.signature}`;
      let entry = current.get(key);
      if (entry) entry.count++;
      else current.set(key, entry = { first: f, count: 1, kept: undefined });
      if (f.kept) {
        entry.kept ??= { keys: new Set(), incompleteList: false };
        for (const k of f.kept.keys) entry.kept.keys.add(k);
        if (f.kept.incompleteList) entry.kept.incompleteList = true;
      }
    }
    const next = new Map<string, ActiveFailure>();
    for (const [key, { first, count, kept }] of current) {
      const existing = this.active.get(key);
      if (existing) {
        next.set(key, existing);
        continue;
      }
      let message = first.failure.message;
      if (count > 1) {
        const others = count === 2 ? 'the other request' : `the other ${count - 1} requests`;
        message += allSame
          ? ` (${others} of this poll failed the same way)`
          : ` (${count} requests to ${first.request.template} failed this way)`;
      }
      if (first.failure.advice) message += `. ${first.failure.advice}`;
      if (kept) message += this.keptText(kept);
      const status = first.failure.statusCode === undefined ? '' : ` ${first.failure.statusCode}`;
      const short = `${first.failure.errorType === String(first.failure.statusCode) ? `HTTP${status}` : first.failure.errorType}` +
        `${allSame ? '' : ` at ${first.request.template}`}`;
      next.set(key, { message, short, shape: kept !== undefined, since: Date.now() });
      this.log.problem(`api|${key}`, 'error', message);
      emitEvent(this.host.logger, telemetry.apiError, {
        severity: 'ERROR',
        body: message,
        attributes: {
          ...this.extra,
          [ATTR.httpRequestMethod]: 'GET',
          [ATTR.urlTemplate]: first.request.template,
          ...(first.failure.statusCode === undefined ? {} : { [ATTR.httpResponseStatusCode]: first.failure.statusCode }),
          [ATTR.errorType]: first.failure.errorType,
        },
      });
    }
    for (const [key, old] of this.active) {
      if (next.has(key)) continue;
      const seconds = Math.round((Date.now() - old.since) / 1000);
      // Over, but replaced by another failure (said above): not "works again".
      const message = next.size > 0
        ? `the Backbone REST API no longer fails this way after ${seconds}s (was: ${old.short}); it still fails as reported above`
        : old.shape
          ? `the Backbone REST API answers in the documented shape again after ${seconds}s (was: ${old.short}); the values reported are current again`
          : `the Backbone REST API works again after ${seconds}s (was: ${old.short})`;
      this.log.resolved(`api|${key}`, message);
    }
    this.active = next;
  }

  private registerGauges(): void {
    const meter = this.host.meter;
    const up = observableGauge(meter, telemetry.apiUp);
    const status = observableGauge(meter, telemetry.integrationStatus);
    const online = observableGauge(meter, telemetry.connectorOnline);
    const reconnecting = observableGauge(meter, telemetry.connectorReconnecting);
    const issues = observableGauge(meter, telemetry.connectorIssuesInError);
    const route = observableGauge(meter, telemetry.connectorRouteStatus);
    const processing = observableGauge(meter, telemetry.connectorProcessingStatus);
    meter.addBatchObservableCallback((observer) => {
      if (this.up !== undefined) observer.observe(up, this.up, this.extra);
      for (const integration of this.integrations.values()) {
        if (!integration.present) continue;
        for (const [value, current] of integration.status.points()) {
          observer.observe(status, current, { ...this.extra, [ATTR.integration]: integration.key, [ATTR.status]: value });
        }
        for (const [position, connector] of integration.connectors) {
          if (!connector.present) continue;
          const attributes: Attributes = {
            ...this.extra, [ATTR.integration]: integration.key, [ATTR.connector]: connector.key, [ATTR.connectorPosition]: position,
          };
          if (connector.online !== undefined) observer.observe(online, connector.online ? 1 : 0, attributes);
          if (connector.reconnecting !== undefined) observer.observe(reconnecting, connector.reconnecting ? 1 : 0, attributes);
          if (connector.issuesInError !== undefined) observer.observe(issues, connector.issuesInError, attributes);
          for (const [name, set] of connector.routes) {
            for (const [value, current] of set.points()) {
              observer.observe(route, current, { ...attributes, [ATTR.route]: name, [ATTR.routeStatus]: value });
            }
          }
          for (const [name, set] of connector.processing) {
            for (const [value, current] of set.points()) {
              observer.observe(processing, current, { ...attributes, [ATTR.route]: name, [ATTR.processingStatus]: value });
            }
          }
        }
      }
    }, [up, status, online, reconnecting, issues, route, processing]);
  }
}
