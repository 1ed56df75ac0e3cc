// The debug exporter prints what the agent sends in a form a person can read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { LogsExporter, MetricsExporter } from '../../src/component/component.ts';
import { DEFAULT_SHAPE } from '../../src/component/consumer.ts';
import { createDebugLogsExporter, createDebugMetricsExporter } from '../../src/exporters/debug/exporter.ts';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { Source } from '../../src/pipeline/source.ts';

function settings(verbosity: 'basic' | 'detailed') {
  return { id: 'debug', config: { verbosity }, log: new AgentLog({ sink: { write() {} } }) };
}

/** A source whose batches go to the exporter, as a receiver's do in a pipeline. */
function sourceInto(exporter: MetricsExporter | LogsExporter): Source {
  const source = new Source(resourceFromAttributes({}), [DEFAULT_SHAPE], true, (error) => { throw error; });
  const { consumer } = exporter;
  if ('consumeMetrics' in consumer) source.metrics.route(DEFAULT_SHAPE, (batch) => consumer.consumeMetrics(batch));
  else source.logs!.route((batch) => consumer.consumeLogs(batch));
  return source;
}

async function printed(verbosity: 'basic' | 'detailed'): Promise<string> {
  let text = '';
  const source = sourceInto(createDebugMetricsExporter(settings(verbosity), { write: (t) => { text += t; } }));
  const meter = source.meter('test');
  const messages = meter.createObservableGauge('backbone.folder.messages');
  const issues = meter.createObservableGauge('backbone.folder.issues');
  meter.addBatchObservableCallback((result) => {
    const a = { 'backbone.integration': 'INT-16', 'backbone.project': 'AP-29' };
    result.observe(messages, 4, { ...a, 'backbone.state': 'receive' });
    result.observe(messages, 3, { ...a, 'backbone.state': 'error' });
    result.observe(issues, 2, { ...a, 'backbone.state': 'error' });
  }, [messages, issues]);
  await source.report();
  await source.shutdown();
  return text;
}

test('basic: one line per export and a table of messages per project and state', async () => {
  const text = await printed('basic');
  assert.match(text, /metrics: 2 metrics, 3 data points/);
  assert.match(text, /integration\s+project\s+receive\s+processed\s+error/);
  assert.match(text, /INT-16\s+AP-29\s+4\s+-\s+3\/2i/);
  assert.match(text, /\n {2}\(message files per state; 6\/1i: 6 files in 1 issue folder \(error, missing\); -: no such folder\)\n/, 'a legend under the table');
});

test('detailed: every data point with its attributes', async () => {
  const text = await printed('detailed');
  assert.match(text, /backbone\.folder\.messages GAUGE\n {2}\{backbone\.integration="INT-16", backbone\.project="AP-29", backbone\.state="receive"\} 4/);
});

test('log records: time, severity, event name and body; detailed adds the attributes', async () => {
  for (const verbosity of ['basic', 'detailed'] as const) {
    let text = '';
    const source = sourceInto(createDebugLogsExporter(settings(verbosity), { write: (t) => { text += t; } }));
    source.logger('test').emit({ eventName: 'backbone.layout.unknown_folder', severityText: 'WARN', body: 'Folder x matches no state', attributes: { 'backbone.path': 'x' } });
    await source.report();
    assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z WARN {2}backbone\.layout\.unknown_folder: Folder x matches no state\n/);
    assert.equal(/backbone\.path="x"/.test(text), verbosity === 'detailed');
  }
});

test('basic: one line per integration with its status and connectors, from the REST poller', async () => {
  let text = '';
  const source = sourceInto(createDebugMetricsExporter(settings('basic'), { write: (t) => { text += t; } }));
  const meter = source.meter('test');
  const status = meter.createObservableGauge('backbone.integration.status');
  const online = meter.createObservableGauge('backbone.connector.online');
  const errors = meter.createObservableGauge('backbone.connector.issues_in_error');
  meter.addBatchObservableCallback((result) => {
    result.observe(status, 0, { 'backbone.integration': 'INT-16', 'backbone.status': 'RUNNING' });
    result.observe(status, 1, { 'backbone.integration': 'INT-16', 'backbone.status': 'STOPPED' });
    const first = { 'backbone.integration': 'INT-16', 'backbone.connector': 'AP-29', 'backbone.connector.position': 'first' };
    const second = { 'backbone.integration': 'INT-16', 'backbone.connector': 'BP-30', 'backbone.connector.position': 'second' };
    result.observe(online, 1, first);
    result.observe(online, 0, second);
    result.observe(errors, 3, second);
  }, [status, online, errors]);
  await source.report();
  await source.shutdown();
  assert.match(text, /\n {2}INT-16 {2}STOPPED {2}AP-29 online; BP-30 OFFLINE, 3 in error\n/);
});
