// What the REST poller emits: part of the public telemetry contract.
import { ATTR } from '../../telemetry/attributes.ts';
import type { ComponentTelemetry, EventDeclaration, MetricDeclaration } from '../../telemetry/declaration.ts';

const CONNECTOR = [ATTR.integration, ATTR.connector, ATTR.connectorPosition] as const;
const REQUEST = [ATTR.httpRequestMethod, ATTR.urlTemplate, ATTR.httpResponseStatusCode, ATTR.errorType] as const;

export const apiUp: MetricDeclaration = {
  name: 'backbone.api.up', kind: 'gauge', unit: '1', valueType: 'int', attributes: [],
  description: '1 when every request of the last poll of the Backbone REST API succeeded and every answer had the documented shape, else 0. While it is 0, what the failed requests were about is left out of the other metrics, except after an answer of the wrong shape (`error.type` `unexpected_response`): the synchronizations it is about keep the values of the last good answer (stale), as the `backbone.api.error` record says.',
};
export const apiRequestDuration: MetricDeclaration = {
  name: 'backbone.api.request.duration', kind: 'histogram', unit: 's', valueType: 'double', attributes: REQUEST,
  description: 'Duration of requests to the Backbone REST API, to the last byte of the answer. `url.template` is relative to the API base; `error.type` is set when a request failed.',
  // The OpenTelemetry semantic conventions' buckets for http.client.request.duration.
  buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
};
export const integrationStatus: MetricDeclaration = {
  name: 'backbone.integration.status', kind: 'gauge', unit: '1', valueType: 'int', attributes: [ATTR.integration, ATTR.status],
  description: 'Synchronization status as the API spells it: 1 for the current status, 0 for every other status this integration has had since the agent started.',
};
export const connectorOnline: MetricDeclaration = {
  name: 'backbone.connector.online', kind: 'gauge', unit: '1', valueType: 'int', attributes: CONNECTOR,
  description: '1 when the connector is online, 0 when it is not.',
};
export const connectorReconnecting: MetricDeclaration = {
  name: 'backbone.connector.reconnecting', kind: 'gauge', unit: '1', valueType: 'int', attributes: CONNECTOR,
  description: '1 while the connector is reconnecting, else 0.',
};
export const connectorIssuesInError: MetricDeclaration = {
  name: 'backbone.connector.issues_in_error', kind: 'gauge', unit: '{issue}', valueType: 'int', attributes: CONNECTOR,
  description: 'Issues whose messages failed to apply (`issuesInError`); each blocks every later message of its issue.',
};
export const connectorRouteStatus: MetricDeclaration = {
  name: 'backbone.connector.route.status', kind: 'gauge', unit: '1', valueType: 'int',
  attributes: [...CONNECTOR, ATTR.route, ATTR.routeStatus],
  description: 'Route status (incoming, outgoing, external) as the API spells it: 1 for the current value, 0 for earlier values since the agent started.',
};
export const connectorProcessingStatus: MetricDeclaration = {
  name: 'backbone.connector.processing.status', kind: 'gauge', unit: '1', valueType: 'int',
  attributes: [...CONNECTOR, ATTR.route, ATTR.processingStatus],
  description: 'Processing status of a route as the API spells it: 1 for the current value, 0 for earlier values since the agent started.',
};

export const statusChanged: EventDeclaration = {
  name: 'backbone.integration.status_changed',
  when: 'The status of a synchronization changed, or was seen for the first time.',
  severity: 'INFO for RUNNING, WARN otherwise',
  attributes: [ATTR.integration, ATTR.status],
};
export const connectorChanged: EventDeclaration = {
  name: 'backbone.connector.changed',
  when: 'A connector\'s online, reconnecting, a route status or issuesInError changed; also when a connector is first seen offline, reconnecting or with issues in error.',
  severity: 'WARN when it got worse, INFO when it recovered',
  attributes: CONNECTOR,
};
export const apiError: EventDeclaration = {
  name: 'backbone.api.error',
  when: 'The REST API failed where it had worked (or at the first poll), or answered in a shape it does not document (`unexpected_response`: the body names the JSON path, what was expected and what came, and which synchronizations keep their last good values meanwhile). Not repeated while it keeps failing the same way.',
  severity: 'ERROR',
  attributes: REQUEST,
};

export const restTelemetry: ComponentTelemetry = {
  component: 'backbone_rest',
  metrics: [
    apiUp, apiRequestDuration, integrationStatus, connectorOnline, connectorReconnecting, connectorIssuesInError,
    connectorRouteStatus, connectorProcessingStatus,
  ],
  events: [statusChanged, connectorChanged, apiError],
};
