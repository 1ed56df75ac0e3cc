// What the file-event watcher emits: part of the public telemetry contract.
import { ATTR } from '../../telemetry/attributes.ts';
import type { ComponentTelemetry, EventDeclaration, MetricDeclaration } from '../../telemetry/declaration.ts';

/** Attribute of backbone.watcher.mode: `native` or `poll`. */
export const MODE_ATTR = ATTR.mode;

const MOVE = [ATTR.integration, ATTR.project, ATTR.fromState, ATTR.toState] as const;

export const messageTransitions: MetricDeclaration = {
  name: 'backbone.message.transitions', kind: 'counter', unit: '{message}', valueType: 'int', attributes: MOVE,
  description: 'Message files that appeared in, moved between or disappeared from the state folders; `none` where the message did not exist before or does not exist after.',
};

/**
 * The default bucket boundaries of backbone.message.dwell_time (receiver setting
 * dwell_time.boundaries): 10 s, 1 min, 10 min, 1 h, 6 h, 1 d, 7 d. Every bucket is a series per
 * project and from/to pair in Prometheus-style backends, so there are few, where the answers
 * differ: seconds (moves are seen at the poll interval, 5 s by default, so finer buckets
 * would measure the watcher) up to days (a message waiting or in error for a week).
 */
export const DWELL_TIME_BOUNDARIES: readonly number[] = [10, 60, 600, 3_600, 21_600, 86_400, 604_800];

export const messageDwellTime: MetricDeclaration = {
  name: 'backbone.message.dwell_time', kind: 'histogram', unit: 's', valueType: 'double', attributes: MOVE,
  description: 'Time a message spent in `from_state` before it moved on or disappeared (from when it entered the state; for messages there when the watcher started, from their modification time).',
  buckets: DWELL_TIME_BOUNDARIES,
};

export const watcherMode: MetricDeclaration = {
  name: 'backbone.watcher.mode', kind: 'gauge', unit: '1', valueType: 'int', attributes: [MODE_ATTR],
  description: 'Watch method in use: 1 for the mode in use (`native`: file-system events plus periodic listings; `poll`: listings only), 0 for the other.',
};

export const messageTransition: EventDeclaration = {
  name: 'backbone.message.transition',
  when: 'A message file appeared, moved or disappeared. Once per move, also for moves made while the agent was stopped (reported after its restart). Nothing is reported for a folder that cannot be listed (unreadable) nor while the root is missing: its messages are left as they were and compared again once it can be listed; a folder that could not be listed since the start has its files taken as the starting point then (they were there before the agent could see them), not as appearances.',
  severity: 'INFO for `processed` and for `send` -> `none`; WARN for `waiting`, `missing`, `offline`, `outdated`; ERROR for `error`, `sendfailed`, `invalid`; INFO otherwise (by the state the message moved to)',
  attributes: [...MOVE, ATTR.message, ATTR.issue, ATTR.dwellTime, ATTR.detectedBy, ATTR.recordUid],
};

export const eventsTelemetry: ComponentTelemetry = {
  component: 'backbone_events',
  metrics: [messageTransitions, messageDwellTime, watcherMode],
  events: [messageTransition],
};
