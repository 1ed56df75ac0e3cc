// The filter's metrics side: whole metrics are dropped by name (include/exclude) or by
// `metrics.metric` conditions, checked once when an instrument is created; single data points
// by `metrics.datapoint` conditions, checked where a value is recorded or observed, with its
// attributes and the pipeline's resource.
import type { Attributes, Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { filteredMeter, type InstrumentInfo } from '../meter-wrappers.ts';
import { anyCondition } from './ottl/conditions.ts';
import { dataPointContext, metricContext, type MetricView } from './ottl/contexts.ts';

export interface MetricsFilterConfig {
  metric: readonly string[];
  datapoint: readonly string[];
}

export function metricsFilter(config: MetricsFilterConfig, keepName: (name: string) => boolean) {
  const metricMatches = anyCondition(config.metric, metricContext);
  const pointMatches = anyCondition(config.datapoint, dataPointContext);
  // The resource as this processor sees it: after the processors listed before it.
  let resourceAttributes: Attributes = {};
  const view = (instrument: InstrumentInfo): MetricView => ({ ...instrument, resourceAttributes });
  return {
    resource(resource: Resource): Resource {
      resourceAttributes = resource.attributes;
      return resource;
    },
    meter(meter: Meter): Meter {
      return filteredMeter(meter, {
        keepInstrument: (instrument) => keepName(instrument.name) && !metricMatches?.(view(instrument)),
        pointFilter: pointMatches && ((instrument) => {
          const metric = view(instrument);
          return (attributes) => !pointMatches({ metric, attributes });
        }),
      });
    },
  };
}
