// A stop asked for while the agent starts (systemd or Kubernetes stopping it during a first
// listing that takes seconds) is a clean stop once it has started: exit 0 and a flush, not
// the default kill of a SIGTERM nobody handles.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runAgentProcess } from '../helpers/agent-process.ts';
import { freePort } from '../helpers/free-port.ts';
import { tempDir } from '../helpers/temp-dir.ts';

test('SIGTERM while a receiver is still starting: the agent finishes starting, then stops cleanly with exit 0', async () => {
  const file = path.join(tempDir(), 'agent.yaml');
  writeFileSync(file, `
receivers:
  loadgen: { count: 10, start_delay_ms: 2000 }
exporters:
  prometheus: { endpoint: "127.0.0.1:${await freePort()}" }
service:
  pipelines:
    metrics: { receivers: [loadgen], exporters: [prometheus] }
`);
  const agent = runAgentProcess(file);
  // Exporters start before receivers: the agent is now inside its start, waiting for loadgen.
  await agent.waitForLog('serving Prometheus metrics');
  agent.child.kill('SIGTERM');
  const { code, signal } = await agent.exited;
  assert.equal(signal, null, `not killed by the signal:\n${agent.stderr()}`);
  assert.equal(code, 0, agent.stderr());
  const log = agent.stderr();
  assert.match(log, /agent started[\s\S]*SIGTERM received while starting: stopping[\s\S]*agent stopped/);
});
