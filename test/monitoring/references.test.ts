// The check of real-output.test.ts catches what a user would meet as an empty chart or an
// alert that never fires: a query naming a metric, a tag, an attribute or a filtered value
// the backend does not hold, in each backend's spelling (a Datadog filter on `RUNNING` where
// Datadog holds `running`, a PromQL name without its unit suffix, a NRQL attribute that is
// not sent). Synthetic points stand for the agent's output here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReceivedLog, ReceivedPoint } from '../helpers/otlp-receiver.ts';
import { datadogMetricReferences } from './support/datadog-references.ts';
import { nrqlReferences } from './support/nrql-references.ts';
import { promqlReferences } from './support/promql-references.ts';
import { missing, type Reference } from './support/reference.ts';
import { datadogVocabulary, mimirVocabulary, newRelicVocabulary } from './support/vocabulary.ts';

const resource = { 'service.name': 'backbone-otel-agent', 'service.instance.id': 'agent-1', 'host.name': 'jira-1' };
const point = (metric: string, unit: string, type: ReceivedPoint['type'], attributes: Record<string, string>): ReceivedPoint => ({
  metric, unit, description: '', type, temporality: type === 'sum' ? 1 : undefined, attributes, resource, scope: 'test', request: 0, value: 1, timeMs: 0,
});
const POINTS = [
  point('backbone.integration.status', '1', 'gauge', { 'backbone.integration': 'INT-10', 'backbone.status': 'RUNNING' }),
  point('backbone.folder.oldest_message.age', 's', 'gauge', { 'backbone.integration': 'INT-10', 'backbone.project': 'AP-20', 'backbone.state': 'error' }),
  point('backbone.message.transitions', '{message}', 'sum', { 'backbone.integration': 'INT-10', 'backbone.project': 'AP-20', 'backbone.from_state': 'receive', 'backbone.to_state': 'error' }),
];
const LOGS: ReceivedLog[] = [{
  eventName: 'backbone.message.transition', severityText: 'ERROR', severityNumber: 17, body: '', resource, timeMs: 0,
  attributes: { 'event.name': 'backbone.message.transition', 'backbone.to_state': 'error' },
}];

const problems = (vocabulary: ReturnType<typeof datadogVocabulary>, references: Reference[]) => references.flatMap((r) => missing(vocabulary, r));

test('Datadog: tag values as Datadog lower-cases them; tags and metric names as sent', () => {
  const vocabulary = datadogVocabulary(POINTS, LOGS);
  assert.deepEqual(problems(vocabulary, datadogMetricReferences('ok', 'min(last_5m):max:backbone.integration.status{NOT backbone.status:running} by {backbone.integration,host} >= 1')), []);
  assert.match(problems(vocabulary, datadogMetricReferences('upper', 'max:backbone.integration.status{!backbone.status:RUNNING}')).join(), /never has the value "RUNNING"/);
  assert.match(problems(vocabulary, datadogMetricReferences('tag', 'max:backbone.integration.status{*} by {backbone_integration}')).join(), /backbone_integration is not an attribute/);
  assert.match(problems(vocabulary, datadogMetricReferences('name', 'sum:backbone.message.transitions_total{*}.as_count()')).join(), /metric backbone.message.transitions_total is not/);
  assert.match(problems(vocabulary, datadogMetricReferences('list', 'max:backbone.folder.oldest_message.age{backbone.state IN (error,sendfailed)}')).join(), /never has the value "sendfailed"/);
});

test('New Relic: names, attributes (resource ones too) and values as sent; log records in Log', () => {
  const vocabulary = newRelicVocabulary(POINTS, LOGS);
  assert.deepEqual(problems(vocabulary, nrqlReferences('ok', "FROM Metric SELECT max(backbone.integration.status) WHERE backbone.status != 'RUNNING' FACET backbone.integration, host.name")), []);
  assert.deepEqual(problems(vocabulary, nrqlReferences('log', "FROM Log SELECT count(*) WHERE event.name = 'backbone.message.transition' AND backbone.to_state IN ('error') FACET backbone.to_state TIMESERIES")), []);
  assert.match(problems(vocabulary, nrqlReferences('value', "FROM Metric SELECT max(backbone.integration.status) WHERE backbone.status = 'running'")).join(), /never has the value "running"/);
  assert.match(problems(vocabulary, nrqlReferences('attribute', 'FROM Metric SELECT max(backbone.integration.status) FACET backbone.connector')).join(), /backbone.connector is not an attribute/);
  assert.match(problems(vocabulary, nrqlReferences('log value', "FROM Log SELECT count(*) WHERE backbone.to_state IN ('invalid')")).join(), /never has the value "invalid"/);
});

test('Grafana Cloud: Mimir names with unit suffixes and _total, labels with underscores, job and instance', () => {
  const vocabulary = mimirVocabulary(POINTS);
  assert.deepEqual(problems(vocabulary, promqlReferences('ok', 'sum by (job, instance, backbone_to_state) (increase(backbone_message_transitions_total{backbone_project=~"$project"}[5m])) > 0')), []);
  assert.match(problems(vocabulary, promqlReferences('suffix', 'max(backbone_folder_oldest_message_age{backbone_state="error"})')).join(), /metric backbone_folder_oldest_message_age is not/);
  assert.match(problems(vocabulary, promqlReferences('regex', 'max(backbone_folder_oldest_message_age_seconds{backbone_state=~"error|sendfailed"})')).join(), /never has the value "sendfailed"/);
  assert.match(problems(vocabulary, promqlReferences('by', 'max by (backbone_status) (backbone_folder_oldest_message_age_seconds)')).join(), /backbone_status is not an attribute/);
  assert.throws(() => promqlReferences('dots', 'max by (backbone.state) (backbone_folder_oldest_message_age_seconds)'), /PromQL syntax error/);
  assert.match(problems(vocabulary, promqlReferences('up', 'up{job="backbone-otel-agent"} == 0')).join(), /metric up is not/);
});
