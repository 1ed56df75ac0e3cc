// Observable gauges are collected with delta temporality, so that a series a callback no
// longer observes (a project folder that was removed, an integration that disappeared)
// stops being exported. With cumulative temporality the SDK keeps repeating its last value
// for ever. OTLP gauges carry no temporality, so nothing else changes for the backend.
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';

export function temporalityFor(instrument: InstrumentType, otherwise: (instrument: InstrumentType) => AggregationTemporality): AggregationTemporality {
  return instrument === InstrumentType.OBSERVABLE_GAUGE ? AggregationTemporality.DELTA : otherwise(instrument);
}
