import type { ReceiverFactory } from '../../component/component.ts';
import { type EventsConfig, eventsConfigSchema } from './config.ts';
import { EventsReceiver } from './receiver.ts';

export const eventsReceiverFactory: ReceiverFactory<EventsConfig> = {
  kind: 'receiver',
  type: 'backbone_events',
  stability: 'alpha',
  description: 'Reports every move of a message file between the state folders under JIRA_HOME/data/backbone-issue-sync (file-system events or polling, reconciled against listings; exact across restarts).',
  signals: ['metrics', 'logs'],
  configSchema: eventsConfigSchema,
  createReceiver: (settings, host) => new EventsReceiver(settings.config, host, settings.log, { id: settings.id }),
};
