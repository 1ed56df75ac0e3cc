// config/agent.yaml, the README's starting point for a real Jira, is a real one: the three
// receivers (the file watcher with its checkpoint, the REST poller with credentials from the
// environment), the OTLP exporter with its disk queue, the health check, and no debug exporter.
// It validates through the real command line with what a user sets, and names what is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const FILE = fileURLToPath(new URL('../../config/agent.yaml', import.meta.url));
const USER_SETS = { JIRA_BASE_URL: 'https://jira.example.com/jira', JIRA_TOKEN: 'NjQ2MzM0-example-token', OTLP_ENDPOINT: 'http://otel.example.com:4318' };

function validate(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [CLI, 'validate', '--config', FILE], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
  return { code: result.status, out: result.stdout + result.stderr };
}

interface Shape {
  receivers: Record<string, { storage?: string; auth?: { bearer?: { token?: string } } }>;
  exporters: Record<string, { storage?: string }>;
  extensions: Record<string, unknown>;
  service: { extensions: string[]; pipelines: Record<string, { receivers: string[]; exporters: string[] }> };
}

test('config/agent.yaml: three receivers, OTLP with a disk queue, the health check, no debug exporter', () => {
  const config = parse(readFileSync(FILE, 'utf8')) as Shape;
  assert.deepEqual(Object.keys(config.receivers).sort(), ['backbone_events', 'backbone_folders', 'backbone_rest']);
  assert.match(config.receivers.backbone_events!.storage ?? '', /\$\{env:STATE_DIRECTORY/, 'the watcher keeps its checkpoint');
  assert.equal(config.receivers.backbone_rest!.auth?.bearer?.token, '${env:JIRA_TOKEN}', 'credentials from the environment, never in the file');
  assert.deepEqual(Object.keys(config.exporters), ['otlphttp']);
  assert.ok(config.exporters.otlphttp!.storage, 'the OTLP exporter queues on disk');
  assert.ok('health_check' in config.extensions && config.service.extensions.includes('health_check'));
  for (const [id, pipeline] of Object.entries(config.service.pipelines)) {
    assert.ok(!pipeline.exporters.some((e) => e.split('/')[0] === 'debug'), `${id} has no debug exporter`);
    assert.deepEqual([...pipeline.receivers].sort(), ['backbone_events', 'backbone_folders', 'backbone_rest'], id);
  }
});

test('config/agent.yaml validates with what a user sets, and names JIRA_TOKEN when it is not set', () => {
  const valid = validate(USER_SETS);
  assert.equal(valid.code, 0, valid.out);
  assert.match(valid.out, /valid \(2 pipeline\(s\), 3 receiver\(s\), 1 exporter\(s\)\)/);
  const { JIRA_TOKEN: _unset, ...withoutToken } = USER_SETS;
  const missing = validate(withoutToken);
  assert.equal(missing.code, 2, missing.out);
  assert.match(missing.out, /receivers\.backbone_rest\.auth\.bearer\.token: .*JIRA_TOKEN not set/);
});
