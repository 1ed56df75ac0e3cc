import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { registry } from '../../src/components.ts';
import { ConfigError, formatIssue } from '../../src/config/config-issue.ts';
import { type AgentConfig, loadConfigText } from '../../src/config/load-config.ts';

function load(yaml: string, env: Record<string, string | undefined> = {}): AgentConfig {
  return loadConfigText(yaml, 'agent.yaml', registry, env);
}

/** The error lines a user would read, for a config that must fail. */
function errors(yaml: string, env: Record<string, string | undefined> = {}): string[] {
  try {
    load(yaml, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((issue) => formatIssue('agent.yaml', issue));
  }
  assert.fail('the configuration was accepted');
}

const MINIMAL = (receiver: string, exporter = 'debug:') => `receivers:
  backbone_folders:
${receiver}
exporters:
  ${exporter}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [${exporter.replace(/:.*$/s, '')}]
`;

test('config/agent.yaml loads exactly as written, with defaults from ${env:...:-default}', () => {
  const yaml = readFileSync(new URL('../../config/agent.yaml', import.meta.url), 'utf8');
  const config = load(yaml, { JIRA_TOKEN: 'a-token' });
  const folders = config.receivers.get('backbone_folders')!.config as { root: string; collection_interval: number };
  assert.equal(folders.root, '/var/atlassian/application-data/jira/data/backbone-issue-sync');
  assert.equal(folders.collection_interval, 30_000);
  const otlp = config.exporters.get('otlphttp')!.config as { endpoint: string; encoding: string; compression: string; temporality: string; storage: string };
  assert.deepEqual([otlp.endpoint, otlp.encoding, otlp.compression, otlp.temporality], ['http://127.0.0.1:4318', 'protobuf', 'gzip', 'cumulative']);
  assert.equal(otlp.storage, '/var/lib/backbone-otel-agent/otlphttp-queue');
  assert.deepEqual(config.pipelines.map((p) => `${p.id}:${p.exporters.join(',')}`), ['metrics:otlphttp', 'logs:otlphttp']);
});

test('environment variables: set, unset with default, set but empty, $$ and typed values', () => {
  const yaml = `receivers:
  backbone_folders:
    root: \${env:ROOT}/data/$$x
    collection_interval: \${env:INTERVAL:-45s}
    max_entries: \${env:MAX}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:4318
    headers:
      x-team: "\${env:TEAM:-platform}"
      x-port: "\${env:MAX}"
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp] }
`;
  const config = load(yaml, { ROOT: '/jira', MAX: '500', TEAM: '' });
  const c = config.receivers.get('backbone_folders')!.config as Record<string, unknown>;
  const headers = (config.exporters.get('otlphttp')!.config as { headers: Record<string, unknown> }).headers;
  assert.equal(c.root, '/jira/data/$x');
  assert.equal(c.collection_interval, 45_000);
  assert.equal(c.max_entries, 500, 'a whole-value reference in a plain scalar takes the type of its value');
  assert.equal(headers['x-team'], '', 'the default is used only when the variable is unset');
  assert.equal(headers['x-port'], '500', 'a quoted value stays a string');
});

test('an unset variable without default is named in the error of the value it left empty', () => {
  const lines = errors(MINIMAL('    root: ${env:BACKBONE_ROOT}'));
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^agent\.yaml:3:11: receivers\.backbone_folders\.root: .*found an empty value.*\(value of \$\{env:BACKBONE_ROOT\}; BACKBONE_ROOT not set\)/);
});

test('a malformed reference is an error at its line', () => {
  const lines = errors(MINIMAL('    root: ${BACKBONE_ROOT}'));
  assert.match(lines[0]!, /agent\.yaml:3:11: receivers\.backbone_folders\.root: cannot expand "\$\{BACKBONE_ROOT\}": expected \$\{env:NAME\}/);
});

test('a wrong enum value names the key path, the line, what was expected and what was found', () => {
  const lines = errors(MINIMAL('    root: /r', 'otlphttp:\n    endpoint: http://127.0.0.1:4318\n    encoding: xml'));
  assert.deepEqual(lines, ['agent.yaml:7:15: exporters.otlphttp.encoding: expected one of protobuf | json, found "xml"']);
});

test('an unknown key is an error with a suggestion', () => {
  const lines = errors(MINIMAL('    root: /r\n    colection_interval: 10s'));
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^agent\.yaml:4:5: receivers\.backbone_folders\.colection_interval: unknown key "colection_interval" \(did you mean "collection_interval"\?\); expected one of: root, collection_interval/);
});

test('a bad duration, a missing required key and wrong types are all reported in one run', () => {
  const yaml = `receivers:
  backbone_folders:
    collection_interval: 30 seconds
    max_entries: many
exporters:
  prometheus:
    endpoint: localhost
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [prometheus]
`;
  const lines = errors(yaml);
  assert.equal(lines.length, 4, lines.join('\n'));
  assert.match(lines[0]!, /^agent\.yaml:2:3: receivers\.backbone_folders\.root: missing: expected the path of the Backbone folder/);
  assert.match(lines[1]!, /^agent\.yaml:3:26: receivers\.backbone_folders\.collection_interval: expected a duration such as 500ms, 30s or 5m, found "30 seconds"/);
  assert.match(lines[2]!, /^agent\.yaml:4:18: receivers\.backbone_folders\.max_entries: expected a number, found "many"/);
  assert.match(lines[3]!, /^agent\.yaml:7:15: exporters\.prometheus\.endpoint: expected host:port/);
});

test('unknown component types, undefined references and unsupported signals', () => {
  const yaml = `receivers:
  backbone_folder:
    root: /r
  backbone_folders:
    root: /r
exporters:
  prometheus:
  otlp/x:
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [prometheus, otlphttp]
    logs:
      receivers: [backbone_folders]
      exporters: [prometheus]
    traces:
      receivers: [backbone_folders]
      exporters: [prometheus]
`;
  assert.deepEqual(errors(yaml), [
    'agent.yaml:2:3: receivers.backbone_folder: unknown receiver type "backbone_folder" (did you mean "backbone_folders"?); known: ' + [...registry.receivers.keys()].join(', '),
    'agent.yaml:8:3: exporters.otlp/x: unknown exporter type "otlp" (did you mean "otlphttp"?); known: ' + [...registry.exporters.keys()].join(', '),
    'agent.yaml:13:31: service.pipelines.metrics.exporters[1]: exporter "otlphttp" is not defined under exporters',
    'agent.yaml:16:19: service.pipelines.logs.exporters[0]: exporter "prometheus" does not support logs; it supports metrics',
    'agent.yaml:17:5: service.pipelines.traces: "traces" is not a pipeline id: expected metrics, logs, metrics/<name> or logs/<name> (this agent emits no traces)',
  ]);
});

test('named components, several pipelines per signal, and one Prometheus port per pipeline', () => {
  const good = `receivers:
  backbone_folders/a: { root: /a }
  backbone_folders/b: { root: /b }
exporters:
  otlphttp/grafana: { endpoint: "https://otlp.example.com/otlp" }
  prometheus/one: { endpoint: "127.0.0.1:9464" }
service:
  pipelines:
    metrics/primary: { receivers: [backbone_folders/a, backbone_folders/b], exporters: [otlphttp/grafana] }
    metrics/local: { receivers: [backbone_folders/a], exporters: [prometheus/one] }
`;
  const config = load(good);
  assert.deepEqual([...config.receivers.keys()], ['backbone_folders/a', 'backbone_folders/b']);
  assert.deepEqual(config.pipelines.map((p) => p.id), ['metrics/primary', 'metrics/local']);

  const twice = good.replace('exporters: [otlphttp/grafana] }', 'exporters: [otlphttp/grafana, prometheus/one] }');
  assert.match(errors(twice)[0]!, /agent\.yaml:6:3: exporters\.prometheus\/one: exporter "prometheus\/one" can serve one pipeline only, but is in metrics\/primary and metrics\/local/);
});

test('otlphttp appends /v1/<signal> to the endpoint unless a signal endpoint is set', async () => {
  const { signalUrl } = await import('../../src/exporters/otlphttp/config.ts');
  const config = load(MINIMAL('    root: /r', 'otlphttp:\n    endpoint: https://gw.example.com/otlp/\n    logs_endpoint: https://logs.example.com/ingest'));
  const otlp = config.exporters.get('otlphttp')!.config as Parameters<typeof signalUrl>[0];
  assert.equal(signalUrl(otlp, 'metrics'), 'https://gw.example.com/otlp/v1/metrics');
  assert.equal(signalUrl(otlp, 'logs'), 'https://logs.example.com/ingest');
  assert.match(errors(MINIMAL('    root: /r', 'otlphttp:'))[0]!, /exporters\.otlphttp\.endpoint: expected an endpoint URL/);
});

test('YAML syntax errors and duplicate keys point at their line', () => {
  assert.match(errors('receivers:\n  a: [1, 2\nexporters: {}\n')[0]!, /^agent\.yaml:\d+:\d+: \(top level\): YAML: /);
  assert.match(errors('service: {}\nservice: {}\n')[0]!, /^agent\.yaml:2:1: service: "service" is defined twice in this mapping \(keys must be unique\)/);
  assert.match(errors('receivers:\n  a: {}\n  b: {}\n  a: {}\n')[0]!, /^agent\.yaml:4:3: receivers\.a: "a" is defined twice/);
  assert.match(errors('')[0]!, /the file is empty/);
});

test('a component defined but used in no pipeline is a warning, not an error', () => {
  assert.deepEqual(load(MINIMAL('    root: /r')).warnings, []);
  const withUnused = load(MINIMAL('    root: /r', 'debug:\n  prometheus:'));
  assert.deepEqual(withUnused.warnings, ['exporters.prometheus is defined but not used in any pipeline']);
});

test('${env:...} works inside { } flow mappings, where YAML alone would reject it', () => {
  const yaml = `receivers:
  backbone_folders: { root: \${env:ROOT}, collection_interval: "\${env:EVERY:-15s}" }
exporters:
  otlphttp: { endpoint: \${env:OTLP}, headers: { x-key: \${env:KEY} } }
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp] }
`;
  const config = load(yaml, { ROOT: '/jira/data', OTLP: 'http://127.0.0.1:4318', KEY: 'k' });
  const folders = config.receivers.get('backbone_folders')!.config as { root: string; collection_interval: number };
  assert.deepEqual([folders.root, folders.collection_interval], ['/jira/data', 15_000]);
  assert.equal((config.exporters.get('otlphttp')!.config as { headers: Record<string, string> }).headers['x-key'], 'k');
  const lines = errors(yaml, { OTLP: 'http://127.0.0.1:4318', KEY: 'k' });
  assert.match(lines[0]!, /^agent\.yaml:2:29: receivers\.backbone_folders\.root: .*ROOT not set/, 'columns stay true');
});
