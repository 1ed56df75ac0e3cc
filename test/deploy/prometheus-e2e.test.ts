// End to end with a real Prometheus (Debian's package, installed by .ci/run): the agent runs
// as users run it (`node src/cli.ts run`) against a simulated Backbone — a message tree on
// disk and the REST API — with its prometheus exporter, and with leader election on as the
// Data Center configurations have it (alone, it is the leader). Prometheus scrapes it every
// second and evaluates deploy/prometheus/alerts.yaml. Through Prometheus' HTTP API the test
// checks that the values equal the simulated state, also after messages move and a connector
// drops; that every query of the Grafana dashboard is valid PromQL with data behind it; that
// every metric name the dashboard and the alerts use is on the agent's live /metrics; and that
// the alert rules evaluate without error and see the problems the simulation holds (and no
// leader problem).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { buildTree, type BuiltTree, type ExpectedFolder } from '../../src/simulator/backbone-tree.ts';
import { DEFAULT_USER, sampleIntegration, SimulatedBackboneApi } from '../../src/simulator/backbone-api.ts';
import { freePort } from '../helpers/free-port.ts';
import { parsePrometheusText } from '../helpers/prometheus-text.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { acceptingBackend, AgentChild, REPO } from './support/agent-child.ts';
import { PrometheusServer, type PromSample } from './support/prometheus-server.ts';
import { dashboardQueries, ruleQueries, selection } from './support/promql.ts';

const DASHBOARD = path.join(REPO, 'deploy', 'grafana', 'backbone-dashboard.json');
const ALERTS = path.join(REPO, 'deploy', 'prometheus', 'alerts.yaml');
const JOB = 'backbone-otel-agent';
/** Series Prometheus makes itself for every target, not the agent. */
const PROMETHEUS_OWN = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

// Removed in after(), once Prometheus and the agent (which write there) have stopped.
const dir = mkdtempSync(path.join(tmpdir(), 'backbone-e2e-'));
const root = path.join(dir, 'jira-home', 'data', 'backbone-issue-sync');
let tree: BuiltTree;
const api = new SimulatedBackboneApi({
  integrations: [sampleIntegration('INT-10', 'AP-20', 'BP-21'), sampleIntegration('INT-11', 'CP-22', 'DP-23')],
});
const agent = new AgentChild();
const prometheus = new PrometheusServer();
let backend: Awaited<ReturnType<typeof acceptingBackend>>;
let metricsUrl = '';

before(async () => {
  tree = buildTree(root, { seed: 11, integrations: 2, projectsPerIntegration: 2, layout: 'nested', unknownFolders: true });
  // A symbolic link is never followed: it shows as backbone_scan_errors_total{error_type="symlink"}.
  symlinkSync(dir, path.join(root, 'link-to-elsewhere'));

  // INT-11 is in trouble: stopped, its second connector offline and reconnecting, issues in error.
  api.setStatus('INT-11', 'STOPPED');
  api.setConnector('INT-11', 'first', { issuesInError: 3 });
  api.setConnector('INT-11', 'second', { online: false, reconnecting: true });
  await api.start();
  backend = await acceptingBackend();

  const agentPort = await freePort();
  const closedPort = await freePort(); // nothing listens there: a backend that is down
  metricsUrl = `http://127.0.0.1:${agentPort}/metrics`;
  agent.start(dir, `
receivers:
  backbone_folders:
    root: ${root}
    collection_interval: 1s
  backbone_events:
    root: ${root}
    watch_method: poll
    poll_interval: 500ms
    collection_interval: 1s
  backbone_rest:
    endpoint: ${api.url}
    auth:
      basic:
        username: \${env:JIRA_USER}
        password: \${env:JIRA_PASSWORD}
    collection_interval: 1s
exporters:
  prometheus:
    endpoint: 127.0.0.1:${agentPort}
  otlphttp:
    endpoint: ${backend.url}
  otlphttp/down:
    endpoint: http://127.0.0.1:${closedPort}
    timeout: 2s
    retry_on_failure:
      initial_interval: 200ms
      max_interval: 1s
  otlphttp/tiny_queue:
    endpoint: http://127.0.0.1:${closedPort}
    sending_queue:
      queue_size: 1
extensions:
  # As on Jira Data Center (config/examples/data-center.yaml, the Kubernetes ConfigMap): one
  # agent alone is always the leader, and says so in backbone_agent_leader_ratio.
  leader_election:
    lease_dir: ${path.join(dir, 'lease')}
service:
  extensions: [leader_election]
  pipelines:
    metrics:
      receivers: [backbone_folders, backbone_rest, backbone_events]
      exporters: [prometheus, otlphttp, otlphttp/down, otlphttp/tiny_queue]
    logs:
      receivers: [backbone_folders, backbone_rest, backbone_events]
      exporters: [otlphttp, otlphttp/down, otlphttp/tiny_queue]
`, { JIRA_USER: DEFAULT_USER.username, JIRA_PASSWORD: DEFAULT_USER.password! });
  await agent.waitForHttp(metricsUrl);

  mkdirSync(path.join(dir, 'prometheus'));
  await prometheus.start(path.join(dir, 'prometheus'), {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [ALERTS],
    scrape_configs: [{ job_name: JOB, static_configs: [{ targets: [`127.0.0.1:${agentPort}`] }] }],
  });
});

after(async () => {
  await prometheus.stop();
  await agent.stop();
  await api.stop();
  await backend?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const key = (labels: Record<string, string>, names: string[]) => names.map((name) => labels[name] ?? '').join('/');
const FOLDER = ['backbone_integration', 'backbone_project', 'backbone_state'];

function byFolder(samples: PromSample[]): Map<string, number> {
  return new Map(samples.map((s) => [key(s.metric, FOLDER), s.value]));
}

/** Waits until the query's result, turned into something comparable, equals `expected`. */
async function eventually<T>(what: string, read: () => Promise<T>, expected: T, timeoutMs = 20_000): Promise<void> {
  let last: T | undefined;
  try {
    await waitFor(async () => {
      last = await read();
      try {
        assert.deepEqual(last, expected);
        return true;
      } catch {
        return false;
      }
    }, what, timeoutMs);
  } catch (error) {
    assert.deepEqual(last, expected, `${(error as Error).message}\nagent log:\n${agent.log.slice(-3000)}`);
  }
}

test('Prometheus scrapes the agent, and every folder value equals the simulated tree', async () => {
  await waitFor(async () => (await prometheus.targets()).some((t) => t.health === 'up'), 'the scrape target to be up', 20_000);
  const expected = tree.expected;
  await waitFor(async () => (await prometheus.query(`backbone_folder_messages{job="${JOB}"}`)).length === expected.length,
    'every folder in Prometheus', 20_000);

  const [messages, other, issues, size, age] = await Promise.all([
    'backbone_folder_messages', 'backbone_folder_other_files', 'backbone_folder_issues', 'backbone_folder_size_bytes',
    'backbone_folder_oldest_message_age_seconds',
  ].map(async (name) => byFolder(await prometheus.query(`${name}{job="${JOB}"}`))));
  const queriedAt = Date.now();
  const folderKey = (e: ExpectedFolder) => `${e.integration}/${e.project}/${e.state}`;
  assert.deepEqual(messages, new Map(expected.map((e) => [folderKey(e), e.messages])));
  // Other files where they belong (receive, invalid, unknown) or where some were found.
  const withOthers = expected.filter((e) => ['receive', 'invalid', 'unknown'].includes(e.state) || e.otherFiles > 0);
  assert.deepEqual(other, new Map(withOthers.map((e) => [folderKey(e), e.otherFiles])));
  for (const e of expected) {
    if (e.state === 'error' || e.state === 'missing') assert.equal(issues!.get(folderKey(e)), e.issues, `issues of ${folderKey(e)}`);
  }
  // processed/ is counted by name only (count_only_states): no size, no age.
  const measured = expected.filter((e) => e.state !== 'processed');
  assert.deepEqual(size, new Map(measured.map((e) => [folderKey(e), e.bytes])));
  for (const e of measured) {
    const value = age!.get(folderKey(e));
    assert.ok(value !== undefined, `age of ${folderKey(e)}`);
    if (e.oldestMessageMtimeMs === undefined) {
      assert.equal(value, 0, `age of ${folderKey(e)} (empty)`);
      continue;
    }
    // The agent measured the age at its last scan (at most a scan and a scrape ago).
    const now = (queriedAt - e.oldestMessageMtimeMs) / 1000;
    assert.ok(value <= now + 1 && value >= now - 6, `age of ${folderKey(e)}: ${value} s, expected about ${now.toFixed(1)} s`);
  }
  const scanErrors = await prometheus.query(`backbone_scan_errors_total{job="${JOB}",error_type="symlink"}`);
  assert.equal(scanErrors.length, 1);
  assert.ok(scanErrors[0]!.value >= 1);
});

test('every REST API value in Prometheus equals the simulated synchronizations', async () => {
  await eventually('synchronization status',
    async () => Object.fromEntries((await prometheus.query(`backbone_integration_status_ratio{job="${JOB}"} == 1`))
      .map((s) => [s.metric.backbone_integration, s.metric.backbone_status])),
    { 'INT-10': 'RUNNING', 'INT-11': 'STOPPED' });
  const connectors = async (name: string) => Object.fromEntries((await prometheus.query(`${name}{job="${JOB}"}`))
    .map((s) => [`${s.metric.backbone_integration}/${s.metric.backbone_connector}/${s.metric.backbone_connector_position}`, s.value]));
  assert.deepEqual(await connectors('backbone_connector_online_ratio'),
    { 'INT-10/AP-20/first': 1, 'INT-10/BP-21/second': 1, 'INT-11/CP-22/first': 1, 'INT-11/DP-23/second': 0 });
  assert.deepEqual(await connectors('backbone_connector_reconnecting_ratio'),
    { 'INT-10/AP-20/first': 0, 'INT-10/BP-21/second': 0, 'INT-11/CP-22/first': 0, 'INT-11/DP-23/second': 1 });
  assert.deepEqual(await connectors('backbone_connector_issues_in_error'),
    { 'INT-10/AP-20/first': 0, 'INT-10/BP-21/second': 0, 'INT-11/CP-22/first': 3, 'INT-11/DP-23/second': 0 });
  assert.deepEqual((await prometheus.query(`backbone_api_up_ratio{job="${JOB}"}`)).map((s) => s.value), [1]);
});

test('the agent alone is the leader: backbone_agent_leader_ratio adds up to 1', async () => {
  await eventually('the leader gauge',
    async () => (await prometheus.query(`sum by (job) (backbone_agent_leader_ratio{job="${JOB}"})`)).map((s) => [s.metric.job, s.value]),
    [[JOB, 1]]);
});

test('after messages move and a connector drops, Prometheus shows the new state', async () => {
  const receive = path.join(root, 'INT-10', 'AP-20', 'receive');
  const moved = readdirSync(receive).filter((name) => name.endsWith('.bac')).slice(0, 3);
  assert.ok(moved.length > 0, 'the simulated receive/ holds messages');
  for (const name of moved) renameSync(path.join(receive, name), path.join(receive, 'processed', name));
  api.setConnector('INT-10', 'first', { online: false });
  api.setConnector('INT-11', 'first', { issuesInError: 1 });

  const count = (state: string) => tree.expected.find((e) => e.integration === 'INT-10' && e.project === 'AP-20' && e.state === state)!.messages;
  const folder = (state: string) => `backbone_folder_messages{job="${JOB}",backbone_integration="INT-10",backbone_project="AP-20",backbone_state="${state}"}`;
  await eventually('receive/ and processed/ after the moves',
    async () => [(await prometheus.query(folder('receive')))[0]?.value, (await prometheus.query(folder('processed')))[0]?.value],
    [count('receive') - moved.length, count('processed') + moved.length]);
  await eventually('the moves counted by the file watcher',
    async () => (await prometheus.query(`sum(backbone_message_transitions_total{job="${JOB}",backbone_integration="INT-10",backbone_project="AP-20",backbone_from_state="receive",backbone_to_state="processed"})`))[0]?.value,
    moved.length);
  await eventually('the dwell times of the moves',
    async () => (await prometheus.query(`sum(backbone_message_dwell_time_seconds_count{job="${JOB}",backbone_from_state="receive",backbone_to_state="processed"})`))[0]?.value,
    moved.length);
  await eventually('the connector that dropped',
    async () => (await prometheus.query(`backbone_connector_online_ratio{job="${JOB}",backbone_connector="AP-20"}`))[0]?.value, 0);
  await eventually('issues in error after one was fixed',
    async () => (await prometheus.query(`backbone_connector_issues_in_error{job="${JOB}",backbone_connector="CP-22"}`))[0]?.value, 1);
});

/**
 * Moves one message of INT-11/CP-22 from receive/ to processed/ (once), after the file watcher
 * has started, so that its metrics exist even when a test runs alone (--test-name-pattern);
 * and waits until Prometheus has scraped the agent.
 */
let movedForWatcher = false;
async function moveOneMessage(): Promise<void> {
  await waitFor(async () => (await prometheus.targets()).some((t) => t.health === 'up'), 'the scrape target to be up', 20_000);
  if (movedForWatcher) return;
  movedForWatcher = true;
  await waitFor(async () => (await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text()).includes('backbone_watcher_mode_ratio'),
    'the file watcher to follow the messages', 20_000);
  const receive = path.join(root, 'INT-11', 'CP-22', 'receive');
  const name = readdirSync(receive).find((entry) => entry.endsWith('.bac'));
  assert.ok(name, 'INT-11/CP-22/receive holds a message');
  renameSync(path.join(receive, name), path.join(receive, 'processed', name));
}

test('every metric name in the Grafana dashboard and the alert rules is on the agent\'s live /metrics', async () => {
  await moveOneMessage();
  const queries = [...dashboardQueries(DASHBOARD), ...ruleQueries(ALERTS)];
  assert.ok(queries.length > 20, 'the dashboard and the rules have queries');
  // Counters that start at the first failure are there by now (the 'down' exporters fail every second).
  const wanted = ['backbone_message_transitions_total', 'backbone_message_dwell_time_seconds_bucket',
    'otelcol_exporter_send_failed_metric_points_total', 'otelcol_exporter_send_failed_log_records_total',
    'otelcol_exporter_enqueue_failed_metric_points_total', 'otelcol_exporter_enqueue_failed_log_records_total',
    'otelcol_exporter_sent_metric_points_total', 'otelcol_exporter_sent_log_records_total'];
  let live = new Set<string>();
  try {
    await waitFor(async () => {
      live = new Set(parsePrometheusText(await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text()).map((s) => s.name));
      return wanted.every((name) => live.has(name));
    }, 'the exporters\' counters on /metrics', 20_000);
  } catch {
    // Reported below, name by name.
  }
  const problems: string[] = [];
  for (const { where, expr } of queries) {
    const found = selection(expr);
    problems.push(...found.errors.map((error) => `${where}: ${error}`));
    for (const name of found.names) {
      if (live.has(name)) continue;
      if (PROMETHEUS_OWN.has(name)) {
        if ((await prometheus.series(`${name}{job="${JOB}"}`)).length > 0) continue;
        problems.push(`${where}: ${name} (made by Prometheus for each target) has no series for job ${JOB}`);
        continue;
      }
      problems.push(`${where}: ${name} is not on the agent's /metrics`);
    }
    for (const regex of found.nameRegexes) {
      const pattern = new RegExp(`^(?:${regex})$`);
      if (![...live].some((name) => pattern.test(name))) problems.push(`${where}: no metric on /metrics matches __name__=~"${regex}"`);
    }
  }
  assert.deepEqual(problems, [], `live metric names:\n  ${[...live].sort().join('\n  ')}`);
});

test('Prometheus runs every dashboard query, and each has data behind it', async () => {
  await moveOneMessage();
  const queries = dashboardQueries(DASHBOARD).map(({ where, expr }) => ({
    where,
    promql: expr.replace(/\$__(rate_interval|interval|range)\b/g, '1m').replace(/\$\{?(integration|project|job)\}?/g, '.*'),
  }));
  let problems: string[] = [];
  // A rate() has data from the second scrape of a new series on: wait for it, with a deadline.
  try {
    await waitFor(async () => {
      problems = [];
      for (const { where, promql } of queries) {
        try {
          if ((await prometheus.query(promql)).length === 0) problems.push(`${where}: no data for ${promql}`);
        } catch (error) {
          problems.push(`${where}: ${(error as Error).message}`);
        }
      }
      return problems.length === 0;
    }, 'data for every dashboard query', 20_000);
  } catch {
    // Reported below.
  }
  assert.deepEqual(problems, []);
});

test('the alert rules evaluate without error and see the problems of the simulation', async () => {
  const expected = [
    'BackboneSynchronizationNotRunning INT-11 STOPPED',
    'BackboneConnectorOffline INT-11 DP-23',
    'BackboneConnectorReconnecting INT-11 DP-23',
    'BackboneIssuesInError INT-11 CP-22',
    'BackboneAgentMetricsExportFailing otlphttp/down',
  ];
  const describe = (rule: string, labels: Record<string, string>) => [rule,
    ...['backbone_integration', 'backbone_connector', 'backbone_status', 'exporter'].flatMap((name) => (labels[name] ? [labels[name]] : [])),
  ].join(' ');
  let active = new Set<string>();
  let unhealthy: string[] = [];
  try {
    await waitFor(async () => {
      const rules = await prometheus.rules();
      unhealthy = rules.filter((rule) => rule.health !== 'ok' && rule.health !== 'unknown').map((rule) => `${rule.name}: ${rule.health} ${rule.lastError ?? ''}`);
      active = new Set(rules.flatMap((rule) => (rule.alerts ?? []).map((alert) => describe(rule.name, alert.labels))));
      return unhealthy.length === 0 && expected.every((alert) => active.has(alert)) && rules.every((rule) => rule.health === 'ok');
    }, 'the rules to be evaluated', 20_000);
  } catch {
    // Reported below.
  }
  assert.deepEqual(unhealthy, []);
  assert.deepEqual(expected.filter((alert) => !active.has(alert)), [], `active alerts: ${[...active].join('; ')}`);
  // Nothing is wrong with INT-10's synchronization status, so no alert names it; one agent leads.
  assert.ok(![...active].some((alert) => alert.startsWith('BackboneSynchronizationNotRunning INT-10')));
  assert.deepEqual([...active].filter((alert) => /^BackboneAgent(NoLeader|SeveralLeaders)\b/.test(alert)), []);
});
