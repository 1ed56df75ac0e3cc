import type { ReceiverFactory } from '../../component/component.ts';
import { checkRestConfig, type RestConfig, restConfigSchema } from './config.ts';
import { restAvailability } from './availability.ts';
import { RestReceiver } from './receiver.ts';

export const restReceiverFactory: ReceiverFactory<RestConfig> = {
  kind: 'receiver',
  type: 'backbone_rest',
  stability: 'beta',
  description: 'Polls the Backbone Issue Sync REST API: synchronization status, connectors, issues in error, API health.',
  signals: ['metrics', 'logs'],
  configSchema: restConfigSchema,
  crossCheck: checkRestConfig,
  leaderOnly: true,
  createReceiver: (settings, host) => new RestReceiver(settings.config, host, settings.log),
  availability: restAvailability,
};
