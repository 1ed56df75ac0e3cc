// The health check of an agent that sees nothing: its Backbone root is missing and Jira
// refuses connections. The status names both receivers' recoverable errors with their causes
// and since when, and answers 500 once they last recovery_duration; liveness stays 200 (a
// restart would not bring the folder or Jira back); each receiver is ok again once its
// source is back.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { HealthReport, LivenessReport } from '../../src/extensions/health_check/factory.ts';
import { DEFAULT_USER, sampleIntegration, SimulatedBackboneApi } from '../../src/simulator/backbone-api.ts';
import { freePort } from '../helpers/free-port.ts';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const api = new SimulatedBackboneApi({ integrations: [sampleIntegration('INT-1', 'AP-1', 'BP-1')] });
let agent: RunningAgent | undefined;
after(async () => {
  await agent?.stop();
  await api.stop();
});

async function get<T>(url: string): Promise<{ code: number; body: T }> {
  const response = await fetch(url);
  return { code: response.status, body: await response.json() as T };
}

test('blind: the root missing and Jira refusing connections show as recoverable errors, not as ok', async () => {
  const home = tempDir('health-blind-');
  const root = path.join(home, 'backbone-issue-sync');
  const healthPort = await freePort();
  const jiraPort = await freePort();
  agent = await startAgent(`
receivers:
  backbone_folders:
    root: ${root}
    collection_interval: 1s
  backbone_rest:
    endpoint: http://127.0.0.1:${jiraPort}
    auth:
      bearer:
        token: ${DEFAULT_USER.token}
    collection_interval: 1s
    timeout: 2s
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
    recovery_duration: 1s
exporters:
  debug:
    verbosity: basic
service:
  extensions: [health_check]
  pipelines:
    metrics:
      receivers: [backbone_folders, backbone_rest]
      exporters: [debug]
`);
  const status = `http://127.0.0.1:${healthPort}/`;
  const receiver = (report: HealthReport, id: string) => report.components.find((c) => c.kind === 'receiver' && c.id === id)!;

  // At once: the causes, with the status still 200 within recovery_duration.
  const early = await waitFor(async () => {
    const h = await get<HealthReport>(status);
    return ['backbone_folders', 'backbone_rest'].every((id) => receiver(h.body, id).status === 'recoverable_error') ? h : undefined;
  }, 'both receivers in recoverable_error');
  assert.match(receiver(early.body, 'backbone_folders').error!, /the Backbone root .* does not exist/);
  assert.match(receiver(early.body, 'backbone_rest').error!, /connection refused/);
  assert.ok(Date.parse(receiver(early.body, 'backbone_rest').since) <= Date.now());

  // Once it lasts recovery_duration: 500, with both causes in the reason; liveness 200 all along.
  const blind = await waitFor(async () => {
    const h = await get<HealthReport>(status);
    return h.code === 500 && h.body.components.every((c) => c.kind !== 'receiver' || !c.healthy) ? h : undefined;
  }, 'the status to say 500, for both receivers');
  assert.equal(blind.body.status, 'recoverable_error');
  assert.equal(blind.body.healthy, false);
  assert.match(blind.body.reason!, /receiver backbone_folders has been failing for \d+ s: the Backbone root/);
  assert.match(blind.body.reason!, /receiver backbone_rest has been failing for \d+ s: the Backbone REST API fails: .*connection refused/);
  assert.equal(blind.body.pipelines['metrics']!.status, 'recoverable_error');
  const live = await get<LivenessReport>(`http://127.0.0.1:${healthPort}/livez`);
  assert.equal(live.code, 200);
  assert.equal(live.body.alive, true);

  // The root appears: that receiver is ok again; Jira still refuses, so the status is still 500.
  mkdirSync(root, { recursive: true });
  await waitFor(async () => receiver((await get<HealthReport>(status)).body, 'backbone_folders').status === 'ok', 'backbone_folders ok once the root is there');
  assert.equal((await get<HealthReport>(status)).code, 500);

  // Jira answers: 200, every receiver ok.
  await api.start(jiraPort);
  const healthy = await waitFor(async () => {
    const h = await get<HealthReport>(status);
    return h.code === 200 ? h : undefined;
  }, 'the status to say 200 once Jira answers');
  assert.equal(healthy.body.status, 'ok');
  assert.ok(healthy.body.components.every((c) => c.status === 'ok' && c.error === undefined), JSON.stringify(healthy.body.components));
});
