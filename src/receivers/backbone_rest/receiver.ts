// The backbone_rest receiver's poll loop: polls the Backbone REST API on its own schedule
// (never overlapping itself, with a little jitter): the list of integrations, the status of
// each one the list does not embed it for, and /health. What the answers say goes to the
// ApiView (api-view.ts: current values and change events), what failed to the FailureReport
// (failure-report.ts: each failure said once, and the receiver's status).
import { readFileSync } from 'node:fs';
import type { Attributes, Histogram } from '@opentelemetry/api';
import type { Lifecycle, ReceiverHost } from '../../component/component.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { histogram } from '../../telemetry/instruments.ts';
import { AGENT_NAME, AGENT_VERSION } from '../../version.ts';
import type { ShapeProblem } from './answer-shape.ts';
import type { InvalidBytes } from './answer-text.ts';
import { ApiClient, type ApiClientOptions, type ApiRequest, type ApiResult, apiBaseUrl, SHUTDOWN } from './api-client.ts';
import {
  type IntegrationItem, type ListReading, problemsText, readIntegrationList, readStatusAnswer, type StatusReading,
} from './api-model.ts';
import { ApiView, type Block, type ListState } from './api-view.ts';
import type { RestConfig } from './config.ts';
import { FailureReport, type PollFailure, shapeSignature } from './failure-report.ts';
import { shapeFailure } from './failures.ts';
import * as telemetry from './telemetry.ts';

const LIST = '/integrations';
const STATUS = '/integrations/{integrationKey}/status';
const HEALTH = '/health';

/** The answer as read (undefined when the request failed), and the failure if any. */
type Outcome<T> = { value: T | undefined; failure: PollFailure | undefined };

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
  private readonly view: ApiView;
  private readonly failures: FailureReport;
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
    this.view = new ApiView(host.meter, host.logger, log, this.extra);
    this.failures = new FailureReport(this.view, host.logger, log, this.extra, host.status);
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
    return { polls: this.polls, up: this.view.up, failures: this.failures.messages() };
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
      this.view.up = 0;
      this.log.problem('internal', 'error', `poll failed: ${(error as Error).message}`);
      this.host.status?.recoverableError(`poll failed: ${(error as Error).message}`);
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
    this.view.apply(items, blocks, listState);
    this.view.up = failures.length === 0 ? 1 : 0;
    this.failures.report(failures, requests);
  }
}

