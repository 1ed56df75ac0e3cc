// config/examples: one configuration per place users send data to. Each must pass
// `backbone-otel validate` (the real CLI) with the variables it references set, and fail with
// a message naming the variable when one it needs is not set; each says in its header which
// variables it reads; no secret is written into one; and the container image's default
// configuration validates too. The Data Center example elects a leader on a lease folder in
// the shared home, outside the Backbone folder.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { REPO } from './support/agent-child.ts';
import { envReferences, validateWithCli } from './support/config-check.ts';

const DIR = path.join(REPO, 'config', 'examples');
const EXPECTED = ['data-center', 'datadog', 'grafana-cloud', 'newrelic', 'otel-collector', 'prometheus-only'];

/** What a user would set, per variable the examples read. */
const SAMPLES: Record<string, string> = {
  BACKBONE_ROOT: '/var/atlassian/application-data/jira/data/backbone-issue-sync',
  JIRA_BASE_URL: 'https://jira.example.com/jira',
  JIRA_TOKEN: 'NjQ2MzM0-example-token',
  JIRA_USER: 'monitor',
  JIRA_PASSWORD: 'example-password',
  JIRA_SHARED_HOME: '/mnt/jira-shared',
  JIRA_NODE_ID: 'node-1',
  STATE_DIRECTORY: '/var/lib/backbone-otel-agent',
  OTLP_ENDPOINT: 'http://otel-collector.example.com:4318',
  DD_API_KEY: '0123456789abcdef0123456789abcdef',
  DD_SITE: 'datadoghq.eu',
  NEW_RELIC_LICENSE_KEY: 'eu01xx0123456789abcdef0123456789abcdNRAL',
  NEW_RELIC_REGION: 'EU',
  GRAFANA_CLOUD_OTLP_ENDPOINT: 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp',
  GRAFANA_CLOUD_INSTANCE_ID: '123456',
  GRAFANA_CLOUD_TOKEN: 'glc_example-token',
  PROMETHEUS_LISTEN: '127.0.0.1:9464',
};

/**
 * Variables whose absence `validate` does not report yet: the agent accepts an empty resource
 * attribute (and an empty header value), so an unset one passes validation. Kept here,
 * exactly, so that this test notices when that changes.
 */
const UNNOTICED_WHEN_UNSET: Record<string, string[]> = {
  'data-center.yaml': ['JIRA_NODE_ID'],
};

const files = readdirSync(DIR).filter((name) => name.endsWith('.yaml')).sort();

test('there is an example for each place users send data to', () => {
  assert.deepEqual(files.map((name) => name.replace(/\.yaml$/, '')), EXPECTED);
});

for (const file of files) {
  const full = path.join(DIR, file);
  const text = readFileSync(full, 'utf8');
  const references = envReferences(text);

  test(`${file}: validates with the variables it reads set`, () => {
    const env: Record<string, string> = {};
    for (const { name } of references) {
      assert.ok(name in SAMPLES, `${name}: add a sample value to this test`);
      env[name] = SAMPLES[name]!;
    }
    const result = validateWithCli(full, env);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /: valid \(/);
  });

  test(`${file}: validates with only the variables it cannot do without, and says which one is missing`, () => {
    const required = [...new Set(references.filter((r) => r.fallback === undefined).map((r) => r.name))];
    const env = Object.fromEntries(required.map((name) => [name, SAMPLES[name]!]));
    const result = validateWithCli(full, env);
    assert.equal(result.status, 0, result.output);
    const unnoticed: string[] = [];
    for (const name of required) {
      const missing = validateWithCli(full, Object.fromEntries(Object.entries(env).filter(([key]) => key !== name)));
      if (missing.status !== 2 || !missing.output.includes(`${name} not set`)) unnoticed.push(name);
    }
    assert.deepEqual(unnoticed, UNNOTICED_WHEN_UNSET[file] ?? [], 'variables whose absence validate does not report');
  });

  test(`${file}: its header names every variable it reads`, () => {
    const header = text.split('\n').filter((line) => line.startsWith('#')).join('\n');
    for (const { name } of references) assert.match(header, new RegExp(`#\\s+${name}\\b`), `${name} is explained in the header`);
  });

  test(`${file}: no secret is written into it`, () => {
    const problems: string[] = [];
    const walk = (value: unknown, where: string, key: string, underHeaders: boolean) => {
      if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`, k, k === 'headers');
        return;
      }
      const secretKey = underHeaders || /token|password|secret|api[-_]?key|license|authorization/i.test(key);
      if (secretKey && typeof value === 'string' && !/\$\{env:[A-Z0-9_]+\}/.test(value)) problems.push(`${where}: ${key} is written in, not read from \${env:...}`);
    };
    walk(parse(text), '', '', false);
    assert.deepEqual(problems, []);
  });
}

test('every example keeps the health check where the container image\'s HEALTHCHECK asks (its liveness path)', () => {
  const dockerfile = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8');
  const asked = /fetch\('http:\/\/([^/']+)(\/[^']*)'\)/.exec(dockerfile);
  assert.ok(asked, 'the HEALTHCHECK fetches a URL');
  for (const file of files) {
    const config = parse(readFileSync(path.join(DIR, file), 'utf8')) as {
      extensions?: { health_check?: { endpoint?: string; liveness_path?: string } }; service: { extensions?: string[] };
    };
    assert.ok(config.service.extensions?.includes('health_check'), `${file}: health_check is enabled`);
    assert.equal(config.extensions?.health_check?.endpoint ?? '127.0.0.1:13133', asked[1], file);
    assert.equal(config.extensions?.health_check?.liveness_path ?? '/livez', asked[2], file);
  }
});

test('the container image\'s default configuration validates with no variable set', () => {
  const result = validateWithCli(path.join(REPO, 'deploy', 'docker', 'config.yaml'), {});
  assert.equal(result.status, 0, result.output);
});

test('data-center.yaml: leader election on a lease folder in the shared home, beside the Backbone folder', () => {
  // With JIRA_SHARED_HOME set, as on a node.
  const sharedHome = SAMPLES.JIRA_SHARED_HOME!;
  const text = readFileSync(path.join(DIR, 'data-center.yaml'), 'utf8')
    .replace(/\$\{env:JIRA_SHARED_HOME(?::-[^}]*)?\}/g, sharedHome);
  const config = parse(text) as {
    receivers: Record<string, { root?: string; storage?: string }>;
    extensions: { leader_election?: { lease_dir: string; lease_duration?: string; renew_interval?: string; lease?: string } };
    service: { extensions: string[]; leader_election?: string[]; resource?: Record<string, string> };
  };
  const election = config.extensions.leader_election;
  assert.ok(election && config.service.extensions.includes('leader_election'), 'leader_election is defined and enabled');
  assert.equal(election.lease ?? 'file', 'file');
  assert.ok(election.lease_dir.startsWith(`${sharedHome}/`), `lease_dir ${election.lease_dir} is in the shared home`);
  const roots = Object.values(config.receivers).flatMap((r) => (r.root === undefined ? [] : [r.root]));
  assert.ok(roots.length > 0);
  for (const root of roots) {
    assert.ok(root.startsWith(`${sharedHome}/`), `${root} is in the shared home`);
    assert.ok(!`${election.lease_dir}/`.startsWith(`${root}/`) && !`${root}/`.startsWith(`${election.lease_dir}/`), `lease_dir and ${root} lie apart`);
  }
  // Every Backbone receiver runs on the leader only (the default), and the nodes stay apart in
  // what each agent reports of itself.
  assert.equal(config.service.leader_election, undefined);
  assert.equal(config.service.resource?.['jira.node.id'], '${env:JIRA_NODE_ID}');
  // With leader election the checkpoint lives in lease_dir: a storage there would be ignored.
  for (const [id, receiver] of Object.entries(config.receivers)) assert.equal(receiver.storage, undefined, `${id}: no storage`);
});
