// The doctor command as users call it: what it needs on the command line (exit 2 otherwise,
// as for validate), --json for machines, and a report that fits on one screen (50 lines of at
// most 100 columns) for a typical site, healthy or with a fault in every section.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { checksOf, healthyConfig, type JsonReport, PASSWORD, runCli, site, startJira, USER, writeConfig } from './fixture.ts';

test('what doctor needs: --config, or --jira-home/--jira-url with credentials; else exit 2 and why', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const broken = writeConfig(s, 'broken.yaml', 'receivers:\n  backbone_folders: {}\n');
  const [none, noCredentials, badUrl, both, invalid, help] = await Promise.all([
    runCli(['doctor']),
    runCli(['doctor', '--jira-url', 'http://127.0.0.1:1'], { JIRA_USER: undefined, JIRA_PASSWORD: undefined, JIRA_TOKEN: undefined }),
    runCli(['doctor', '--jira-url', 'jira.example.com'], { JIRA_TOKEN: 'x' }),
    runCli(['doctor', '--config', 'x.yaml', '--jira-home', s.home]),
    runCli(['doctor', '--config', broken]),
    runCli(['--help']),
  ]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /doctor needs --config FILE, or --jira-home DIR and\/or --jira-url URL/);
  assert.equal(noCredentials.code, 2);
  assert.match(noCredentials.stderr, /\(command line\): --jira-url: no credentials: set JIRA_USER and JIRA_PASSWORD \(a Jira administrator\), or JIRA_TOKEN/);
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /--jira-url: expected an http:\/\/ or https:\/\/ URL/);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give either --config FILE or --jira-home\/--jira-url\/--otlp-endpoint, not both/);
  assert.equal(invalid.code, 2, 'an invalid configuration is reported as by validate');
  assert.match(invalid.stderr, /invalid configuration in .*broken\.yaml/);
  assert.match(help.stdout, /backbone-otel doctor --jira-home DIR --jira-url URL \[--otlp-endpoint URL\] \[--json\]/);
});

test('--jira-home, --jira-url and --otlp-endpoint without a configuration: the same checks, all OK on a healthy site', async () => {
  const s = site({ integrations: 2, projectsPerIntegration: 2 });
  const jira = await startJira(s.tree);
  const otlp = await new OtlpReceiver().start();
  try {
    const run = await runCli(['doctor', '--jira-home', s.home, '--jira-url', jira.url, '--otlp-endpoint', otlp.url, '--json'],
      { JIRA_USER: USER, JIRA_PASSWORD: PASSWORD }, { dropDac: true });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(report.summary, { ok: checksOf(report).length, warn: 0, fail: 0 });
    assert.deepEqual(report.sections.map((section) => section.id), ['root', 'layout', 'rest', 'exporters', 'storage']);
    assert.ok(checksOf(report).every((c) => typeof c.id === 'string' && ['ok', 'warn', 'fail'].includes(c.status) && c.message.length > 0));
    assert.equal(otlp.points.length, 1);
    assert.equal(jira.requests.some((r) => r.method !== 'GET'), false, 'only GET requests');
  } finally {
    await otlp.stop();
    await jira.stop();
  }
});

test('a typical site (5 integrations, 10 projects) fits on one screen, healthy or with a fault in every section', async () => {
  for (const broken of [false, true]) {
    const s = site({ integrations: 5, projectsPerIntegration: 2, unknownFolders: broken });
    const jira = await startJira(s.tree);
    const otlp = await new OtlpReceiver().start();
    try {
      const backend = broken ? `http://127.0.0.1:${await freePort()}` : otlp.url;
      // The report quotes the site's paths, which TMPDIR can make as long as it likes: the doctor
      // runs in the site's folder, with paths relative to it, as short as a typical site's.
      writeConfig(s, 'site.yaml', healthyConfig({ ...s, root: path.relative(s.work, s.root), work: '.' }, jira.url, backend));
      const cwd = process.cwd();
      process.chdir(s.work);
      let run;
      try {
        run = await runCli(['doctor', '--config', 'site.yaml'], { JIRA_USER: USER, JIRA_PASSWORD: broken ? 'wrong' : PASSWORD }, { dropDac: true });
      } finally {
        process.chdir(cwd);
      }
      assert.equal(run.code, broken ? 1 : 0, run.stdout);
      const lines = run.stdout.trimEnd().split('\n');
      assert.ok(lines.length <= 50, `${lines.length} lines:\n${run.stdout}`);
      for (const line of lines) assert.ok(line.length <= 100, `${line.length} columns: ${line}`);
    } finally {
      await otlp.stop();
      await jira.stop();
    }
  }
});
