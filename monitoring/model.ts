// The shape of the one definition of Backbone's alerts and dashboard (alerts.ts, dashboard.ts):
// written once in OpenTelemetry's terms (metric names and attributes as the agent declares
// them in src/telemetry/), and rendered for each backend by monitoring/render/. A condition
// says what is watched, not how a backend spells it, so that a new backend is a new renderer.

export type Severity = 'critical' | 'warning';

/** Stands for the agent that sent a series: `instance` in Prometheus, `host` in Datadog, `host.name` in New Relic. */
export const AGENT = '@agent';
/** Stands for the agents of one installation (service.name): `job` in Prometheus, `service` in Datadog, `service.name` in New Relic. */
export const SERVICE = '@service';

/** A filter on one attribute: its value is one of `values` (`in`) or none of them (`not_in`). */
export interface Filter {
  attribute: string;
  op: 'in' | 'not_in';
  values: readonly string[];
}

/** The latest value of a gauge, folded over agents (and whatever `by` leaves out) with `aggregation`, compared with a threshold. */
export interface GaugeCondition {
  kind: 'gauge';
  metric: string;
  where?: readonly Filter[];
  by: readonly string[];
  aggregation: 'max' | 'sum';
  /** `==` is used on 0/1 gauges only, which lets backends without an equality test write it as >= 1 or <= 0. */
  op: '>' | '<' | '==';
  threshold: number;
}

/** A counter went up by more than `threshold` within `window`. */
export interface IncreaseCondition {
  kind: 'increase';
  metric: string;
  where?: readonly Filter[];
  by: readonly string[];
  window: string;
  threshold: number;
}

/** A gauge has been growing (its slope over `window` above zero). */
export interface GrowingCondition {
  kind: 'growing';
  metric: string;
  where?: readonly Filter[];
  by: readonly string[];
  window: string;
}

/** Nothing of `metric`, a series the agent sends at every collection whatever happens, has arrived for the alert's `for`. */
export interface SilenceCondition {
  kind: 'silence';
  metric: string;
}

export type Condition = GaugeCondition | IncreaseCondition | GrowingCondition | SilenceCondition;

export interface Runbook {
  /** What it means in Backbone's terms. */
  meaning: string;
  causes: readonly string[];
  /** Where to look: Backbone's UI, which folder, which REST field, the agent's log. */
  look: readonly string[];
  actions: readonly string[];
}

export interface Alert {
  /** Also the Prometheus alert name. */
  id: string;
  /** A short name without placeholders (New Relic condition, Datadog monitor name). */
  name: string;
  /** One line with placeholders `{attribute}` (or `{@agent}`) for the values of the alerting group. */
  summary: string;
  severity: Severity;
  condition: Condition;
  /** How long the condition holds before the alert fires: `0s`, `1m`, `5m`. */
  for: string;
  runbook: Runbook;
}

/** One query of a dashboard panel. */
export interface PanelQuery {
  metric: string;
  /**
   * gauge: latest value; rate: a counter's increase per minute; quantile: of a histogram;
   * alive: whether the agent sends (Prometheus scraping: `up`); log: log records per minute.
   */
  kind: 'gauge' | 'rate' | 'quantile' | 'alive' | 'log';
  /** How series are folded into the groups of `by`. */
  aggregation?: 'max' | 'sum';
  by: readonly string[];
  where?: readonly Filter[];
  quantile?: number;
  /** For `log`: the event.name of the records counted. */
  event?: string;
  /** Legend with `{attribute}` placeholders. */
  legend?: string;
  /** Only the series with this value (the current status of a 1/0 status gauge), where the backend can filter on values. */
  equals?: number;
}

/** How a value reads on a stat panel: 1 is `online`, in green. */
export interface ValueText {
  value: number;
  text: string;
  color: 'green' | 'red' | 'orange';
}

export interface Panel {
  title: string;
  /** stat: one value per group, as of now; table: the same in rows; timeseries: over time. */
  visual: 'timeseries' | 'stat' | 'table';
  unit?: 'none' | 's' | 'bytes' | 'percentunit' | 'short';
  /** Columns of 24. */
  width: number;
  queries: readonly PanelQuery[];
  /** A sentence under the title. */
  description?: string;
  /** Words (and colours) for values, on stat panels. */
  valueTexts?: readonly ValueText[];
}

export interface Row {
  title: string;
  panels: readonly Panel[];
}

export interface Dashboard {
  title: string;
  description: string;
  rows: readonly Row[];
}

/** `5m` -> 300 (seconds); `0s` -> 0. */
export function seconds(duration: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}
