// A simulated Backbone (tree and REST API) watched by the agent with all three receivers and
// the status_page extension: what the status page tests look at.
import path from 'node:path';
import { DEFAULT_USER, SimulatedBackboneApi, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import { type BuiltTree, buildTree, type TreeOptions } from '../../../src/simulator/backbone-tree.ts';
import { freePort } from '../../helpers/free-port.ts';
import { type RunningAgent, startAgent } from '../../helpers/run-agent.ts';

export interface StatusPageSite {
  root: string;
  tree: BuiltTree;
  api: SimulatedBackboneApi;
  agent: RunningAgent;
  /** http://127.0.0.1:<port> of the status page. */
  base: string;
  stop(): Promise<void>;
}

/** `adjust` changes the simulated API before the agent first polls it. */
export async function startStatusPageSite(
  home: string, tree: Omit<TreeOptions, 'layout' | 'projectsPerIntegration'>, adjust: (api: SimulatedBackboneApi, built: BuiltTree) => void = () => {},
): Promise<StatusPageSite> {
  const root = path.join(home, 'backbone-issue-sync');
  const built = buildTree(root, { ...tree, projectsPerIntegration: 2, layout: 'nested' });
  const api = await new SimulatedBackboneApi({
    integrations: built.integrations.map((i) => sampleIntegration(i.key, i.projects[0]!, i.projects[1]!)),
  }).start();
  adjust(api, built);
  const port = await freePort();
  const agent = await startAgent(`
receivers:
  backbone_folders: { root: ${root}, collection_interval: 1s }
  backbone_events: { root: ${root}, watch_method: poll, poll_interval: 200ms, storage: ${path.join(home, 'state')} }
  backbone_rest:
    endpoint: ${api.url}
    auth: { basic: { username: ${DEFAULT_USER.username}, password: "${DEFAULT_USER.password}" } }
    collection_interval: 1s
exporters:
  debug: { verbosity: basic }
extensions:
  status_page: { endpoint: 127.0.0.1:${port} }
service:
  extensions: [status_page]
  pipelines:
    metrics: { receivers: [backbone_folders, backbone_rest, backbone_events], exporters: [debug] }
    logs: { receivers: [backbone_folders, backbone_rest, backbone_events], exporters: [debug] }
`);
  return {
    root, tree: built, api, agent, base: `http://127.0.0.1:${port}`,
    stop: async () => {
      await agent.stop();
      await api.stop();
    },
  };
}
