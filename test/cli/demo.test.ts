// `npm start` (backbone-otel demo) as a new user meets it: a first screen without warnings about
// the demo's own tree, each warning printed once, a legend under the table, and `| head`
// (the reader going away) ending it cleanly: exit 0, no stack trace, its temporary folder gone.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_USER, startDemoSite } from '../../src/demo/demo-site.ts';
import { ATTENTION_STATES, type StatusDocument } from '../../src/extensions/status_page/status-document.ts';
import { scanBackboneRoot } from '../../src/receivers/backbone_folders/scanner.ts';
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
    // The page and the console: the same states in the same order, moves newest first by when they happened.
    const doc = await waitFor(async () => {
      const d = await (await fetch(`http://${statusPage}/api/status`)).json() as StatusDocument;
      return d.projects.length > 0 && d.moves.items.length > 1 && d;
    }, 'folder counts and moves on the status page', 30_000);
    const consoleStates = /^ {2}integration\s+project\s+(.*)$/m.exec(stdout)![1]!.trim().split(/\s+/);
    const pageStates = [...new Set(doc.projects.flatMap((p) => p.states.map((st) => st.state)))];
    assert.deepEqual(pageStates, consoleStates.filter((st) => pageStates.includes(st)));
    const times = doc.moves.items.map((m) => m.timeMs);
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
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

test('the demo\'s site: a healthy installation with a few real problems, and the REST API\'s issues in error are the error folders\' issues', async () => {
  const site = await startDemoSite(tempDir());
  try {
    const scan = () => scanBackboneRoot({ root: site.root, stateNames: {}, integrationDepth: 1, projectDepth: 1, messageSuffix: '.bac', countOnlyStates: [], timeoutMs: 10_000, maxEntries: 1_000_000 });
    // What the status page marks (status-document.ts): a few cells, each a real problem.
    const now = Date.now();
    const marked = [...scan().folders.values()].filter((f) => f.messages > 0 &&
      (ATTENTION_STATES.has(f.state) || (f.state !== 'processed' && now - (f.oldestMessageMtimeMs ?? now) > 3_600_000)));
    const [first, last] = [site.tree.integrations[0]!, site.tree.integrations.at(-1)!];
    assert.deepEqual(marked.map((f) => `${f.project} ${f.state}`).sort(), [`${first.projects[0]} error`, `${last.projects.at(-1)} sendfailed`]);

    for (let tick = 0; tick < 300; tick++) site.step();
    const answer = await fetch(`${site.api.apiUrl}integrations`, {
      headers: { authorization: `Basic ${Buffer.from(`${DEMO_USER.username}:${DEMO_USER.password}`).toString('base64')}`, 'x-atlassian-token': 'no-check' },
    });
    const integrations = await answer.json() as { integrationKey: string; status: { firstConnector: { connectorKey: string; issuesInError: number }; secondConnector: { connectorKey: string; issuesInError: number } } }[];
    const folders = scan().folders;
    let withIssues = 0;
    for (const integration of integrations) {
      for (const connector of [integration.status.firstConnector, integration.status.secondConnector]) {
        const error = [...folders.values()].find((f) => f.integration === integration.integrationKey && f.project === connector.connectorKey && f.state === 'error');
        assert.equal(connector.issuesInError, error?.issues ?? 0, `${integration.integrationKey} ${connector.connectorKey}`);
        if (connector.issuesInError > 0) withIssues++;
      }
    }
    assert.ok(withIssues > 0, 'some issues in error to agree on');
  } finally {
    await site.stop();
  }
});
