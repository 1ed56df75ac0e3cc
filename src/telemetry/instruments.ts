// Instruments and log records made from declarations, so that names, units and
// descriptions are written once (in a component's telemetry.ts).
import { type Attributes, type Logger, type Meter, SeverityNumber, ValueType } from '@opentelemetry/api';
import type { EventDeclaration, MetricDeclaration } from './declaration.ts';
import { ATTR } from './attributes.ts';

function options(declaration: MetricDeclaration) {
  return {
    description: declaration.description,
    unit: declaration.unit,
    valueType: declaration.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE,
  };
}

function expectKind(declaration: MetricDeclaration, kind: MetricDeclaration['kind']): void {
  if (declaration.kind !== kind) throw new Error(`${declaration.name} is declared as a ${declaration.kind}, not a ${kind}`);
}

export function observableGauge(meter: Meter, declaration: MetricDeclaration) {
  expectKind(declaration, 'gauge');
  return meter.createObservableGauge(declaration.name, options(declaration));
}

export function gauge(meter: Meter, declaration: MetricDeclaration) {
  expectKind(declaration, 'gauge');
  return meter.createGauge(declaration.name, options(declaration));
}

export function counter(meter: Meter, declaration: MetricDeclaration) {
  expectKind(declaration, 'counter');
  return meter.createCounter(declaration.name, options(declaration));
}

/** `boundaries`: bucket boundaries from the configuration, instead of the declared ones. */
export function histogram(meter: Meter, declaration: MetricDeclaration, boundaries?: readonly number[]) {
  expectKind(declaration, 'histogram');
  const buckets = boundaries ?? declaration.buckets;
  const advice = buckets ? { explicitBucketBoundaries: [...buckets] } : undefined;
  return meter.createHistogram(declaration.name, { ...options(declaration), ...(advice ? { advice } : {}) });
}

export type Severity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
const SEVERITY_NUMBER: Record<Severity, SeverityNumber> = {
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
};

/** Emits a log record of a declared event; `event.name` is set as field and as attribute. */
export function emitEvent(
  logger: Logger,
  declaration: EventDeclaration,
  record: { severity: Severity; body: string; attributes: Attributes; timestamp?: number },
): void {
  logger.emit({
    eventName: declaration.name,
    severityNumber: SEVERITY_NUMBER[record.severity],
    severityText: record.severity,
    body: record.body,
    attributes: { [ATTR.eventName]: declaration.name, ...record.attributes },
    ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }),
  });
}
