// status_page: a local page that answers "is Backbone healthy, and is the agent getting it
// out?" at a glance, like the Collector's zpages or the Datadog Agent's status page.
//   /                  the page (HTML rendered on the server; ?integration=&project=&state= filter the moves)
//   /api/status        the same as JSON (docs/status-page.md has its schema)
//   /api/moves?after=N the moves newer than N, for the open page
// It only reads: GET and HEAD, nothing it serves changes the agent. It never shows a secret
// (no configuration values at all, only the file's path).
import type { ExtensionFactory } from '../../component/component.ts';
import { type StatusPageConfig, statusPageConfigSchema } from './config.ts';

/** The page's code (rendering, the status document): loaded by load(), only for a configuration that uses it. */
let implementation: typeof import('./extension.ts') | undefined;

export const statusPageExtensionFactory: ExtensionFactory<StatusPageConfig> = {
  kind: 'extension',
  type: 'status_page',
  stability: 'alpha',
  description: 'A local status page (HTML and JSON): synchronizations, messages per project and state, the latest moves, exporters and receivers.',
  signals: [],
  configSchema: statusPageConfigSchema,
  observesReceivers: true,
  load: async () => {
    implementation ??= await import('./extension.ts');
  },
  createExtension: (settings) => {
    if (implementation === undefined) throw new Error(`${settings.id}: the status page's code was not loaded (factory.load)`);
    return implementation.createStatusPage(settings);
  },
};
