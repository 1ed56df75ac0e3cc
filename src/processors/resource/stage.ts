// The resource processor's stages: every batch leaves with the resource changed. The change
// is worked out once per resource met (sources share the agent's resource).
import type { Resource } from '@opentelemetry/resources';
import type { LogsConsumer, MetricsConsumer } from '../../component/consumer.ts';
import { logsStage, metricsStage } from '../stage.ts';

function memoized(change: (resource: Resource) => Resource): (resource: Resource) => Resource {
  const done = new WeakMap<Resource, Resource>();
  return (resource) => {
    let changed = done.get(resource);
    if (!changed) done.set(resource, (changed = change(resource)));
    return changed;
  };
}

export function resourceMetricsStage(next: MetricsConsumer, change: (resource: Resource) => Resource): MetricsConsumer {
  const changed = memoized(change);
  return metricsStage(next, (batch) => ({ resource: changed(batch.resource), scopeMetrics: batch.scopeMetrics }));
}

export function resourceLogsStage(next: LogsConsumer, change: (resource: Resource) => Resource): LogsConsumer {
  const changed = memoized(change);
  return logsStage(next, (batch) => batch.map((record) => Object.freeze({ ...record, resource: changed(record.resource) })));
}
