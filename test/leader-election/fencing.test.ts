// Fencing: a leader whose event loop stops in the middle of its work (a pause, a stall) for
// longer than its lease. Another agent (a process of its own) takes over meanwhile and reports
// the moves made. When the old leader runs again, the listing it had begun completes and finds
// those moves too: it must report none of them (its term has ended), must not write its
// checkpoint, and must stop its receivers. Every move is reported once, by the new leader.
//
// The old leader runs in this process, so that the pause can be placed exactly: a full listing
// is under way (waiting for the file system) when the event loop is blocked.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { EventsReceiver } from '../../src/receivers/backbone_events/receiver.ts';
import { buildTree } from '../../src/simulator/backbone-tree.ts';
import { type AgentProcess, runAgentProcess } from '../helpers/agent-process.ts';
import {
  brokenChains, checkpointRels, currentTerm, followedRels, listTree, sameSet, statesByMessage, transitionRecords,
} from '../helpers/leader-cluster.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const LEASE_MS = 1500;
const RENEW_MS = 300;

let inProcess: RunningAgent | undefined;
let other: AgentProcess | undefined;
const otlp = new OtlpReceiver();
after(async () => {
  await inProcess?.stop();
  other?.child.kill('SIGKILL');
  await other?.exited;
  await otlp.stop();
});

const home = tempDir('backbone-fence-');
const root = path.join(home, 'data', 'backbone-issue-sync');
const leaseDir = path.join(home, 'backbone-otel');
buildTree(root, { seed: 3, integrations: 1, projectsPerIntegration: 2, layout: 'nested', maxMessagesPerState: 5 });
const initial = statesByMessage(listTree(root));

function yaml(name: string, pollInterval: string): string {
  return `
receivers:
  backbone_events:
    root: ${root}
    watch_method: poll
    poll_interval: ${pollInterval}
    grace_period: 300ms
extensions:
  leader_election:
    lease_dir: ${leaseDir}
    lease_duration: ${LEASE_MS}ms
    renew_interval: ${RENEW_MS}ms
exporters:
  otlphttp:
    endpoint: ${otlp.url}
service:
  extensions: [leader_election]
  shutdown_timeout: 3s
  resource:
    test.agent: ${name}
  pipelines:
    metrics:
      receivers: [backbone_events]
      exporters: [otlphttp]
    logs:
      receivers: [backbone_events]
      exporters: [otlphttp]
`;
}

/** Moves a few messages of state `from` (directly in the folder) to `to`, in this process. */
function move(from: string, to: string, count: number): string[] {
  const moved: string[] = [];
  for (const project of ['AP-20', 'BP-21']) {
    const dir = path.join(root, 'INT-10', project, from);
    const names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.bac')).map((e) => e.name);
    for (const name of names.slice(0, count)) {
      mkdirSync(path.join(root, 'INT-10', project, to), { recursive: true });
      renameSync(path.join(dir, name), path.join(root, 'INT-10', project, to, name));
      moved.push(name);
    }
  }
  return moved;
}

/** The event loop of this process does not run for `ms`: as if the process were paused. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

test('a leader paused in the middle of a listing reports nothing of it after the pause', async () => {
  await otlp.start();
  // The in-process agent lists only when told to (poll_interval 1h), and leads: it starts first.
  inProcess = await startAgent(yaml('paused', '1h'));
  const log = () => inProcess!.logLines.join('');
  assert.match(log(), /This agent is the leader now \(epoch 1, a new lease\)/);
  other = runAgentProcess(writeConfig('other', yaml('other', '100ms')));
  await other.waitForLog('this agent is a standby');
  const receiver = inProcess.service.receiver('backbone_events') as EventsReceiver;

  // A first move, reported and written down by the leader.
  const first = move('receive', 'receive/processed', 1);
  await receiver.reconcileNow();
  const checkpoint = path.join(leaseDir, 'backbone_events.epoch-000000000001.checkpoint.json');
  await waitFor(() => transitionRecords(otlp.logs).length === first.length && sameSet(checkpointRels(checkpoint) ?? new Set(), followedRels(listTree(root))),
    'the first moves reported and written down');

  // A listing begins; while it waits for the file system, messages move and the loop stops.
  const round = receiver.reconcileNow();
  await new Promise((resolve) => setImmediate(resolve));
  const during = [...move('receive', 'receive/error/PB-7', 1), ...move('send', 'sendfailed', 1)];
  const pausedAt = Date.now();
  pause(LEASE_MS + RENEW_MS + 1200);
  const pausedFor = Date.now() - pausedAt;
  await round;

  await waitFor(() => log().includes('This agent is no longer the leader (epoch 1)'), `the paused agent to see its term ended\n${log()}`);
  assert.match(log(), /backbone_events: the term \(epoch 1\) has ended; what it still finds is not reported/, 'the listing under way found the moves and reported none');
  const takeover = await waitFor(() => currentTerm(other!), `the other agent to lead\n${other!.stderr()}`);
  assert.ok(takeover.atMs - pausedAt <= LEASE_MS + RENEW_MS, `takeover ${takeover.atMs - pausedAt} ms after the pause began`);

  await waitFor(() => brokenChains(transitionRecords(otlp.logs), initial, statesByMessage(listTree(root))).length === 0,
    `every move reported once\n${brokenChains(transitionRecords(otlp.logs), initial, statesByMessage(listTree(root))).join('\n')}`);
  // The new leader may hand on again what the paused one had not noted as accepted: under the same uid, the same record.
  const pausedUids = new Set(transitionRecords(otlp.logs, 'paused').map((r) => String(r.attributes['log.record.uid'])));
  const byOther = transitionRecords(otlp.logs, 'other').filter((r) => !pausedUids.has(String(r.attributes['log.record.uid'])));
  assert.deepEqual(byOther.map((r) => String(r.attributes['backbone.message'])).sort(), [...during].sort(), 'the moves during the pause, by the new leader');
  assert.ok(byOther.every((r) => r.attributes['backbone.detected_by'] === 'restart'));
  assert.equal(transitionRecords(otlp.logs, 'paused').length, first.length, 'the paused agent reported only what it reported while it led');

  // Its checkpoint was not written after its term ended: the new leader's is the newest, and
  // the paused agent's (removed by the new leader once it wrote its own) did not come back.
  await receiver.idle();
  await waitFor(() => !existsSync(checkpoint), 'the checkpoint of epoch 1 removed by the new leader');
  assert.ok(readdirSync(leaseDir).some((name) => name === `backbone_events.epoch-${String(takeover.epoch).padStart(12, '0')}.checkpoint.json`));
  assert.ok(pausedFor >= LEASE_MS + RENEW_MS);
});

function writeConfig(name: string, text: string): string {
  const file = path.join(home, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}
