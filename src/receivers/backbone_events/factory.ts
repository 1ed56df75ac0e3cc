import type { ReceiverFactory } from '../../component/component.ts';
import { layoutClaim, resolveLayout } from '../../backbone/receiver-layout.ts';
import { type EventsConfig, type EventsSettings, eventsSettingsSchema, storageProblem } from './config.ts';
import { EventsReceiver } from './receiver.ts';

export const eventsReceiverFactory: ReceiverFactory<EventsConfig, EventsSettings> = {
  kind: 'receiver',
  type: 'backbone_events',
  stability: 'alpha',
  description: 'Reports every move of a message file between the state folders under JIRA_HOME/data/backbone-issue-sync (file-system events or polling, reconciled against listings; exact across restarts).',
  signals: ['metrics', 'logs'],
  configSchema: eventsSettingsSchema,
  resolve: (settings, context) => {
    const resolved = resolveLayout(settings, context);
    const problem = resolved.config === undefined || settings.root !== undefined ? undefined : storageProblem(resolved.config);
    return problem === undefined ? resolved : { problems: [problem] };
  },
  claims: (config) => [layoutClaim(config)],
  leaderOnly: true,
  roots: (config) => [config.root],
  createReceiver: (settings, host) => new EventsReceiver(settings.config, host, settings.log, { id: settings.id }),
};
