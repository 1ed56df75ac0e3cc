// The one declaration of every metric and log event. Components create their instruments
// from these (instruments.ts), and scripts/generate-docs.ts writes docs/telemetry.md from
// them, so that the code and the documented public contract cannot drift apart.
export type MetricKind = 'gauge' | 'counter' | 'histogram';

export interface MetricDeclaration {
  name: string;
  kind: MetricKind;
  unit: string;
  valueType: 'int' | 'double';
  description: string;
  attributes: readonly string[];
  /** Histogram bucket boundaries, where the default ones do not fit. */
  buckets?: readonly number[];
}

export interface EventDeclaration {
  name: string;
  /** When the record is emitted. */
  when: string;
  /** How its severity is chosen. */
  severity: string;
  attributes: readonly string[];
}

export interface AttributeDeclaration {
  name: string;
  description: string;
  example: string;
  /** Attributes with unbounded values that must never appear on metrics. */
  logsOnly?: boolean;
}

/** What one component emits, declared in its telemetry.ts. */
export interface ComponentTelemetry {
  component: string;
  metrics: readonly MetricDeclaration[];
  events: readonly EventDeclaration[];
}
