// `npm start` (backbone-otel demo) as a new user meets it: a first screen without warnings about
// the demo's own tree, each warning printed once, a legend under the table, and `| head`
// (the reader going away) ending it cleanly: exit 0, no stack trace, its temporary folder gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

test('the demo: a clean first screen with a legend, and a closed pipe ends it with exit 0 and nothing left behind', async () => {
  const tmp = tempDir();
  const statusPage = `127.0.0.1:${await freePort()}`;
  const child = spawn(process.execPath, [CLI, 'demo'], {
    env: { ...process.env, TMPDIR: tmp, PROMETHEUS_ENDPOINT: `127.0.0.1:${await freePort()}`, STATUS_PAGE_ENDPOINT: statusPage },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await waitFor(() => stdout.includes('(message files per state;'), 'the first table with its legend', 30_000);
    assert.equal(readdirSync(tmp).filter((name) => name.startsWith('backbone-demo-')).length, 1, 'the demo works in TMPDIR');
    // The demo turns the status page on and says where it is.
    assert.ok(stderr.includes(`status page on http://${statusPage}/`), stderr);
    assert.equal((await fetch(`http://${statusPage}/api/status`)).status, 200);
    // The reader goes away, as `head` does after its lines.
    child.stdout.destroy();
    const code = await exited;
    assert.equal(code, 0, stderr);
  } finally {
    child.kill('SIGKILL');
  }
  assert.doesNotMatch(stderr, /EPIPE|^\s+at /m, 'no stack trace');
  assert.match(stderr, /demo: its output was closed: stopping/);
  assert.deepEqual(readdirSync(tmp), [], 'its temporary folder is removed');

  assert.doesNotMatch(stdout + stderr, /matches no message state/, 'no warnings about the demo\'s own tree');
  assert.match(stdout, /integration\s+project\s+receive[^\n]*\n(?: {2}INT-\d+[^\n]*\n)+ {2}\(message files per state; 6\/1i: 6 files in 1 issue folder \(error, missing\); -: no such folder\)\n/);
  // A warning the agent logs (stderr) is not printed again as a record by the debug exporter.
  const warnings = stderr.split('\n').filter((line) => / (WARN|ERROR) /.test(line)).map((line) => line.replace(/^\S+ (WARN|ERROR) +/, '').replace(/ component=.*$/, ''));
  for (const warning of warnings) assert.ok(!stdout.includes(warning), `printed twice: ${warning}`);
});
