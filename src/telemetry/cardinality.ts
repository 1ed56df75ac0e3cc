// How many series one instrument may have before the SDK folds the rest into one
// `otel.metric.overflow` series. The SDK's default, 2,000, is below what a large installation
// has: 200 synchronizations × 4 projects × 5 states is already 4,000 folder series per
// metric, and series past the limit would be lost without a word. The agent's series are
// bounded by the Backbone tree and the REST answer, not by outside input, so the limit only
// guards against a runaway; every reader of the agent uses it.
import type { InstrumentType } from '@opentelemetry/sdk-metrics';

export const SERIES_PER_INSTRUMENT = 200_000;

export const cardinalitySelector: (instrument: InstrumentType) => number = () => SERIES_PER_INSTRUMENT;

/** The same, in the form PeriodicExportingMetricReader takes. */
export const cardinalityLimits = { default: SERIES_PER_INSTRUMENT };
