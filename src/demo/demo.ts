// `backbone-otel demo`: a simulated Backbone (message folders with traffic in a temporary
// folder, and its REST API on 127.0.0.1), watched by the agent with config/demo.yaml, until
// Ctrl-C (or the reader of its output going away: `npm start | head`) stops everything and
// removes the folder again. The site (demo-site.ts) looks like a healthy installation with a
// few real problems, and has no folders the agent would warn about: a first screen of warnings
// about the demo's own tree would teach nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registry } from '../components.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { AgentLog } from '../diagnostics/agent-log.ts';
import { runUntilSignal } from '../pipeline/run-until-signal.ts';
import { Service } from '../pipeline/service.ts';
import { onClosedOutput } from './closed-output.ts';
import { DEMO_USER, type DemoSite, startDemoSite } from './demo-site.ts';

export const DEMO_CONFIG = fileURLToPath(new URL('../../config/demo.yaml', import.meta.url));

export async function runDemo(): Promise<number> {
  const home = mkdtempSync(path.join(tmpdir(), 'backbone-demo-'));
  const log = new AgentLog();
  let site: DemoSite | undefined;
  try {
    site = await startDemoSite(home);
    const config = loadConfigFile(DEMO_CONFIG, registry, {
      ...process.env,
      BACKBONE_ROOT: site.root,
      BACKBONE_EVENTS_STORAGE: path.join(home, 'agent-state'),
      JIRA_BASE_URL: site.api.url,
      JIRA_USER: DEMO_USER.username,
      JIRA_PASSWORD: DEMO_USER.password,
    });
    log.info(`demo: simulated Backbone in ${site.root}, its REST API at ${site.api.url}; Ctrl-C stops the demo and removes it`);
    const running = site;
    // runUntilSignal waits for SIGINT/SIGTERM: a closed output stops the demo the same way.
    // (Kept to the end: writes still pending when the demo stops fail the same way.)
    onClosedOutput(() => {
      log.info('demo: its output was closed: stopping');
      process.emit('SIGTERM');
    });
    return await runUntilSignal(await Service.create(config, log), log, {
      started: () => running.start(),
      stopping: () => running.quiet(),
    });
  } finally {
    await site?.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
