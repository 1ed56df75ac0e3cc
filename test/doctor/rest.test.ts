// The REST checks against the simulated Backbone API, in each way a real Jira answers: well
// (status embedded or not), with bad credentials, 403, an HTML login page, a wrong base URL,
// not at all; and whether disk and API agree. Each case names the step that failed, the cause
// (in the poller's own words) and the fix.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sampleIntegration } from '../../src/simulator/backbone-api.ts';
import { freePort } from '../helpers/free-port.ts';
import { selfSignedCertificate } from '../helpers/tls-cert.ts';
import { check, checksOf, type JsonReport, PASSWORD, runDoctor, site, startJira, USER, writeConfig } from './fixture.ts';

const s = site();
const creds = { JIRA_USER: USER, JIRA_PASSWORD: PASSWORD };

async function doctor(jiraUrl: string, env: Record<string, string> = creds): Promise<JsonReport> {
  const { out } = await runDoctor({ jiraHome: s.home, jiraUrl, json: true }, env);
  return JSON.parse(out) as JsonReport;
}

function restChecks(report: JsonReport): string[] {
  return checksOf(report).filter((c) => c.id.startsWith('rest.')).map((c) => `${c.id}=${c.status}`);
}

const jira = await startJira(s.tree);
after(() => jira.stop());

test('a healthy API: every step OK, status embedded, the integrations named, disk and API agree', async () => {
  const report = await doctor(jira.url);
  assert.deepEqual(restChecks(report), [
    'rest.reachable=ok', 'rest.authenticated=ok', 'rest.permitted=ok', 'rest.shape=ok', 'rest.integrations=ok', 'rest.health=ok', 'rest.agreement=ok',
  ]);
  assert.equal(check(report, 'rest.authenticated').message, `logged in as ${USER}.`);
  assert.match(check(report, 'rest.shape').message, /^status embedded in the list \(older Backbone versions\)/);
  assert.equal(check(report, 'rest.integrations').message, '2 integrations, all RUNNING: INT-10, INT-11.');
  assert.equal(report.exitCode, 0);
});

test('a newer API without the status in the list: the status of each integration is asked for and reported', async () => {
  const newer = await startJira(s.tree, { embedStatus: false });
  try {
    newer.setStatus('INT-11', 'RESTART_REQUIRED');
    newer.setConnector('INT-11', 'second', { issuesInError: 3 });
    const report = await doctor(newer.url);
    assert.match(check(report, 'rest.shape').message, /^status not in the list \(newer Backbone versions\): one more request per integration, all 2 answered\.$/);
    assert.equal(check(report, 'rest.integrations').message, '2 integrations: INT-10 RUNNING, INT-11 RESTART_REQUIRED (3 issues in error).');
    assert.equal(newer.requests.filter((r) => r.path.endsWith('/status')).length, 2);
  } finally {
    await newer.stop();
  }
});

test('a personal access token from JIRA_TOKEN', async () => {
  const report = await doctor(jira.url, { JIRA_TOKEN: 'NjQ2MzM0-pat-token' });
  assert.equal(check(report, 'rest.authenticated').message, 'logged in with the personal access token.');
  assert.equal(jira.requests.at(-1)!.headers.authorization, 'Bearer NjQ2MzM0-pat-token');
});

test('bad credentials: authentication fails (401), reachability is OK, the rest is not checked', async () => {
  const report = await doctor(jira.url, { JIRA_USER: USER, JIRA_PASSWORD: 'wrong' });
  assert.deepEqual(restChecks(report), ['rest.reachable=ok', 'rest.authenticated=fail']);
  const failed = check(report, 'rest.authenticated');
  assert.match(failed.message, /credentials rejected \(401\): Jira did not accept the configured user/);
  assert.match(failed.fix!, /^Set JIRA_USER and JIRA_PASSWORD to a Jira admin's login \(or JIRA_TOKEN to a token\)/);
  assert.equal(report.exitCode, 1);
});

test('403: a project administrator cannot list every integration; with project_keys it can, and the disk holds more', async () => {
  const projectAdmin = await startJira(s.tree, { users: [{ username: 'pa', password: 'pw', projectAdminOf: ['AP'] }] });
  try {
    const denied = await doctor(projectAdmin.url, { JIRA_USER: 'pa', JIRA_PASSWORD: 'pw' });
    assert.deepEqual(restChecks(denied), ['rest.reachable=ok', 'rest.authenticated=ok', 'rest.permitted=fail']);
    assert.match(check(denied, 'rest.permitted').message, /access denied \(403\): listing all integrations needs a Jira administrator/);
    assert.match(check(denied, 'rest.permitted').fix!, /Use the login of a Jira administrator/);

    const file = writeConfig(s, 'project-admin.yaml', `receivers:
  backbone_folders:
    root: ${s.root}
  backbone_rest:
    endpoint: ${projectAdmin.url}
    auth: { basic: { username: pa, password: pw } }
    project_keys: [AP]
exporters:
  debug: {}
service:
  pipelines:
    metrics: { receivers: [backbone_folders, backbone_rest], exporters: [debug] }
`);
    const scoped = JSON.parse((await runDoctor({ config: file, json: true })).out) as JsonReport;
    assert.equal(check(scoped, 'rest.permitted').message, 'may list the integrations of 1 project (AP).');
    const agreement = check(scoped, 'rest.agreement');
    assert.equal(agreement.status, 'warn');
    assert.equal(agreement.message, 'disk and API disagree: on disk only: INT-11.');
    assert.match(agreement.fix!, /outside project_keys/);
  } finally {
    await projectAdmin.stop();
  }
});

test('403 whatever the user (forbidden): the permission step fails', async () => {
  jira.misbehave('forbidden');
  try {
    const report = await doctor(jira.url);
    assert.equal(check(report, 'rest.permitted').status, 'fail');
    assert.match(check(report, 'rest.permitted').message, /access denied \(403\)/);
  } finally {
    jira.behave();
  }
});

test('an HTML login page instead of JSON: the credentials were not accepted', async () => {
  jira.misbehave('login-page');
  try {
    const report = await doctor(jira.url);
    assert.deepEqual(restChecks(report), ['rest.reachable=ok', 'rest.authenticated=fail']);
    assert.match(check(report, 'rest.authenticated').message, /Jira answered with its login page \(HTML, status 200\) instead of JSON/);
  } finally {
    jira.behave();
  }
});

test('a wrong base URL (the context path left out): Jira answers 404, the fix names the context path', async () => {
  const behindContext = await startJira(s.tree, { contextPath: '/jira' });
  try {
    const withoutContext = behindContext.url.replace(/\/jira$/, '');
    const report = await doctor(withoutContext);
    assert.deepEqual(restChecks(report), ['rest.reachable=fail']);
    const failed = check(report, 'rest.reachable');
    assert.match(failed.message, /not found \(404\): either endpoint is not the Jira base URL \(it must include the context path/);
    assert.match(failed.fix!, /^Set --jira-url to Jira's base URL as users open it, with its context path/);
    assert.equal(check(await doctor(behindContext.url), 'rest.reachable').status, 'ok', 'with the context path it works');
  } finally {
    await behindContext.stop();
  }
});

test('Jira down: connection refused, with what to check', async () => {
  const report = await doctor(`http://127.0.0.1:${await freePort()}`);
  assert.deepEqual(restChecks(report), ['rest.reachable=fail']);
  assert.match(check(report, 'rest.reachable').message, /connection refused by 127\.0\.0\.1:\d+: nothing listens there/);
  assert.match(check(report, 'rest.reachable').fix!, /Check that Jira runs and that this host can reach it/);
});

test('an answer of the wrong shape, a failing status endpoint, a missing /health', async () => {
  jira.misbehave('not-a-list', 'integrations');
  try {
    const report = await doctor(jira.url);
    assert.deepEqual(restChecks(report), ['rest.reachable=ok', 'rest.authenticated=ok', 'rest.permitted=ok', 'rest.shape=fail']);
    assert.match(check(report, 'rest.shape').message, /unexpected answer for the list of integrations, not in the documented shape: \(the answer\): expected a list of integrations, got an object/);
  } finally {
    jira.behave();
  }

  const newer = await startJira(s.tree, { embedStatus: false });
  try {
    newer.misbehave('server-error', 'status');
    const report = await doctor(newer.url);
    const failed = check(report, 'rest.status');
    assert.equal(failed.status, 'fail');
    assert.match(failed.message, /^the list holds no status, and 2 of 2 status requests failed: GET .*\/integrations\/INT-1\d\/status: server error 500/);

    newer.behave();
    newer.misbehave('not-found', 'health');
    const health = check(await doctor(newer.url), 'rest.health');
    assert.equal(health.status, 'fail');
    assert.match(health.message, /this Backbone Issue Sync version may have no \/health endpoint.*backbone\.api\.up stays 0/);
    assert.match(health.fix!, /health_check: false/);
  } finally {
    await newer.stop();
  }
});

test('disk and API disagree: an integration without folders, folders without an integration', async () => {
  const other = await startJira(undefined, { integrations: [sampleIntegration('INT-10', 'AP-20', 'BP-21'), sampleIntegration('INT-99', 'XP-1', 'YP-2')] });
  try {
    const agreement = check(await doctor(other.url), 'rest.agreement');
    assert.equal(agreement.status, 'warn');
    assert.equal(agreement.message, 'disk and API disagree: on disk only: INT-11; in the API only: INT-99.');
    assert.match(agreement.fix!, /deleted integrations leave their folders behind.*is --jira-home this Jira's home/);
  } finally {
    await other.stop();
  }
});

test('HTTPS with a private CA: untrusted without tls.ca_file, fine with it', async () => {
  const cert = selfSignedCertificate(s.work, 'jira');
  const tls = await startJira(s.tree, { tls: { key: cert.key, cert: cert.cert } });
  try {
    const config = (caFile: string) => writeConfig(s, `tls-${caFile === '' ? 'none' : 'ca'}.yaml`, `receivers:
  backbone_rest:
    endpoint: ${tls.url}
    auth: { basic: { username: ${USER}, password: "${PASSWORD}" } }
    tls: { ca_file: "${caFile}" }
exporters: { debug: {} }
service: { pipelines: { metrics: { receivers: [backbone_rest], exporters: [debug] } } }
`);
    const untrusted = JSON.parse((await runDoctor({ config: config(''), json: true })).out) as JsonReport;
    assert.deepEqual(restChecks(untrusted), ['rest.reachable=fail']);
    assert.match(check(untrusted, 'rest.reachable').message, /TLS: the certificate of 127\.0\.0\.1:\d+ is not trusted/);
    assert.match(check(untrusted, 'rest.reachable').fix!, /^Fix TLS as the message says \(tls\.ca_file of backbone_rest/);
    const trusted = JSON.parse((await runDoctor({ config: config(cert.certFile), json: true })).out) as JsonReport;
    assert.equal(check(trusted, 'rest.integrations').status, 'ok');
  } finally {
    await tls.stop();
  }
});
