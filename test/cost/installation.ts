// A simulated installation watched by the real agent: a generated message tree of I
// integrations and P projects with seeded traffic, the simulated Backbone REST API, and the
// agent with all three receivers (as the demo runs them) exporting to a decoding OTLP
// receiver and to its prometheus exporter. Tests read what the backends would receive.
import path from 'node:path';
import type { EventsReceiver } from '../../src/receivers/backbone_events/receiver.ts';
import { DEFAULT_USER, SimulatedBackboneApi, sampleIntegration } from '../../src/simulator/backbone-api.ts';
import { type BuiltTree, buildTree } from '../../src/simulator/backbone-tree.ts';
import { type Move, Traffic } from '../../src/simulator/traffic.ts';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { parsePrometheusText, type Sample } from '../helpers/prometheus-text.ts';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

export interface InstallationOptions {
  integrations: number;
  projectsPerIntegration: 1 | 2;
  /** Message moves the simulated Backbone makes while the agent watches. */
  moves: number;
  /** YAML under `processors:` (indented by 2), and the processors each pipeline lists. */
  processors?: { yaml: string; metrics: string[]; logs: string[] };
  /** YAML under `receivers.backbone_events` (indented by 4), added to its settings. */
  eventsSettings?: string;
  /** Pipelines that also send everything, unfiltered, to a second OTLP receiver. */
  unfiltered?: boolean;
  /** The agent's own metrics (otelcol_*), at the default level; off otherwise. */
  selfMetrics?: boolean;
}

export interface Installation {
  tree: BuiltTree;
  moves: Move[];
  /** What the agent sent over OTLP (through the processors). */
  otlp: OtlpReceiver;
  /** Without processors, where `unfiltered` was asked for. */
  all: OtlpReceiver | undefined;
  /** The prometheus exporter's /metrics, read after the moves were reported. */
  prometheus: Sample[];
  agent: RunningAgent;
  stop(): Promise<void>;
}

const RECEIVERS = '[backbone_rest, backbone_folders, backbone_events]';

export async function runInstallation(options: InstallationOptions): Promise<Installation> {
  const home = tempDir('backbone-cost-');
  const root = path.join(home, 'data', 'backbone-issue-sync');
  const tree = buildTree(root, { seed: 42, integrations: options.integrations, projectsPerIntegration: options.projectsPerIntegration, layout: 'nested' });
  const api = await new SimulatedBackboneApi({
    contextPath: '/jira',
    integrations: tree.integrations.map((i) => sampleIntegration(i.key, i.projects[0]!, i.projects[1] ?? `${i.projects[0]!}-REMOTE`)),
  }).start();
  const otlp = await new OtlpReceiver().start();
  const all = options.unfiltered ? await new OtlpReceiver().start() : undefined;
  const port = await freePort();
  const processors = options.processors;
  const list = (names: string[] | undefined) => (names && names.length > 0 ? `\n      processors: [${names.join(', ')}]` : '');
  const servers = () => Promise.all([otlp.stop(), all?.stop(), api.stop()]);
  let agent: RunningAgent;
  try {
    agent = await startAgent(`
receivers:
  backbone_folders:
    root: ${root}
    collection_interval: 1h
  backbone_events:
    root: ${root}
    watch_method: poll
    poll_interval: 100ms
    reconcile_interval: 1h
    grace_period: 200ms
    storage: ${path.join(home, 'agent-state')}
${options.eventsSettings ?? ''}
  backbone_rest:
    endpoint: ${api.url}
    auth:
      basic: { username: ${DEFAULT_USER.username}, password: "${DEFAULT_USER.password}" }
    collection_interval: 1h
processors:
  # Log records gathered into requests of several, so that the bytes one record adds can be fitted.
  batch/cost: { timeout: 1s }
${processors?.yaml ?? ''}
exporters:
  otlphttp:
    endpoint: ${otlp.url}
  prometheus:
    endpoint: 127.0.0.1:${port}
${all ? `  otlphttp/all:\n    endpoint: ${all.url}\n` : ''}
service:
${options.selfMetrics ? '' : '  telemetry:\n    metrics:\n      level: none\n'}  pipelines:
    metrics:
      receivers: ${RECEIVERS}${list(processors?.metrics)}
      exporters: [otlphttp, prometheus]
    logs:
      receivers: ${RECEIVERS}${list([...(processors?.logs ?? []), 'batch/cost'])}
      exporters: [otlphttp]
${all ? `    metrics/all:\n      receivers: ${RECEIVERS}\n      exporters: [otlphttp/all]\n    logs/all:\n      receivers: ${RECEIVERS}\n      exporters: [otlphttp/all]\n` : ''}`);
  } catch (error) {
    await servers();
    throw error;
  }
  try {
    return await watch(agent, tree, api, otlp, all, port, options.moves, servers);
  } catch (error) {
    await agent.stop();
    await servers();
    throw error;
  }
}

async function watch(
  agent: RunningAgent, tree: BuiltTree, api: SimulatedBackboneApi, otlp: OtlpReceiver, all: OtlpReceiver | undefined,
  port: number, moves: number, servers: () => Promise<unknown>,
): Promise<Installation> {
  const events = agent.service.receiver('backbone_events') as EventsReceiver;
  await waitFor(() => api.requests.length > 0, 'the REST receiver asked the simulated API');
  const traffic = new Traffic(tree, { seed: 7, layout: 'nested', movesPerTick: 1 });
  // One listing after each move, so that each is seen on its own (a message created and moved
  // on between two listings would be one transition), as moves spread over a day are.
  for (let i = 0; i < moves; i++) {
    traffic.tick();
    await events.reconcileNow();
  }
  // Cleaning up processed is not a transition the watcher sees (processed is never listed).
  const visible = traffic.moves.filter((m) => m.from !== 'processed').length;
  await waitFor(() => events.reported >= visible, `${visible} transitions reported`, 20_000).catch((error: Error) => {
    throw new Error(`${error.message} (${events.reported} were)`);
  });
  await events.reconcileNow();
  await waitFor(() => events.pending === 0, 'no pending lookups');
  await agent.service.flush();
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return {
    tree, moves: traffic.moves, otlp, all, prometheus: parsePrometheusText(text), agent,
    async stop() {
      await agent.stop();
      await servers();
    },
  };
}
