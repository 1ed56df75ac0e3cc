// Stopping an agent whose own Jira hangs: the API check in flight is aborted, so that the
// agent hands the lease over at once rather than after the request's timeout.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import type { RestReceiver } from '../../src/receivers/backbone_rest/receiver.ts';
import { DEFAULT_USER, sampleIntegration, SimulatedBackboneApi } from '../../src/simulator/backbone-api.ts';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const api = new SimulatedBackboneApi({ integrations: [sampleIntegration('INT-1', 'AP-1', 'BP-1')] });
let agent: RunningAgent | undefined;
after(async () => {
  await agent?.stop();
  await api.stop();
});

test('a hanging Jira does not hold up the handover at shutdown', async () => {
  await api.start();
  const leaseDir = path.join(tempDir('follow-api-stop-'), 'backbone-otel');
  agent = await startAgent(`
receivers:
  backbone_rest:
    endpoint: ${api.url}
    auth:
      bearer:
        token: ${DEFAULT_USER.token}
    collection_interval: 1h
    timeout: 20s
extensions:
  leader_election:
    lease_dir: ${leaseDir}
    lease_duration: 2s
    renew_interval: 500ms
    api_check_interval: 100ms
exporters:
  debug:
    verbosity: basic
service:
  extensions: [leader_election]
  shutdown_timeout: 30s
  pipelines:
    metrics:
      receivers: [backbone_rest]
      exporters: [debug]
`);
  await waitFor(() => agent!.logLines.some((l) => l.includes('leadership follows the Backbone REST API')), 'the API checks to run');
  // The receiver's first poll is over (it polls once an hour): what asks /health from now on is the check.
  await waitFor(() => (agent!.service.receiver('backbone_rest') as RestReceiver | undefined)?.lastPoll().polls === 1, 'the first poll');
  api.misbehave('hang');
  const asked = api.requests.length;
  await waitFor(() => api.requests.slice(asked).some((r) => r.path === '/health'), 'a check in flight against the hanging Jira');
  const started = Date.now();
  await agent.stop();
  agent = undefined;
  const tookMs = Date.now() - started;
  assert.ok(tookMs < 5_000, `stopping took ${tookMs} ms (the check's timeout is 20 s)`);
});
