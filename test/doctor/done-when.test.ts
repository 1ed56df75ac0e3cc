// The "Done when", as users run it (the CLI in a child process): a tree with unmapped
// folders, wrong REST credentials and a backend that is down make the doctor exit 1 and name
// all three with their fixes; a healthy setup exits 0. The Backbone root is never written to.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { treeSnapshot } from '../helpers/tree-snapshot.ts';
import { check, healthyConfig, type JsonReport, PASSWORD, runCli, site, startJira, USER, writeConfig } from './fixture.ts';

test('unmapped folders, wrong credentials and a backend that is down: exit 1, all three named with their fixes', async () => {
  const s = site({ unknownFolders: true });
  const jira = await startJira(s.tree);
  const down = `http://127.0.0.1:${await freePort()}`;
  try {
    const file = writeConfig(s, 'broken.yaml', healthyConfig(s, jira.url, down));
    const before = treeSnapshot(s.root);
    const env = { JIRA_USER: USER, JIRA_PASSWORD: 'not-the-password' };

    const run = await runCli(['doctor', '--config', file], env, { dropDac: true });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const out = run.stdout;
    const flat = out.replace(/\s+/g, ' ');
    // 1. The unmapped folders, their paths and file counts, and the mapping lines to add.
    assert.match(out, /WARN {2}8 folders match no state/);
    assert.match(out, /<project>\/archive\/ in 4 projects, 4 files \(e\.g\. INT-10\/AP-20\/archive\)/);
    assert.match(out, /<project>\/receive\/tmp\/ in 4 projects, 4 files/);
    assert.match(out, /^ +processed: \[archive\] +# guessed from the name: check$/m);
    assert.match(out, /^ +# STATE: \[receive\/tmp\]/m);
    assert.match(out, /^ +backbone_layout: {2}# under extensions: and service\.extensions; receivers: layout:$/m);
    // 2. The credentials, with the poller's own words and what to change.
    assert.match(flat, /REST API http:\/\/127\.0\.0\.1:\d+\/plugins\/servlet\/backbone-issue-sync\/api\/1\/ OK Jira answers \(HTTP 401\)\. FAIL GET \/integrations: credentials rejected \(401\)/);
    assert.match(flat, /fix: Correct auth of backbone_rest \(a Jira admin's login or token\); try it in a browser\./);
    // 3. The backend that is down, for metrics and logs.
    assert.match(flat, /FAIL otlphttp: http:\/\/127\.0\.0\.1:\d+\/v1\/metrics and \/v1\/logs: nothing listens there: the backend is down/);
    assert.match(flat, /fix: Start the backend \(or Collector\) at 127\.0\.0\.1:\d+, or correct endpoint of otlphttp\./);
    assert.match(out, /^Result: 2 FAIL, 1 WARN, \d+ OK: fix the FAIL lines before deploying \(exit 1\)\.$/m);

    const json = await runCli(['doctor', '--config', file, '--json'], env, { dropDac: true });
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.equal(report.ok, false);
    assert.equal(report.exitCode, 1);
    assert.equal(check(report, 'layout.unknown').status, 'warn');
    assert.equal((check(report, 'layout.unknown').details!.folders as unknown[]).length, 8, 'JSON lists every folder');
    assert.equal(check(report, 'rest.authenticated').status, 'fail');
    assert.equal(check(report, 'exporter.otlphttp').status, 'fail');
    assert.ok(check(report, 'exporter.otlphttp').fix);

    assert.deepEqual(treeSnapshot(s.root), before, 'nothing under the Backbone root changed');
  } finally {
    await jira.stop();
  }
});

test('a healthy setup exits 0 with nothing to warn about, and the backend got one test point and one log record', async () => {
  const s = site();
  const jira = await startJira(s.tree);
  const otlp = await new OtlpReceiver().start();
  try {
    const file = writeConfig(s, 'healthy.yaml', healthyConfig(s, jira.url, otlp.url));
    const before = treeSnapshot(s.root);
    const run = await runCli(['doctor', '--config', file], { JIRA_USER: USER, JIRA_PASSWORD: PASSWORD }, { dropDac: true });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^Result: 0 FAIL, 0 WARN, \d+ OK: ready to run \(exit 0\)\.$/m);
    assert.doesNotMatch(run.stdout, /^ {2}(WARN|FAIL)/m);
    assert.match(run.stdout, /OK {4}2 integrations, 4 projects: INT-10 \(AP-20, BP-21\), INT-11 \(CP-22, DP-23\)\./);
    assert.match(run.stdout, /OK {4}2 integrations, all RUNNING: INT-10, INT-11\.\n  OK {4}\/health answers \(HTTP 200\)\.\n  OK {4}disk and API name the same 2 integrations\./);
    assert.match(run.stdout.replace(/\s+/g, ' '), /OK otlphttp: a test point and a test log record accepted \(HTTP 200\) at http:\/\/127\.0\.0\.1:\d+\/v1\/metrics and \/v1\/logs\./);

    assert.deepEqual(otlp.points.map((p) => `${p.metric}=${p.value}`), ['backbone.doctor.test=1']);
    assert.deepEqual(otlp.logs.map((l) => l.eventName), ['backbone.doctor.test']);
    assert.equal(otlp.points[0]!.resource['service.name'], 'backbone-otel-agent');
    assert.deepEqual(treeSnapshot(s.root), before, 'nothing under the Backbone root changed');
  } finally {
    await otlp.stop();
    await jira.stop();
  }
});
