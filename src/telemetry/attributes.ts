// Attribute names of the public telemetry contract (../shared/spec/telemetry.md).
import type { AttributeDeclaration } from './declaration.ts';

export const ATTR = {
  integration: 'backbone.integration',
  project: 'backbone.project',
  connector: 'backbone.connector',
  connectorPosition: 'backbone.connector.position',
  state: 'backbone.state',
  fromState: 'backbone.from_state',
  toState: 'backbone.to_state',
  status: 'backbone.status',
  route: 'backbone.route',
  routeStatus: 'backbone.route.status',
  processingStatus: 'backbone.processing.status',
  issue: 'backbone.issue',
  message: 'backbone.message',
  path: 'backbone.path',
  dwellTime: 'backbone.dwell_time',
  detectedBy: 'backbone.detected_by',
  errorType: 'error.type',
  eventName: 'event.name',
} as const;

export const ATTRIBUTES: readonly AttributeDeclaration[] = [
  { name: ATTR.integration, description: 'Integration (synchronization) key', example: 'INT-16' },
  { name: ATTR.project, description: 'Project folder name', example: 'AP-29' },
  { name: ATTR.connector, description: 'Connector key (REST)', example: 'AP-29' },
  { name: ATTR.connectorPosition, description: '`first` or `second`', example: 'first' },
  {
    name: ATTR.state,
    description: 'State of a message folder: `receive`, `processed`, `error`, `missing`, `waiting`, `offline`, `invalid`, `outdated`, `send`, `sendfailed`, `unknown`',
    example: 'error',
  },
  { name: ATTR.fromState, description: 'State a message left; `none` where it did not exist before', example: 'receive' },
  { name: ATTR.toState, description: 'State a message entered; `none` where it no longer exists', example: 'processed' },
  { name: ATTR.status, description: 'Synchronization status as the API spells it', example: 'RUNNING' },
  { name: ATTR.route, description: '`incoming`, `outgoing` or `external`', example: 'incoming' },
  { name: ATTR.routeStatus, description: 'Route status as the API spells it', example: 'STARTED' },
  { name: ATTR.processingStatus, description: 'Processing status as the API spells it', example: 'IDLE' },
  { name: ATTR.issue, description: 'Issue folder name under error/missing', example: 'PB-1234', logsOnly: true },
  { name: ATTR.message, description: 'Message file name', example: '000042.bac', logsOnly: true },
  { name: ATTR.path, description: 'Folder path relative to the Backbone root', example: 'INT-16/AP-29/archive', logsOnly: true },
  { name: ATTR.dwellTime, description: 'Seconds the message spent in its previous state', example: '12.5', logsOnly: true },
  { name: ATTR.detectedBy, description: '`event`, `scan` or `restart`', example: 'event', logsOnly: true },
  { name: ATTR.errorType, description: 'Error code or class, for example `EACCES`, `ENOENT`, `timeout`', example: 'EACCES' },
];
