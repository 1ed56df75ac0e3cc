// An error the OpenTelemetry SDK reports through its global error handler (a failed periodic
// metrics export, say) comes as JSON with its stack; the agent log says it once, on one line,
// without the stack.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { globalErrorHandler } from '@opentelemetry/core';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';

let agent: RunningAgent | undefined;
after(async () => { await agent?.stop(); });

test('an SDK error with a stack is one line in the agent log, said once', async () => {
  const root = path.join(tempDir(), 'backbone-issue-sync');
  mkdirSync(path.join(root, 'INT-1', 'AP-1', 'receive'), { recursive: true });
  agent = await startAgent(`
receivers:
  backbone_events:
    root: ${root}
exporters:
  debug: {}
service:
  pipelines:
    logs:
      receivers: [backbone_events]
      exporters: [debug]
`);
  const error = new Error('PeriodicExportingMetricReader: metrics export failed (error Error: ENOSPC: no space left on device)');
  globalErrorHandler(error);
  globalErrorHandler(error);
  const lines = agent.logLines.filter((line) => line.includes('PeriodicExportingMetricReader'));
  assert.equal(lines.length, 1, lines.join(''));
  assert.match(lines[0]!, /ERROR +PeriodicExportingMetricReader: metrics export failed \(error Error: ENOSPC: no space left on device\)/);
  assert.doesNotMatch(lines[0]!, /stack|\n\s+at /);
  assert.equal(lines[0]!.trimEnd().split('\n').length, 1);
});
