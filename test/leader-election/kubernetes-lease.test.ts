// lease: kubernetes, against a fake of the Lease API that behaves as the API server does
// (resourceVersion, 404, 409): the same compare-and-swap as the file lease, the elector's
// takeover over it when a holder is cut off, and an agent that keeps its lease there while the
// checkpoint stays in lease_dir.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { LeaderElector } from '../../src/extensions/leader_election/elector.ts';
import { KubernetesLease } from '../../src/extensions/leader_election/kubernetes-lease.ts';
import type { LeaseRecord } from '../../src/extensions/leader_election/lease.ts';
import { FakeLeaseApi } from '../helpers/fake-lease-api.ts';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const api = new FakeLeaseApi();
const dir = tempDir();
const agents: RunningAgent[] = [];
const electors: LeaderElector[] = [];
before(async () => {
  await api.start();
});
after(async () => {
  await Promise.all(electors.map((e) => e.stop()));
  await Promise.all(agents.map((a) => a.stop()));
  await api.stop();
});

function tokenFile(token: string): string {
  const file = path.join(dir, `token-${token}`);
  writeFileSync(file, `${token}\n`);
  return file;
}

const lease = (name: string, token = 'agent') => new KubernetesLease({
  apiUrl: api.url, namespace: 'jira', name, tokenFile: tokenFile(token), leaseDurationMs: 15_000, timeoutMs: 2000,
});

test('the first lease: one of many creates it; takeover and renewal are compare-and-swaps on resourceVersion', async () => {
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => lease('cas').acquire(undefined, `agent-${i}`)));
  const won = results.filter((r): r is LeaseRecord => r !== undefined);
  assert.equal(won.length, 1);
  assert.equal(won[0]!.epoch, 1);
  const stored = api.leases.get('jira/cas')!;
  assert.equal(stored.spec.holderIdentity, won[0]!.holder);
  assert.equal(stored.spec.leaseDurationSeconds, 15);
  assert.match(String(stored.spec.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'MicroTime');

  const holder = lease('cas');
  const renewed = (await holder.renew(won[0]!))!;
  assert.equal(renewed.epoch, 1);
  assert.notEqual(renewed.version, won[0]!.version);
  const seen = (await lease('cas').observe())!;
  const taken = (await Promise.all(Array.from({ length: 5 }, (_, i) => lease('cas').acquire(seen, `standby-${i}`)))).filter((r) => r !== undefined);
  assert.equal(taken.length, 1);
  assert.equal(taken[0]!.epoch, 2);
  assert.equal(api.leases.get('jira/cas')!.spec.leaseTransitions, 2);
  assert.equal(await holder.renew(renewed), undefined, 'the old holder cannot renew');
  assert.equal(await lease('cas').acquire(seen, 'stale'), undefined, 'a stale view never wins');

  await lease('cas').release(taken[0]!);
  const released = (await lease('cas').observe())!;
  assert.equal(released.released, true);
  assert.equal(api.leases.get('jira/cas')!.spec.holderIdentity, undefined);
  assert.equal((await lease('cas').acquire(released, 'next'))!.epoch, 3);
});

test('answers that are not 404 or 409 are errors (retried by the elector), not a lost lease', async () => {
  api.tokens.add('good');
  try {
    await assert.rejects(lease('auth', 'bad').observe(), /401 Unauthorized/);
    assert.equal(await lease('auth', 'good').observe(), undefined);
  } finally {
    api.tokens.clear();
  }
});

test('electors over the Lease API: a holder cut off from the API loses its term; a standby takes over within the bound', async () => {
  const D = 400;
  const R = 100;
  const make = (identity: string) => {
    const e = new LeaderElector({ backend: lease('electors', identity), identity, leaseDurationMs: D, renewIntervalMs: R, log: new AgentLog({ level: 'error' }) });
    electors.push(e);
    return e;
  };
  const a = make('a');
  const b = make('b');
  await a.start();
  await b.start();
  assert.ok(a.leader && !b.leader);
  const term = a.current()!;
  api.cutOff.add('a');
  const cutAt = Date.now();
  await waitFor(() => b.leader, 'b to take over');
  const took = Date.now() - cutAt;
  assert.ok(took <= D + R + 50, `takeover ${took} ms after the holder was cut off`);
  assert.equal(a.holds(term.serial), false);
  assert.ok(b.current()!.epoch > term.epoch);
  assert.equal(api.leases.get('jira/electors')!.spec.holderIdentity, 'b');
});

test('an agent with lease: kubernetes: the Lease object holds the lease, lease_dir the checkpoint', async () => {
  const root = path.join(dir, 'backbone');
  const stateDir = path.join(dir, 'state');
  const yaml = `
receivers:
  backbone_events:
    root: ${root}
    watch_method: poll
exporters:
  debug: {}
extensions:
  leader_election:
    lease_dir: ${stateDir}
    lease: kubernetes
    identity: jira-0
    kubernetes:
      api_url: ${api.url}
      namespace: jira
      name: backbone-otel-agent
      token_file: ${tokenFile('agent')}
service:
  extensions: [leader_election]
  pipelines:
    logs:
      receivers: [backbone_events]
      exporters: [debug]
`;
  const agent = await startAgent(yaml);
  agents.push(agent);
  assert.ok(agent.service.receiver('backbone_events'), 'it leads');
  assert.equal(api.leases.get('jira/backbone-otel-agent')!.spec.holderIdentity, 'jira-0');
  await agent.stop();
  agents.pop();
  assert.equal(api.leases.get('jira/backbone-otel-agent')!.spec.holderIdentity, undefined, 'released at shutdown');
  assert.match(agent.logLines.join(''), /leader election as jira-0: Kubernetes Lease jira\/backbone-otel-agent/);
});

test('lease: kubernetes outside a pod without api_url: the agent does not start, and says what is missing', async () => {
  const yaml = `
receivers:
  backbone_events:
    root: ${path.join(dir, 'backbone')}
    watch_method: poll
exporters:
  debug: {}
extensions:
  leader_election:
    lease_dir: ${path.join(dir, 'state2')}
    lease: kubernetes
service:
  extensions: [leader_election]
  pipelines:
    logs:
      receivers: [backbone_events]
      exporters: [debug]
`;
  const saved = process.env.KUBERNETES_SERVICE_HOST;
  delete process.env.KUBERNETES_SERVICE_HOST;
  try {
    await assert.rejects(startAgent(yaml), /lease: kubernetes needs kubernetes\.api_url/);
  } finally {
    if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
  }
});
