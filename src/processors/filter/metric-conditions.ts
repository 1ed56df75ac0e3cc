// The filter's metrics stage: a metric is dropped whole by name (include/exclude) or by a
// `metrics.metric` condition; single data points by `metrics.datapoint` conditions, with
// their attributes, their metric and the batch's resource. A metric left without data points
// is dropped, as the Collector's filter processor does. A batch where nothing matches passes
// on as it came.
import { DataPointType, type MetricData, type MetricDescriptor } from '@opentelemetry/sdk-metrics';
import type { MetricsConsumer } from '../../component/consumer.ts';
import { metricsStage } from '../stage.ts';
import { anyCondition } from './ottl/conditions.ts';
import { dataPointContext, METRIC_DATA_TYPE, type MetricDataType, metricContext, type MetricView } from './ottl/contexts.ts';

export interface MetricsFilterConfig {
  metric: readonly string[];
  datapoint: readonly string[];
}

const DATA_TYPE: Record<DataPointType, MetricDataType> = {
  [DataPointType.GAUGE]: METRIC_DATA_TYPE.GAUGE,
  [DataPointType.SUM]: METRIC_DATA_TYPE.SUM,
  [DataPointType.HISTOGRAM]: METRIC_DATA_TYPE.HISTOGRAM,
  [DataPointType.EXPONENTIAL_HISTOGRAM]: METRIC_DATA_TYPE.EXPONENTIAL_HISTOGRAM,
};

export function metricView(descriptor: MetricDescriptor, type: DataPointType, resourceAttributes: MetricView['resourceAttributes']): MetricView {
  return { name: descriptor.name, description: descriptor.description, unit: descriptor.unit, type: DATA_TYPE[type], resourceAttributes };
}

export function metricsFilterStage(next: MetricsConsumer, config: MetricsFilterConfig, keepName: (name: string) => boolean): MetricsConsumer {
  const metricMatches = anyCondition(config.metric, metricContext);
  const pointMatches = anyCondition(config.datapoint, dataPointContext);
  return metricsStage(next, (batch) => {
    let changed = false;
    const scopeMetrics = batch.scopeMetrics.map((scope) => {
      const metrics: MetricData[] = [];
      for (const metric of scope.metrics) {
        const view = metricView(metric.descriptor, metric.dataPointType, batch.resource.attributes);
        if (!keepName(view.name) || metricMatches?.(view)) {
          changed = true;
          continue;
        }
        if (!pointMatches) {
          metrics.push(metric);
          continue;
        }
        const points = (metric.dataPoints as MetricData['dataPoints'][number][]).filter((point) => !pointMatches({ metric: view, attributes: point.attributes }));
        if (points.length === metric.dataPoints.length) metrics.push(metric);
        else {
          changed = true;
          if (points.length > 0) metrics.push({ ...metric, dataPoints: points } as MetricData);
        }
      }
      return { scope: scope.scope, metrics };
    }).filter((scope) => scope.metrics.length > 0);
    if (!changed) return batch;
    return scopeMetrics.length === 0 ? undefined : { resource: batch.resource, scopeMetrics };
  });
}
