// Runs the agent with a backbone_rest receiver against a simulated Backbone API, exporting
// over OTLP/HTTP (JSON) into a real OTLP receiver, and polls on demand: each step clears
// what was received, polls once (a poll reports its batch), and sends it, so that a test sees
// exactly that step's output.
import { DEFAULT_USER, type SimulatedBackboneApi } from '../../../src/simulator/backbone-api.ts';
import type { RestReceiver } from '../../../src/receivers/backbone_rest/receiver.ts';
import { OtlpReceiver, type ReceivedLog, type ReceivedPoint } from '../../helpers/otlp-receiver.ts';
import { type RunningAgent, startAgent } from '../../helpers/run-agent.ts';

export const PASSWORD = DEFAULT_USER.password!;
export const TOKEN = DEFAULT_USER.token!;
export const USER = DEFAULT_USER.username;

export interface RestAgentOptions {
  /** The receiver's YAML body (indented by 4 spaces); endpoint and auth come from env by default. */
  receiver?: string;
  /** More receivers: id -> YAML body. */
  receivers?: Record<string, string>;
  env?: Record<string, string>;
  temporality?: 'cumulative' | 'delta';
}

export interface RestAgent {
  agent: RunningAgent;
  otlp: OtlpReceiver;
  receiver(id?: string): RestReceiver;
  /** Clears what was received, polls every receiver once, flushes. */
  step(): Promise<void>;
  stop(): Promise<void>;
}

export function basicReceiver(api: SimulatedBackboneApi, more = ''): string {
  return `
    endpoint: ${api.url}
    auth:
      basic:
        username: \${env:JIRA_USER}
        password: \${env:JIRA_PASSWORD}
    collection_interval: 1h
    timeout: 5s
${more}`;
}

export async function startRestAgent(options: RestAgentOptions): Promise<RestAgent> {
  const otlp = await new OtlpReceiver().start();
  const receivers = options.receivers ?? { backbone_rest: options.receiver ?? '' };
  const ids = Object.keys(receivers);
  const yaml = `
receivers:
${ids.map((id) => `  ${id}:${receivers[id]}`).join('\n')}
exporters:
  otlphttp:
    endpoint: ${otlp.url}
    encoding: json
    temporality: ${options.temporality ?? 'cumulative'}
service:
  pipelines:
    metrics:
      receivers: [${ids.join(', ')}]
      exporters: [otlphttp]
    logs:
      receivers: [${ids.join(', ')}]
      exporters: [otlphttp]
`;
  const agent = await startAgent(yaml, { JIRA_USER: USER, JIRA_PASSWORD: PASSWORD, JIRA_TOKEN: TOKEN, ...options.env });
  const receiver = (id = ids[0]!) => agent.service.receiver(id) as RestReceiver;
  // The first poll started with the agent: let it finish and export, so that steps begin clean.
  await Promise.all(ids.map((id) => receiver(id).pollOnce()));
  await agent.service.flush({ collect: false });
  return {
    agent,
    otlp,
    receiver,
    async step() {
      // What earlier polls reported is sent first, so that the step sees its own poll only.
      await agent.service.flush({ collect: false });
      otlp.clear();
      // Each poll reports what it found: the flush only sends it.
      await Promise.all(ids.map((id) => receiver(id).pollOnce()));
      await agent.service.flush({ collect: false });
    },
    async stop() {
      await agent.stop();
      await otlp.stop();
    },
  };
}

/** Points of one metric as "attr=value,... -> value" lines, sorted: easy to compare exactly. */
export function series(otlp: OtlpReceiver, metric: string, omit: readonly string[] = []): string[] {
  return otlp.points.filter((p) => p.metric === metric).map((p) => line(p, omit)).sort();
}

function line(point: ReceivedPoint, omit: readonly string[]): string {
  const attributes = Object.entries(point.attributes)
    .filter(([key]) => !omit.includes(key))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(',');
  return `${attributes} -> ${point.value}`;
}

export function events(otlp: OtlpReceiver, name: string): ReceivedLog[] {
  return otlp.logs.filter((r) => r.attributes['event.name'] === name);
}
