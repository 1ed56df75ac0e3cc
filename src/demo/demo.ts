// `backbone-otel demo`: a simulated Backbone in a temporary folder with traffic running,
// scanned by the agent with config/demo.yaml, until Ctrl-C removes the folder again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registry } from '../component/registry.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { AgentLog } from '../diagnostics/agent-log.ts';
import { runUntilSignal } from '../pipeline/run-until-signal.ts';
import { Service } from '../pipeline/service.ts';
import { buildTree } from '../simulator/backbone-tree.ts';
import { Traffic } from '../simulator/traffic.ts';

export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

export async function runDemo(): Promise<number> {
  const home = mkdtempSync(path.join(tmpdir(), 'backbone-demo-'));
  const root = path.join(home, 'data', 'backbone-issue-sync');
  const log = new AgentLog();
  try {
    const tree = buildTree(root, { seed: 42, integrations: 2, projectsPerIntegration: 2, layout: 'nested', unknownFolders: true });
    const traffic = new Traffic(tree, { seed: 7, layout: 'nested', movesPerTick: 3, intervalMs: 1000 });
    const config = loadConfigFile(DEMO_CONFIG, registry, {
      ...process.env, BACKBONE_ROOT: root, BACKBONE_EVENTS_STORAGE: path.join(home, 'agent-state'),
    });
    log.info(`demo: simulated Backbone in ${root}; Ctrl-C stops the demo and removes it`);
    return await runUntilSignal(new Service(config, log), log, {
      started: () => traffic.start(),
      stopping: () => traffic.stop(),
    });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
