// The Backbone root: missing (with the folder probably meant), unreadable as a service
// account would find it (root without the capabilities that bypass permissions), its file
// system and counts, and that the agent would never write there.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, formatIssue } from '../../src/config/config-issue.ts';
import { treeSnapshot } from '../helpers/tree-snapshot.ts';
import { check, checksOf, type JsonReport, runCli, runDoctor, site, writeConfig } from './fixture.ts';

async function doctorJson(options: Parameters<typeof runDoctor>[0]): Promise<JsonReport> {
  return JSON.parse((await runDoctor({ ...options, json: true })).out) as JsonReport;
}

test('a missing root: FAIL with the folder probably meant and the --jira-home that gives it', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  // The Backbone folder itself given as JIRA_HOME.
  const report = await doctorJson({ jiraHome: s.root });
  const missing = check(report, 'root.exists');
  assert.equal(missing.status, 'fail');
  assert.equal(missing.message,
    `${path.join(s.root, 'data/backbone-issue-sync')}: it does not exist. ${s.root} exists: is that the folder meant? Then give --jira-home ${s.home}.`);
  assert.match(missing.fix!, /^Give --jira-home the JIRA_HOME of this Jira node \(on Jira Data Center, JIRA_HOME is the shared home/);
  assert.deepEqual(checksOf(report).filter((c) => c.id.startsWith('layout.')), [], 'no layout without a root');
  assert.equal(report.exitCode, 1);

  // JIRA_HOME given as root in a configuration: it exists, but its folders are no integrations.
  const file = writeConfig(s, 'home-as-root.yaml', `receivers:
  backbone_folders: { root: ${s.home} }
exporters: { debug: {} }
service: { pipelines: { metrics: { receivers: [backbone_folders], exporters: [debug] } } }
`);
  const home = await doctorJson({ config: file });
  const integrations = check(home, 'layout.integrations');
  assert.equal(integrations.status, 'warn');
  assert.match(integrations.message, /1 folder at the integration level does not look like an integration key \(such as INT-16\): data\./);
  assert.match(integrations.fix!, /root may point a level too high \(JIRA_HOME instead of JIRA_HOME\/data\/backbone-issue-sync\?\)/);
});

test('a misspelt JIRA_HOME: FAIL (exit 1) naming the folder that does not exist and the one probably meant; no cost estimate of nothing', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const misspelt = path.join(s.work, 'jira-hme');
  const run = await runCli(['doctor', '--jira-home', misspelt]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const flat = run.stdout.replace(/\s+/g, ' ');
  assert.ok(flat.includes(`FAIL ${misspelt}/data/backbone-issue-sync: it does not exist: nothing at ${misspelt} (the nearest folder that exists is ${s.work}); ` +
    `${s.home} exists (a typo?). Then give --jira-home ${s.home}.`), run.stdout);
  assert.doesNotMatch(flat, /has written no message folder there yet/, 'that is for a JIRA_HOME that exists');
  assert.doesNotMatch(flat, /series/, 'no estimate from a tree that was not read');
  assert.match(flat, /no cost estimate: the Backbone root could not be read/);

  // JIRA_HOME exists, its Backbone folder does not: Backbone has not written one yet.
  const home = path.join(s.work, 'fresh-home');
  mkdirSync(path.join(home, 'data'), { recursive: true });
  const fresh = check(await doctorJson({ jiraHome: home }), 'root.exists');
  assert.equal(fresh.message, `${home}/data/backbone-issue-sync: it does not exist.`);
  assert.match(fresh.fix!, new RegExp(`If ${home} is that JIRA_HOME, Backbone Issue Sync has written no message folder there yet\\.$`));
});

test('unreadable folders, as the agent\'s user would find them: FAIL naming each, with the fix; the exit code is 1', async () => {
  const s = site({ integrations: 2, projectsPerIntegration: 1 });
  const locked = path.join(s.root, 'INT-10', 'AP-20', 'receive', 'error');
  chmodSync(locked, 0o000);
  try {
    const run = await runCli(['doctor', '--jira-home', s.home], {}, { dropDac: true });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const flat = run.stdout.replace(/\s+/g, ' ');
    assert.match(flat, /FAIL exists, but \S+ \(uid \d+\) cannot read 1 folder below it: its messages would go uncounted\. INT-10\/AP-20\/receive\/error \(EACCES\)\./);
    assert.match(flat, /fix: Make them readable: give \S+ read access to the whole tree, also to folders Backbone creates later: setfacl -R -m u:\S+:rX /);
    assert.doesNotMatch(run.stdout, /the doctor runs as root/, 'without the capabilities, no warning about them');
  } finally {
    chmodSync(locked, 0o755);
  }

  chmodSync(s.root, 0o000);
  try {
    const run = await runCli(['doctor', '--jira-home', s.home, '--json'], {}, { dropDac: true });
    assert.equal(run.code, 1);
    const unreadable = check(JSON.parse(run.stdout) as JsonReport, 'root.readable');
    assert.equal(unreadable.status, 'fail');
    assert.match(unreadable.message, /cannot read .*backbone-issue-sync \(EACCES\)\.$/);
  } finally {
    chmodSync(s.root, 0o755);
  }
});

test('running as root with every capability is a warning: it says nothing about the agent\'s user', { skip: process.getuid?.() !== 0 }, async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const warned = check(await doctorJson({ jiraHome: s.home }), 'root.user');
  assert.equal(warned.status, 'warn');
  assert.match(warned.fix!, /Run the doctor as the agent's user/);
});

test('file system, watch method, counts: what the agent will see', async () => {
  const s = site({ integrations: 2, projectsPerIntegration: 2 });
  const file = writeConfig(s, 'events.yaml', `receivers:
  backbone_folders: { root: ${s.root} }
  backbone_events: { root: ${s.root}, watch_method: poll, storage: ${path.join(s.work, 'state')} }
exporters: { debug: {} }
service: { pipelines: { metrics: { receivers: [backbone_folders, backbone_events], exporters: [debug] } } }
`);
  const report = await doctorJson({ config: file });
  const fs = check(report, 'root.filesystem');
  assert.equal(fs.status, 'ok');
  assert.match(fs.message, /^\S+ file system \((local|network: [^)]*)\): watch_method auto picks (native \(file-system events\)|poll \(listings\)); backbone_events sets poll\.$/);
  const expectedMessages = s.tree.expected.reduce((sum, e) => sum + e.messages, 0);
  const expectedOthers = s.tree.expected.reduce((sum, e) => sum + e.otherFiles, 0);
  assert.match(check(report, 'root.files').message, new RegExp(`^${expectedMessages} message files and ${expectedOthers} other files in 4 projects, scanned in \\d+`));
  assert.equal(check(report, 'root.read_only').status, 'ok');
});

test('a storage folder under the Backbone root: the configuration is refused (exit 2, as validate), and nothing is written there', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const file = writeConfig(s, 'queue-in-root.yaml', `receivers:
  backbone_folders: { root: ${s.root} }
exporters:
  otlphttp: { endpoint: "http://127.0.0.1:1", storage: ${path.join(s.root, 'queue')}, timeout: 2s }
service: { pipelines: { metrics: { receivers: [backbone_folders], exporters: [otlphttp] } } }
`);
  const before = treeSnapshot(s.root);
  await assert.rejects(doctorJson({ config: file }), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(formatIssue(file, error.issues[0]!), new RegExp(`:4:\\d+: exporters\\.otlphttp\\.storage: storage ${path.join(s.root, 'queue')} is under the Backbone root ${s.root} of receivers\\.backbone_folders\\.root \\(line 2\\): the agent never writes there`));
    return true;
  });
  assert.deepEqual(treeSnapshot(s.root), before);
});
