import type { ReceiverFactory } from '../../component/component.ts';
import { layoutClaim, resolveLayout } from '../../backbone/receiver-layout.ts';
import { type FoldersConfig, type FoldersSettings, foldersSettingsSchema } from './config.ts';
import { FoldersReceiver } from './receiver.ts';

export const foldersReceiverFactory: ReceiverFactory<FoldersConfig, FoldersSettings> = {
  kind: 'receiver',
  type: 'backbone_folders',
  stability: 'beta',
  description: 'Counts message files per integration, project and state folder under JIRA_HOME/data/backbone-issue-sync.',
  signals: ['metrics', 'logs'],
  configSchema: foldersSettingsSchema,
  resolve: resolveLayout,
  claims: (config) => [layoutClaim(config)],
  leaderOnly: true,
  roots: (config) => [config.root],
  createReceiver: (settings, host) => new FoldersReceiver(settings.config, host, settings.log),
};
