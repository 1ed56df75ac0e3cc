// How the backbone_rest receiver says that the API fails: one log record and one agent-log
// line per distinct failure, when it starts; nothing while it persists; an agent-log line
// when it is over. When every request of a poll failed the same way (Jira down, credentials
// rejected) that is one failure, not one per endpoint. The receiver's status (the health
// check) says the same: a recoverable error with the failures' messages while any lasts, ok
// once a poll works.
import type { Attributes, Logger } from '@opentelemetry/api';
import type { ComponentStatusReporter } from '../../component/component.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { emitEvent } from '../../telemetry/instruments.ts';
import type { ShapeProblem } from './answer-shape.ts';
import type { ApiRequest } from './api-client.ts';
import type { ApiView } from './api-view.ts';
import type { ApiFailure } from './failures.ts';
import * as telemetry from './telemetry.ts';

export interface PollFailure {
  request: ApiRequest;
  failure: ApiFailure;
  /** An answer of the wrong shape: the synchronizations it is about, whose last good values are kept. */
  kept?: { keys: string[]; incompleteList: boolean };
}

interface ActiveFailure {
  message: string;
  /** "HTTP 401", "timeout at /health": for the line that says it is over. */
  short: string;
  /** The answers had the wrong shape (the line that says it is over says they are right again). */
  shape: boolean;
  since: number;
}

/** Where two shape problems are "the same": the path without list indexes, and what was expected. */
export function shapeSignature(problem: ShapeProblem): string {
  return `${problem.path.replace(/\[\d+\]/g, '[]')}:${problem.expected}`;
}

function names(keys: readonly string[]): string {
  const shown = keys.slice(0, 5).join(', ');
  return keys.length > 5 ? `${shown}, … (${keys.length} in all)` : shown;
}

export class FailureReport {
  private readonly view: ApiView;
  private readonly logger: Logger;
  private readonly log: AgentLog;
  private readonly extra: Attributes;
  private readonly status: ComponentStatusReporter | undefined;
  /** Failures reported and not yet over, by key: each is said once. */
  private active = new Map<string, ActiveFailure>();

  constructor(view: ApiView, logger: Logger, log: AgentLog, extra: Attributes, status: ComponentStatusReporter | undefined) {
    this.view = view;
    this.logger = logger;
    this.log = log;
    this.extra = extra;
    this.status = status;
  }

  /** The messages of the failures not yet over. */
  messages(): string[] {
    return [...this.active.values()].map((a) => a.message);
  }

  /** What one poll of `requests` requests met; says what started and what is over. */
  report(failures: readonly PollFailure[], requests: number): void {
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
      emitEvent(this.logger, telemetry.apiError, {
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
    if (next.size === 0) this.status?.ok();
    else this.status?.recoverableError(`the Backbone REST API fails: ${[...next.values()].map((a) => a.message).join('; ')}`);
  }

  /** What an answer of the wrong shape does to the metrics, for its message. */
  private keptText(kept: { keys: Set<string>; incompleteList: boolean }): string {
    const keys = [...kept.keys].sort();
    const stale = keys.filter((key) => this.view.reported(key));
    const unknown = keys.filter((key) => !this.view.reported(key));
    const parts: string[] = [];
    if (stale.length > 0) parts.push(`${names(stale)} keep${stale.length === 1 ? 's' : ''} the values of the last good answer (stale)`);
    if (kept.incompleteList) {
      const others = this.view.staleKeys().filter((key) => !kept.keys.has(key) && this.view.reported(key));
      parts.push(others.length > 0
        ? `synchronizations missing from this answer keep the values of the last good answer (stale: ${names(others)})`
        : 'no synchronization missing from this answer is reported');
    }
    if (unknown.length > 0) parts.push(`${names(unknown)} ${unknown.length === 1 ? 'is' : 'are'} not reported`);
    return parts.length === 0 ? '' : ` Until Backbone answers in the documented shape again, ${parts.join('; ')}.`;
  }
}
