// Backbone's dashboard, once for every backend (monitoring/render/ writes it for Grafana over
// Prometheus or Mimir, Datadog and New Relic): synchronizations, messages per state and their
// age, the flow of messages, and the agents' own health with which agent leads.
import { AGENT, type Dashboard, type ValueText } from './model.ts';

const words = (zero: string, one: string, bad: 0 | 1): ValueText[] => [
  { value: 0, text: zero, color: bad === 0 ? 'red' : 'green' },
  { value: 1, text: one, color: bad === 1 ? 'orange' : 'green' },
];

const NOT_PROCESSED = [{ attribute: 'backbone.state', op: 'not_in', values: ['processed'] }] as const;

export const DASHBOARD: Dashboard = {
  title: 'Backbone Issue Sync',
  description: 'Synchronizations of Backbone Issue Sync as backbone-otel-agent sees them: status, connectors, messages per state and their age, the message flow, and the agent itself.',
  rows: [
    {
      title: 'Synchronizations',
      panels: [
        {
          title: 'Synchronization status', visual: 'table', width: 8,
          queries: [{ metric: 'backbone.integration.status', kind: 'gauge', aggregation: 'max', by: ['backbone.integration', 'backbone.status'], equals: 1 }],
          description: 'Each synchronization\'s current status as the REST API reports it (where the backend cannot filter on values: 1 for the current status, 0 for earlier ones).',
        },
        {
          title: 'Connectors online', visual: 'stat', width: 6, valueTexts: words('offline', 'online', 0),
          queries: [{ metric: 'backbone.connector.online', kind: 'gauge', aggregation: 'max', by: ['backbone.integration', 'backbone.connector'], legend: '{backbone.integration} {backbone.connector}' }],
        },
        {
          title: 'Connectors reconnecting', visual: 'stat', width: 5, valueTexts: words('no', 'reconnecting', 1),
          queries: [{ metric: 'backbone.connector.reconnecting', kind: 'gauge', aggregation: 'max', by: ['backbone.integration', 'backbone.connector'], legend: '{backbone.integration} {backbone.connector}' }],
        },
        {
          title: 'Issues in error', visual: 'stat', width: 5, unit: 'none',
          queries: [
            { metric: 'backbone.connector.issues_in_error', kind: 'gauge', aggregation: 'sum', by: [], legend: 'REST API' },
            { metric: 'backbone.folder.issues', kind: 'gauge', aggregation: 'sum', by: [], where: [{ attribute: 'backbone.state', op: 'in', values: ['error'] }], legend: 'error/ folders' },
          ],
        },
      ],
    },
    {
      title: 'Messages',
      panels: [
        {
          title: 'Messages per state', visual: 'timeseries', width: 12, unit: 'none',
          queries: [{ metric: 'backbone.folder.messages', kind: 'gauge', aggregation: 'sum', by: ['backbone.state'], where: NOT_PROCESSED, legend: '{backbone.state}' }],
        },
        {
          title: 'Oldest message age per state', visual: 'timeseries', width: 12, unit: 's',
          queries: [{ metric: 'backbone.folder.oldest_message.age', kind: 'gauge', aggregation: 'max', by: ['backbone.state'], legend: '{backbone.state}' }],
        },
        {
          title: 'Messages by project and state', visual: 'table', width: 12, unit: 'none',
          queries: [{ metric: 'backbone.folder.messages', kind: 'gauge', aggregation: 'max', by: ['backbone.integration', 'backbone.project', 'backbone.state'] }],
        },
        {
          title: 'Folder size per state', visual: 'timeseries', width: 6, unit: 'bytes',
          queries: [{ metric: 'backbone.folder.size', kind: 'gauge', aggregation: 'sum', by: ['backbone.state'], legend: '{backbone.state}' }],
        },
        {
          title: 'processed/ messages', visual: 'timeseries', width: 6, unit: 'none',
          queries: [{ metric: 'backbone.folder.messages', kind: 'gauge', aggregation: 'sum', by: [], where: [{ attribute: 'backbone.state', op: 'in', values: ['processed'] }], legend: 'processed' }],
        },
      ],
    },
    {
      title: 'Message flow',
      panels: [
        {
          title: 'Transitions per minute by destination', visual: 'timeseries', width: 12, unit: 'none',
          queries: [{ metric: 'backbone.message.transitions', kind: 'rate', aggregation: 'sum', by: ['backbone.to_state'], legend: '{backbone.to_state}' }],
        },
        {
          title: 'Dwell time quantiles by state left', visual: 'timeseries', width: 12, unit: 's',
          queries: [0.5, 0.9, 0.99].map((quantile) => ({
            metric: 'backbone.message.dwell_time', kind: 'quantile' as const, quantile, by: ['backbone.from_state'], legend: `p${quantile * 100} {backbone.from_state}`,
          })),
        },
        {
          title: 'Moves into error, sendfailed and invalid (log records)', visual: 'timeseries', width: 24, unit: 'none',
          queries: [{
            metric: 'backbone.message.transition', kind: 'log', event: 'backbone.message.transition', by: ['backbone.to_state'],
            where: [{ attribute: 'backbone.to_state', op: 'in', values: ['error', 'sendfailed', 'invalid'] }], legend: '{backbone.to_state}',
          }],
          description: 'From the log records: one per move, with the message and issue in its attributes.',
        },
      ],
    },
    {
      title: 'Agent health',
      panels: [
        { title: 'Agents up', visual: 'stat', width: 4, valueTexts: words('down', 'up', 0), queries: [{ metric: 'backbone.root.present', kind: 'alive', by: [AGENT], legend: '{@agent}' }] },
        { title: 'Leader', visual: 'stat', width: 4, valueTexts: [{ value: 0, text: 'standby', color: 'green' }, { value: 1, text: 'leader', color: 'green' }], queries: [{ metric: 'backbone.agent.leader', kind: 'gauge', aggregation: 'max', by: [AGENT], legend: '{@agent}' }] },
        { title: 'REST API up', visual: 'stat', width: 4, valueTexts: words('down', 'up', 0), queries: [{ metric: 'backbone.api.up', kind: 'gauge', aggregation: 'max', by: [AGENT], legend: '{@agent}' }] },
        {
          title: 'Exporters: sent and failed per minute', visual: 'timeseries', width: 6, unit: 'short',
          queries: [
            { metric: 'otelcol_exporter_sent_metric_points', kind: 'rate', aggregation: 'sum', by: [AGENT, 'exporter'], legend: 'sent points {exporter} {@agent}' },
            { metric: 'otelcol_exporter_sent_log_records', kind: 'rate', aggregation: 'sum', by: [AGENT, 'exporter'], legend: 'sent records {exporter} {@agent}' },
            { metric: 'otelcol_exporter_send_failed_metric_points', kind: 'rate', aggregation: 'sum', by: [AGENT, 'exporter'], legend: 'failed points {exporter} {@agent}' },
            { metric: 'otelcol_exporter_send_failed_log_records', kind: 'rate', aggregation: 'sum', by: [AGENT, 'exporter'], legend: 'failed records {exporter} {@agent}' },
          ],
        },
        {
          title: 'Sending queue fill', visual: 'timeseries', width: 6, unit: 'short',
          queries: [
            { metric: 'otelcol_exporter_queue_size', kind: 'gauge', aggregation: 'max', by: [AGENT, 'exporter', 'data_type'], legend: 'queued {exporter} {data_type} {@agent}' },
            { metric: 'otelcol_exporter_queue_capacity', kind: 'gauge', aggregation: 'max', by: [AGENT, 'exporter', 'data_type'], legend: 'capacity {exporter} {data_type} {@agent}' },
          ],
        },
        { title: 'Agent memory (RSS)', visual: 'timeseries', width: 6, unit: 'bytes', queries: [{ metric: 'otelcol_process_memory_rss', kind: 'gauge', aggregation: 'max', by: [AGENT], legend: '{@agent}' }] },
        { title: 'Agent CPU seconds per minute', visual: 'timeseries', width: 6, unit: 's', queries: [{ metric: 'otelcol_process_cpu_seconds', kind: 'rate', aggregation: 'sum', by: [AGENT], legend: '{@agent}' }] },
        {
          title: 'Folder scan duration and errors', visual: 'timeseries', width: 6, unit: 's',
          queries: [
            { metric: 'backbone.scan.duration', kind: 'gauge', aggregation: 'max', by: [AGENT], legend: 'scan duration {@agent}' },
            { metric: 'backbone.scan.errors', kind: 'rate', aggregation: 'sum', by: [AGENT, 'error.type'], legend: 'errors/min {error.type} {@agent}' },
          ],
        },
        {
          title: 'REST API request duration (p90) by endpoint', visual: 'timeseries', width: 6, unit: 's',
          queries: [{ metric: 'backbone.api.request.duration', kind: 'quantile', quantile: 0.9, by: ['url.template'], legend: '{url.template}' }],
        },
        { title: 'Backbone root present', visual: 'stat', width: 6, valueTexts: words('missing', 'present', 0), queries: [{ metric: 'backbone.root.present', kind: 'gauge', aggregation: 'max', by: [AGENT], legend: '{@agent}' }] },
      ],
    },
  ],
};
