// The Jira site the demo watches: a Backbone message tree that looks like a healthy
// installation with a few real problems (so that what the status page marks red means
// something), Backbone's traffic on it, and the REST API, whose issues in error are counted in
// the tree after each tick, as Backbone's own are: the console's "N in error" and the folder
// table say the same thing. Connectors drop offline and synchronizations stop now and then
// (status-driver.ts), one at a time and briefly.
import path from 'node:path';
import { DEFAULT_USER, SimulatedBackboneApi, sampleIntegration } from '../simulator/backbone-api.ts';
import { type BuiltTree, buildTree } from '../simulator/backbone-tree.ts';
import { StatusDriver } from '../simulator/status-driver.ts';
import { Traffic } from '../simulator/traffic.ts';

export interface DemoSite {
  root: string;
  tree: BuiltTree;
  traffic: Traffic;
  api: SimulatedBackboneApi;
  /** Backbone's traffic and the status changes, from now on. */
  start(): void;
  /** One tick of traffic now, and the API brought up to date with it. */
  step(): void;
  /** No more traffic or status changes; the API still answers. */
  quiet(): void;
  /** Quiet, and the API stopped. */
  stop(): Promise<void>;
}

export const DEMO_USER = DEFAULT_USER;

/** Builds the site under `home` (JIRA_HOME) and starts its REST API. */
export async function startDemoSite(home: string): Promise<DemoSite> {
  const root = path.join(home, 'data', 'backbone-issue-sync');
  const tree = buildTree(root, { seed: 42, integrations: 2, projectsPerIntegration: 2, layout: 'nested', unknownFolders: false, profile: 'healthy' });
  const api = await new SimulatedBackboneApi({
    contextPath: '/jira',
    integrations: tree.integrations.map((i) => sampleIntegration(i.key, i.projects[0]!, i.projects[1]!)),
  }).start();
  // Each connector stands for one project folder: its issues in error are the issue folders under its error/.
  const countIssues = () => {
    for (const integration of tree.integrations) {
      integration.projects.forEach((project, index) => {
        api.setConnector(integration.key, index === 0 ? 'first' : 'second', { issuesInError: traffic.issues(integration.key, project, 'error') });
      });
    }
  };
  const traffic: Traffic = new Traffic(tree, { seed: 7, layout: 'nested', movesPerTick: 3, intervalMs: 1000, mix: 'healthy', afterTick: countIssues });
  countIssues();
  const driver = new StatusDriver(api.model, { seed: 11, intervalMs: 4000 });
  const quiet = () => {
    traffic.stop();
    driver.stop();
  };
  return {
    root, tree, traffic, api,
    start() {
      traffic.start();
      driver.start();
    },
    step() {
      traffic.tick();
      countIssues();
    },
    quiet,
    async stop() {
      quiet();
      await api.stop();
    },
  };
}
