// Runs the real agent on the simulated Backbone with one backend preset, its endpoint pointed
// at a local decoding OTLP receiver, until everything the generated assets query has been
// sent: message moves into error/, sendfailed/ and invalid/ (their log records), a scan error
// (a symbolic link), a stopped synchronization, leader election (the leader gauge), and the
// agent's own metrics with an exporter that cannot send (otlphttp/down, a closed port, a
// small queues: they fail and drop). Short intervals, waits on conditions.
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_USER, SimulatedBackboneApi, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import type { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { buildTree } from '../../../src/simulator/backbone-tree.ts';
import { freePort } from '../../helpers/free-port.ts';
import { OtlpReceiver, type ReceivedLog, type ReceivedPoint } from '../../helpers/otlp-receiver.ts';
import { startAgent } from '../../helpers/run-agent.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

export type Preset = 'datadog' | 'newrelic' | 'grafana_cloud';

export interface PresetOutput {
  points: ReceivedPoint[];
  logs: ReceivedLog[];
}

const presetSection = (preset: Preset, url: string) => ({
  datadog: `datadog: { api_key: test-key, endpoint: "${url}" }`,
  newrelic: `newrelic: { license_key: test-key, endpoint: "${url}" }`,
  grafana_cloud: `grafana_cloud: { endpoint: "${url}/otlp", instance_id: "123456", token: test-token }`,
})[preset];

/** The destination states whose moves the assets filter on. */
const MOVED_TO = ['error', 'sendfailed', 'invalid'];

export async function runPreset(preset: Preset, wantedMetrics: readonly string[]): Promise<PresetOutput> {
  const home = tempDir('backbone-monitoring-');
  const root = path.join(home, 'data', 'backbone-issue-sync');
  const tree = buildTree(root, { seed: 5, integrations: 2, projectsPerIntegration: 2, layout: 'nested' });
  symlinkSync(home, path.join(root, 'link-to-elsewhere'));
  const [first, second] = tree.integrations;
  const api = new SimulatedBackboneApi({ integrations: tree.integrations.map((i) => sampleIntegration(i.key, i.projects[0]!, i.projects[1]!)) });
  api.setStatus(second!.key, 'STOPPED');
  await api.start();
  const receiver = await new OtlpReceiver().start();
  const closed = await freePort();
  const pipeline = (down: string) => `{ receivers: [backbone_folders, backbone_events, backbone_rest], exporters: [${preset}, ${down}] }`;
  const agent = await startAgent(`
receivers:
  backbone_folders: { root: ${root}, collection_interval: 1s }
  backbone_events: { root: ${root}, watch_method: poll, poll_interval: 100ms }
  backbone_rest:
    endpoint: ${api.url}
    auth: { basic: { username: ${DEFAULT_USER.username}, password: "${DEFAULT_USER.password}" } }
    collection_interval: 1s
exporters:
  ${presetSection(preset, receiver.url)}
  # A request of metric points gets in (and fails to send), the next ones overflow the queue.
  otlphttp/down:
    endpoint: http://127.0.0.1:${closed}
    sending_queue: { queue_size: 1000 }
    retry_on_failure: { initial_interval: 100ms, max_interval: 200ms }
  # A few log records get in (and fail to send), more overflow.
  otlphttp/down-logs:
    endpoint: http://127.0.0.1:${closed}
    sending_queue: { queue_size: 4, batch: { flush_timeout: 0s } }
    retry_on_failure: { initial_interval: 100ms, max_interval: 200ms }
extensions:
  leader_election: { lease_dir: ${path.join(home, 'lease')}, lease_duration: 2s, renew_interval: 500ms }
service:
  extensions: [leader_election]
  telemetry: { metrics: { pipelines: [metrics], interval: 1s } }
  pipelines:
    metrics: ${pipeline('otlphttp/down')}
    logs: ${pipeline('otlphttp/down-logs')}
`);
  try {
    // Moves the assets filter on: one message each into error/<issue>/, sendfailed/ and invalid/.
    const project = path.join(root, first!.key, first!.projects[0]!);
    const moves: [string, string][] = [
      [path.join(project, 'receive', 'm-900001.bac'), path.join(project, 'receive', 'error', 'AP-999', 'm-900001.bac')],
      [path.join(project, 'send', 'm-900002.bac'), path.join(project, 'sendfailed', 'm-900002.bac')],
      [path.join(project, 'receive', 'm-900003.bac'), path.join(project, 'receive', 'invalid', 'm-900003.bac')],
    ];
    // Listings on demand, so that each step is seen on its own: the files appear, then move.
    const events = agent.service.receiver('backbone_events') as EventsReceiver;
    await events.reconcileNow();
    for (const [from] of moves) writeFileSync(from, 'message');
    await events.reconcileNow();
    for (const [from, to] of moves) {
      mkdirSync(path.dirname(to), { recursive: true });
      renameSync(from, to);
    }
    await events.reconcileNow();
    await waitFor(() => {
      const sent = new Set(receiver.points.map((p) => p.metric));
      const movedTo = new Set(receiver.logs.map((r) => String(r.attributes['backbone.to_state'])));
      return wantedMetrics.every((m) => sent.has(m)) && MOVED_TO.every((state) => movedTo.has(state));
    }, `every metric the assets query (${wantedMetrics.length}) and moves into ${MOVED_TO.join(', ')}`, 30_000).catch((error: Error) => {
      const sent = new Set(receiver.points.map((p) => p.metric));
      throw new Error(`${error.message}; missing: ${wantedMetrics.filter((m) => !sent.has(m)).join(', ')}\n${agent.logLines.join('')}`);
    });
    return { points: [...receiver.points], logs: [...receiver.logs] };
  } finally {
    await agent.stop();
    await receiver.stop();
    await api.stop();
  }
}
