// Jira Data Center, each agent polling its own node's Jira: three agent processes, three
// simulated Backbone REST APIs (one per node), one shared lease folder, one OTLP receiver.
// When the leader's Jira stops (its API server closed, as during a rolling restart of that
// node), an agent whose Jira answers takes the lease and reports the API as up, well within a
// minute; when no node's Jira answers, the leader stays and reports it down (the only case in
// which backbone.api.up is 0), without the lease going round; when one node's Jira answers
// again, the lease goes to that node's agent.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_USER, sampleIntegration, SimulatedBackboneApi } from '../../src/simulator/backbone-api.ts';
import { type AgentProcess, runAgentProcess } from '../helpers/agent-process.ts';
import { freePort } from '../helpers/free-port.ts';
import { currentTerm, leadershipEvents } from '../helpers/leader-cluster.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const LEASE_MS = 1500;
const RENEW_MS = 300;
const CHECK_MS = 200;

interface Node {
  name: string;
  api: SimulatedBackboneApi;
  apiPort: number;
  agent: AgentProcess;
}
const nodes: Node[] = [];
const otlp = new OtlpReceiver();

// First, so that it runs before the temporary folder is removed (the agents write there).
after(async () => {
  for (const { agent } of nodes) if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  await Promise.all(nodes.map(({ agent }) => agent.exited));
  await Promise.all(nodes.map(({ api }) => api.stop()));
  await otlp.stop();
});

const home = tempDir('backbone-follow-api-');
const leaseDir = path.join(home, 'backbone-otel');


function config(name: string, apiPort: number): string {
  return `
receivers:
  backbone_rest:
    endpoint: http://127.0.0.1:${apiPort}
    auth:
      bearer:
        token: ${DEFAULT_USER.token}
    collection_interval: 1s
    timeout: 1s
extensions:
  leader_election:
    lease_dir: ${leaseDir}
    lease_duration: ${LEASE_MS}ms
    renew_interval: ${RENEW_MS}ms
    api_check_interval: ${CHECK_MS}ms
exporters:
  otlphttp:
    endpoint: ${otlp.url}
    timeout: 5s
    retry_on_failure:
      initial_interval: 50ms
      max_interval: 200ms
service:
  extensions: [leader_election]
  shutdown_timeout: 3s
  resource:
    test.agent: ${name}
  pipelines:
    metrics:
      receivers: [backbone_rest]
      exporters: [otlphttp]
`;
}

before(async () => {
  await otlp.start();
  for (const name of ['n1', 'n2', 'n3']) {
    const apiPort = await freePort();
    const api = await new SimulatedBackboneApi({ integrations: [sampleIntegration('INT-1', 'AP-1', 'BP-1')] }).start(apiPort);
    const file = path.join(home, `${name}.yaml`);
    writeFileSync(file, config(name, apiPort));
    nodes.push({ name, api, apiPort, agent: runAgentProcess(file) });
  }
});

const stderrOf = (node: Node) => `--- ${node.name}:\n${node.agent.stderr()}`;

function leaders(): Node[] {
  return nodes.filter((n) => currentTerm(n.agent) !== undefined);
}

async function soleLeader(what: string, among: Node[] = nodes): Promise<Node> {
  return waitFor(() => {
    const leading = leaders();
    return leading.length === 1 && among.includes(leading[0]!) ? leading[0]! : false;
  }, `${what}\n${nodes.map(stderrOf).join('\n')}`, 15_000);
}

/** The backbone.api.up points received from index `from` on, with the agent that sent each. */
function apiUp(from = 0): { agent: string; value: number }[] {
  return otlp.points.slice(from).filter((p) => p.metric === 'backbone.api.up').map((p) => ({ agent: String(p.resource['test.agent']), value: p.value }));
}

function leadershipChanges(): number {
  return nodes.reduce((sum, n) => sum + leadershipEvents(n.agent.stderr()).length, 0);
}

test('leadership follows a Jira that answers; the API is reported down only when no node\'s answers', async () => {
  const first = await soleLeader('one leader among three agents');
  await waitFor(() => apiUp().some((p) => p.agent === first.name && p.value === 1), `${first.name} reporting backbone.api.up 1`);
  await first.agent.waitForLog('leadership follows the Backbone REST API');

  // The leader's Jira stops: an agent whose Jira answers reports the API as up, within a minute.
  const mark = otlp.points.length;
  const stoppedAt = Date.now();
  await first.api.stop();
  const second = await soleLeader(`an agent whose Jira answers to take over from ${first.name}`, nodes.filter((n) => n !== first));
  await waitFor(() => apiUp(mark).some((p) => p.agent === second.name && p.value === 1), `${second.name} reporting backbone.api.up 1`);
  const followedMs = Date.now() - stoppedAt;
  assert.ok(followedMs < 60_000, `the API was reported up again after ${followedMs} ms`);
  await first.agent.waitForLog(/handing the lease over: the Backbone REST API at \S+ on this node has not answered for \d+ checks/);
  await first.agent.waitForLog('This agent handed the lease over');
  const upAfter = apiUp(mark);
  const lastUp = upAfter.findLastIndex((p) => p.agent === second.name && p.value === 1);
  assert.ok(upAfter.slice(lastUp).every((p) => p.value === 1), 'after the takeover nobody reports the API down');

  // No node's Jira answers: one leader stays and reports the API down; the lease does not go round.
  const third = nodes.find((n) => n !== first && n !== second)!;
  await Promise.all([second.api.stop(), third.api.stop()]);
  const downMark = otlp.points.length;
  const fallback = await waitFor(() => {
    const leading = leaders();
    if (leading.length !== 1) return false;
    const down = apiUp(downMark).filter((p) => p.agent === leading[0]!.name && p.value === 0);
    return down.length >= 1 ? leading[0]! : false;
  }, `a leader reporting backbone.api.up 0\n${nodes.map(stderrOf).join('\n')}`);
  const changes = leadershipChanges();
  const settled = otlp.points.length;
  await waitFor(() => apiUp(settled).filter((p) => p.agent === fallback.name && p.value === 0).length >= 4, `${fallback.name} to keep reporting backbone.api.up 0`);
  assert.equal(leadershipChanges(), changes, `the lease stayed with ${fallback.name} while no Jira answered\n${nodes.map(stderrOf).join('\n')}`);
  assert.deepEqual(leaders(), [fallback]);

  // One standby's Jira answers again: the lease goes to its agent, which reports the API up.
  const back = nodes.find((n) => n !== fallback)!;
  const backMark = otlp.points.length;
  await back.api.start(back.apiPort);
  await soleLeader(`${back.name}, whose Jira answers again, to lead`, [back]);
  await waitFor(() => apiUp(backMark).some((p) => p.agent === back.name && p.value === 1), `${back.name} reporting backbone.api.up 1`);
});
