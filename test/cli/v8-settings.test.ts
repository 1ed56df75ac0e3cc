// The agent applies its own V8 settings whatever starts it (src/cli/v8-settings.ts): the entry
// point replaces its process with one that has them (the same PID), unless they were given.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { missingSettings } from '../../src/cli/v8-settings.ts';
import { runAgentProcess } from '../helpers/agent-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** The command line of a running process, as the kernel has it. */
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part !== '');

function config(): string {
  const dir = tempDir();
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(file, `
receivers:
  backbone_folders:
    root: ${path.join(dir, 'backbone-issue-sync')}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [debug]
`);
  return file;
}

test('node src/cli.ts run: the same process runs on with --max-semi-space-size=8 and --expose-gc', async (t) => {
  const agent = runAgentProcess(config(), { NODE_OPTIONS: '' });
  t.after(() => { agent.child.kill('SIGKILL'); });
  await agent.waitForLog('agent started');
  const args = cmdline(agent.child.pid!);
  assert.ok(args.includes('--max-semi-space-size=8'), args.join(' '));
  assert.ok(args.includes('--expose-gc'), args.join(' '));
  assert.ok(args.includes('run') && args.includes('--config'), 'the agent\'s own arguments are kept');
  agent.child.kill('SIGTERM');
  assert.equal((await agent.exited).code, 0, 'SIGTERM reaches the agent itself');
});

test('settings given in NODE_OPTIONS or on the command line are left as they are', () => {
  assert.deepEqual(missingSettings([], ''), ['--max-semi-space-size=8', '--expose-gc']);
  assert.deepEqual(missingSettings(['--max-semi-space-size=2'], undefined), ['--expose-gc']);
  assert.deepEqual(missingSettings(['--expose-gc'], '--max-semi-space-size=4 --enable-source-maps'), []);
  assert.deepEqual(missingSettings(['--max_semi_space_size=4'], '--expose-gc'), []);
});
