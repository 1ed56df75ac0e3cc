// Two agents in this process, one shared home: the leader runs the Backbone receivers, the
// standby keeps its other receivers and its health; a leader that stops hands the lease over
// at once, and the new leader continues from the checkpoint in the lease folder (the moves
// made in between reported once, by it, with backbone.detected_by = restart); the old term's
// checkpoint is removed; each agent says whether it leads (gauge and log record).
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { healthReport } from '../../src/extensions/health_check/factory.ts';
import type { EventsReceiver } from '../../src/receivers/backbone_events/receiver.ts';
import { buildTree } from '../../src/simulator/backbone-tree.ts';
import { Traffic } from '../../src/simulator/traffic.ts';
import { brokenChains, listTree, statesByMessage, transitionRecords } from '../helpers/leader-cluster.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import type { RunningAgent } from '../helpers/run-agent.ts';
import { startTestAgent } from '../helpers/run-test-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const running: RunningAgent[] = [];
const otlp = new OtlpReceiver();
after(async () => {
  await Promise.all(running.map((a) => a.stop()));
  await otlp.stop();
});

const home = tempDir('backbone-handover-');
const root = path.join(home, 'data', 'backbone-issue-sync');
const leaseDir = path.join(home, 'backbone-otel');
const tree = buildTree(root, { seed: 5, integrations: 1, projectsPerIntegration: 2, layout: 'nested', maxMessagesPerState: 5 });
const initial = statesByMessage(listTree(root));

const yaml = (name: string) => `
receivers:
  backbone_events:
    root: ${root}
    watch_method: poll
    poll_interval: 100ms
    grace_period: 200ms
  loadgen:
    count: 3
    run: ${name}
extensions:
  leader_election:
    lease_dir: ${leaseDir}
    lease_duration: 1500ms
    renew_interval: 300ms
exporters:
  otlphttp:
    endpoint: ${otlp.url}
service:
  extensions: [leader_election]
  resource:
    test.agent: ${name}
  pipelines:
    metrics:
      receivers: [backbone_events]
      exporters: [otlphttp]
    logs:
      receivers: [backbone_events, loadgen]
      exporters: [otlphttp]
`;

async function start(name: string): Promise<RunningAgent> {
  const agent = await startTestAgent(yaml(name));
  running.push(agent);
  return agent;
}

const epochFile = (epoch: number) => path.join(leaseDir, `backbone_events.epoch-${String(epoch).padStart(12, '0')}.checkpoint.json`);
const changes = (name: string) => otlp.logs.filter((r) => r.eventName === 'backbone.agent.leader_changed' && r.resource['test.agent'] === name)
  .map((r) => `${String(r.attributes['backbone.agent.leader'])} ${String(r.attributes['backbone.lease.epoch'])} ${r.severityText}`);

test('a leader that stops hands over at once; the next continues from its checkpoint; a standby keeps its other receivers and its health', async () => {
  await otlp.start();
  const a = await start('a');
  const b = await start('b');
  assert.ok(a.service.receiver('backbone_events'), 'the first agent leads');
  assert.equal(b.service.receiver('backbone_events'), undefined, 'the second waits');
  assert.ok(b.service.receiver('loadgen'), 'receivers not named in service.leader_election run everywhere');

  const report = healthReport(b.service.status, 60_000);
  assert.equal(report.healthy, true, JSON.stringify(report));
  assert.deepEqual(report.components.filter((c) => c.kind === 'receiver').map((c) => `${c.id} ${c.status}`).sort(), ['backbone_events standby', 'loadgen ok']);
  await waitFor(() => ['a', 'b'].every((name) => otlp.logs.filter((r) => r.eventName === 'test.generated' && r.resource['test.agent'] === name).length === 3),
    'loadgen records from both agents');
  await waitFor(() => {
    const latest = new Map(otlp.points.filter((p) => p.metric === 'backbone.agent.leader').map((p) => [p.resource['test.agent'], p.value]));
    return latest.get('a') === 1 && latest.get('b') === 0;
  }, 'backbone.agent.leader 1 on a, 0 on b');

  // Moves while a leads.
  const traffic = new Traffic(tree, { seed: 5, layout: 'nested', movesPerTick: 6 });
  traffic.tick();
  await (a.service.receiver('backbone_events') as EventsReceiver).reconcileNow();
  await waitFor(() => transitionRecords(otlp.logs, 'a').length > 0 && brokenChains(transitionRecords(otlp.logs), initial, statesByMessage(listTree(root))).length === 0,
    'a reporting its moves');

  // a stops: its last checkpoint is written, the lease released; moves right after it.
  await a.stop();
  running.splice(running.indexOf(a), 1);
  assert.ok(existsSync(epochFile(1)), 'the checkpoint of epoch 1 in the lease folder');
  const stoppedAt = Date.now();
  traffic.tick();
  await waitFor(() => b.service.receiver('backbone_events'), 'b to take over');
  assert.ok(Date.now() - stoppedAt < 1500, 'at once, not after lease_duration');
  await waitFor(() => brokenChains(transitionRecords(otlp.logs), initial, statesByMessage(listTree(root))).length === 0,
    `every move once\n${brokenChains(transitionRecords(otlp.logs), initial, statesByMessage(listTree(root))).join('\n')}`);
  const byB = transitionRecords(otlp.logs, 'b');
  assert.ok(byB.length > 0 && byB.every((r) => r.attributes['backbone.detected_by'] === 'restart'), 'the moves of the handover, by b, as restart');
  assert.match(b.logLines.join(''), /read what was reported from .+epoch-0+1\.checkpoint\.json/);

  // The new term's checkpoint replaces the old one.
  const epoch = Number(/This agent is the leader now \(epoch (\d+)/.exec(b.logLines.join(''))![1]);
  await waitFor(() => existsSync(epochFile(epoch)) && !existsSync(epochFile(1)), 'the old checkpoint removed once the new one is written');
  assert.deepEqual(readdirSync(leaseDir).filter((n) => n.endsWith('.tmp')), []);
  assert.deepEqual(changes('a'), ['true 1 INFO', 'false 1 INFO']);
  assert.deepEqual(changes('b'), [`true ${epoch} INFO`]);
  assert.equal(healthReport(b.service.status, 60_000).components.find((c) => c.id === 'backbone_events')?.status, 'ok');
});
