// The public telemetry names, frozen: users' dashboards, alerts and queries depend on them.
// Agreed with the telemetry spec (Backbone's shared spec, telemetry.md); the agent's own
// metrics carry the OpenTelemetry Collector's names. A test fails when a declaration differs
// from this list, so a rename is never silent: change a line here only on purpose, and say so
// in the release notes.

/** [name, kind, unit] */
export const PUBLIC_METRICS: readonly (readonly [string, 'gauge' | 'counter' | 'histogram', string])[] = [
  ['backbone.api.up', 'gauge', '1'],
  ['backbone.api.request.duration', 'histogram', 's'],
  ['backbone.integration.status', 'gauge', '1'],
  ['backbone.connector.online', 'gauge', '1'],
  ['backbone.connector.reconnecting', 'gauge', '1'],
  ['backbone.connector.issues_in_error', 'gauge', '{issue}'],
  ['backbone.connector.route.status', 'gauge', '1'],
  ['backbone.connector.processing.status', 'gauge', '1'],
  ['backbone.folder.messages', 'gauge', '{message}'],
  ['backbone.folder.size', 'gauge', 'By'],
  ['backbone.folder.oldest_message.age', 'gauge', 's'],
  ['backbone.folder.issues', 'gauge', '{issue}'],
  ['backbone.folder.other_files', 'gauge', '{file}'],
  ['backbone.scan.duration', 'gauge', 's'],
  ['backbone.root.present', 'gauge', '1'],
  ['backbone.scan.errors', 'counter', '{error}'],
  ['backbone.message.transitions', 'counter', '{message}'],
  ['backbone.message.dwell_time', 'histogram', 's'],
  ['backbone.watcher.mode', 'gauge', '1'],
  ['backbone.agent.leader', 'gauge', '1'],
  ['otelcol_exporter_sent_metric_points', 'counter', '{datapoint}'],
  ['otelcol_exporter_sent_log_records', 'counter', '{record}'],
  ['otelcol_exporter_send_failed_metric_points', 'counter', '{datapoint}'],
  ['otelcol_exporter_send_failed_log_records', 'counter', '{record}'],
  ['otelcol_exporter_enqueue_failed_metric_points', 'counter', '{datapoint}'],
  ['otelcol_exporter_enqueue_failed_log_records', 'counter', '{record}'],
  ['otelcol_exporter_queue_size', 'gauge', '{batch}'],
  ['otelcol_exporter_queue_capacity', 'gauge', '{batch}'],
  ['otelcol_receiver_accepted_log_records', 'counter', '{record}'],
  ['otelcol_receiver_refused_metric_points', 'counter', '{datapoint}'],
  ['otelcol_receiver_refused_log_records', 'counter', '{record}'],
  ['otelcol_processor_refused_metric_points', 'counter', '{datapoint}'],
  ['otelcol_processor_refused_log_records', 'counter', '{record}'],
  ['otelcol_process_uptime', 'counter', 's'],
  ['otelcol_process_cpu_seconds', 'counter', 's'],
  ['otelcol_process_memory_rss', 'gauge', 'By'],
  ['otelcol_process_runtime_heap_alloc_bytes', 'gauge', 'By'],
];

/** The event names of the log records. */
export const PUBLIC_EVENTS: readonly string[] = [
  'backbone.integration.status_changed', 'backbone.connector.changed', 'backbone.api.error',
  'backbone.layout.unknown_folder', 'backbone.message.transition', 'backbone.agent.leader_changed',
];

/** The metric rows of the committed docs/telemetry.md: name -> kind and unit. */
export function documentedMetrics(docs: string): Map<string, { kind: string; unit: string }> {
  const rows = new Map<string, { kind: string; unit: string }>();
  for (const [, name, kind, unit] of docs.matchAll(/^\| `([a-z_.]+)` \| (gauge|counter|histogram) \| `([^`]*)` \|/gm)) rows.set(name!, { kind: kind!, unit: unit! });
  return rows;
}
