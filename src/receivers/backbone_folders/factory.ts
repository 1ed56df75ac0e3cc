import type { ReceiverFactory } from '../../component/component.ts';
import { type FoldersConfig, foldersConfigSchema } from './config.ts';
import { FoldersReceiver } from './receiver.ts';

export const foldersReceiverFactory: ReceiverFactory<FoldersConfig> = {
  kind: 'receiver',
  type: 'backbone_folders',
  stability: 'beta',
  description: 'Counts message files per integration, project and state folder under JIRA_HOME/data/backbone-issue-sync.',
  signals: ['metrics', 'logs'],
  configSchema: foldersConfigSchema,
  createReceiver: (settings, host) => new FoldersReceiver(settings.config, host, settings.log),
};
