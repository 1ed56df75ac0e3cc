// `backbone-otel demo`: a simulated Backbone (message folders with traffic in a temporary
// folder, and its REST API on 127.0.0.1), watched by the agent with config/demo.yaml, until
// Ctrl-C (or the reader of its output going away: `npm start | head`) stops everything and
// removes the folder again. The tree has no folders the agent would warn about: a first screen
// of warnings about the demo's own tree would teach nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registry } from '../component/registry.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { AgentLog } from '../diagnostics/agent-log.ts';
import { runUntilSignal } from '../pipeline/run-until-signal.ts';
import { Service } from '../pipeline/service.ts';
import { DEFAULT_USER, SimulatedBackboneApi, sampleIntegration } from '../simulator/backbone-api.ts';
import { buildTree } from '../simulator/backbone-tree.ts';
import { StatusDriver } from '../simulator/status-driver.ts';
import { Traffic } from '../simulator/traffic.ts';
import { onClosedOutput } from './closed-output.ts';

export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

export async function runDemo(): Promise<number> {
  const home = mkdtempSync(path.join(tmpdir(), 'backbone-demo-'));
  const root = path.join(home, 'data', 'backbone-issue-sync');
  const log = new AgentLog();
  let api: SimulatedBackboneApi | undefined;
  try {
    const tree = buildTree(root, { seed: 42, integrations: 2, projectsPerIntegration: 2, layout: 'nested', unknownFolders: false });
    const traffic = new Traffic(tree, { seed: 7, layout: 'nested', movesPerTick: 3, intervalMs: 1000 });
    api = await new SimulatedBackboneApi({
      contextPath: '/jira',
      integrations: tree.integrations.map((i) => sampleIntegration(i.key, i.projects[0]!, i.projects[1]!)),
    }).start();
    const config = loadConfigFile(DEMO_CONFIG, registry, {
      ...process.env,
      BACKBONE_ROOT: root,
      BACKBONE_EVENTS_STORAGE: path.join(home, 'agent-state'),
      JIRA_BASE_URL: api.url,
      JIRA_USER: DEFAULT_USER.username,
      JIRA_PASSWORD: DEFAULT_USER.password,
    });
    log.info(`demo: simulated Backbone in ${root}, its REST API at ${api.url}; Ctrl-C stops the demo and removes it`);
    const driver = new StatusDriver(api.model, { seed: 11, intervalMs: 4000 });
    // runUntilSignal waits for SIGINT/SIGTERM: a closed output stops the demo the same way.
    // (Kept to the end: writes still pending when the demo stops fail the same way.)
    onClosedOutput(() => {
      log.info('demo: its output was closed: stopping');
      process.emit('SIGTERM');
    });
    return await runUntilSignal(new Service(config, log), log, {
      started: () => {
        traffic.start();
        // Statuses, connectors and issues in error change every few seconds.
        driver.start();
      },
      stopping: () => {
        traffic.stop();
        driver.stop();
      },
    });
  } finally {
    await api?.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
