// The backbone_rest configuration: defaults, strictness, secrets as text, the CA file check,
// and the endpoint taken as the Jira base URL (or, forgivingly, as the API URL itself).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { registry } from '../../../src/components.ts';
import { loadConfigText } from '../../../src/config/load-config.ts';
import { apiBaseUrl } from '../../../src/receivers/backbone_rest/api-client.ts';
import type { RestConfig } from '../../../src/receivers/backbone_rest/config.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

function load(body: string, env: Record<string, string> = {}): RestConfig {
  const config = loadConfigText(`
receivers:
  backbone_rest:
${body}
exporters:
  debug: {}
service:
  pipelines:
    metrics: { receivers: [backbone_rest], exporters: [debug] }
`, 'agent.yaml', registry, env);
  return config.receivers.get('backbone_rest')!.config as RestConfig;
}

function problems(body: string, env: Record<string, string> = {}): string {
  try {
    load(body, env);
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail('expected a configuration error');
}

const AUTH = `    auth:
      basic:
        username: monitor
        password: 12345`;

test('defaults as the issue gives them; an all-digit password is text', () => {
  const config = load(`    endpoint: https://jira.example.com/jira\n${AUTH}`);
  assert.deepEqual(config, {
    endpoint: 'https://jira.example.com/jira',
    auth: { basic: { username: 'monitor', password: '12345' } },
    project_keys: [],
    collection_interval: 30_000,
    timeout: 10_000,
    tls: { ca_file: '', insecure_skip_verify: false },
    max_concurrent_requests: 4,
    max_response_size: 16 * 1024 * 1024,
    health_check: true,
    headers: {},
    attributes: {},
  });
});

test('named instances are separate receivers', () => {
  const config = loadConfigText(`
receivers:
  backbone_rest/jira-a:
    endpoint: https://a.example.com
    auth: { bearer: { token: a } }
  backbone_rest/jira-b:
    endpoint: https://b.example.com
    auth: { bearer: { token: b } }
    attributes: { jira.instance: b }
exporters:
  debug: {}
service:
  pipelines:
    metrics: { receivers: [backbone_rest/jira-a, backbone_rest/jira-b], exporters: [debug] }
`, 'agent.yaml', registry, {});
  assert.deepEqual([...config.receivers.keys()], ['backbone_rest/jira-a', 'backbone_rest/jira-b']);
});

test('unknown keys, a missing auth, both auths, and credentials in the URL are errors', () => {
  assert.match(problems(`    endpoint: https://jira.example.com\n${AUTH}\n    colection_interval: 5s`),
    /unknown key "colection_interval" \(did you mean "collection_interval"\?\)/);
  assert.match(problems(`    endpoint: https://jira.example.com\n${AUTH}\n    tls:\n      ca: x`), /tls\.ca: unknown key "ca"; expected one of: ca_file, insecure_skip_verify/);
  assert.match(problems('    endpoint: https://jira.example.com'), /auth: missing: expected auth with either basic: \{ username, password \} or bearer: \{ token \}/);
  assert.match(problems(`    endpoint: https://jira.example.com\n${AUTH}\n      bearer:\n        token: t`), /exactly one of them/);
  const withCredentials = problems(`    endpoint: https://monitor:hunter2@jira.example.com\n${AUTH}`);
  assert.match(withCredentials, /the endpoint URL must not contain credentials: put them under auth/);
  assert.ok(!withCredentials.includes('hunter2'));
  assert.match(problems(`    endpoint: jira.example.com\n${AUTH}`), /expected an http:\/\/ or https:\/\/ URL/);
  assert.match(problems(`    endpoint: https://jira.example.com\n${AUTH}\n    project_keys: [AP, AP]`), /a project key is listed twice/);
  assert.match(problems(`    endpoint: https://jira.example.com\n${AUTH}\n    attributes: { backbone.integration: x }`), /must not redefine an attribute/);
  assert.match(problems('    endpoint: https://jira.example.com\n    auth:\n      bearer:\n        token: ${env:JIRA_TOKEN}'),
    /token: expected a personal access token, found an empty value \(value of \$\{env:JIRA_TOKEN\}; JIRA_TOKEN not set\)/);
});

test('tls.ca_file must be a readable PEM file', () => {
  const dir = tempDir();
  const notPem = path.join(dir, 'ca.der');
  writeFileSync(notPem, Buffer.from([0x30, 0x82, 0x01]));
  assert.match(problems(`    endpoint: https://jira.example.com\n${AUTH}\n    tls:\n      ca_file: ${path.join(dir, 'missing.pem')}`),
    /tls\.ca_file: cannot read .*missing\.pem: ENOENT/);
  assert.match(problems(`    endpoint: https://jira.example.com\n${AUTH}\n    tls:\n      ca_file: ${notPem}`), /holds no PEM certificate/);
});

test('the API path is appended to the Jira base URL, unless it is there already', () => {
  const api = 'plugins/servlet/backbone-issue-sync/api/1/';
  assert.equal(apiBaseUrl('https://jira.example.com').href, `https://jira.example.com/${api}`);
  assert.equal(apiBaseUrl('https://jira.example.com/jira/').href, `https://jira.example.com/jira/${api}`);
  assert.equal(apiBaseUrl(`https://jira.example.com/jira/${api}`).href, `https://jira.example.com/jira/${api}`);
  assert.equal(apiBaseUrl('https://jira.example.com/jira/plugins/servlet/backbone-issue-sync/api/1').href, `https://jira.example.com/jira/${api}`);
});
