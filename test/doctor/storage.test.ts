// The agent's own storage folders: writable (probed with a file that is removed at once),
// creatable when missing, free space against what may be kept there; a folder this user may
// not write (as a service account, without root's capabilities) fails.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { check, type JsonReport, runCli, runDoctor, site, writeConfig, type Site } from './fixture.ts';

function config(s: Site, name: string, storage: { events?: string; queue?: string; maxSize?: string }): string {
  return writeConfig(s, name, `receivers:
  backbone_events:
    root: ${s.root}
${storage.events === undefined ? '' : `    storage: ${storage.events}\n`}exporters:
  debug: {}
${storage.queue === undefined ? '' : `  otlphttp:
    endpoint: http://127.0.0.1:1
    timeout: 2s
    storage: ${storage.queue}
${storage.maxSize === undefined ? '' : `    sending_queue: { max_size: ${storage.maxSize} }\n`}`}service:
  pipelines:
    metrics: { receivers: [backbone_events], exporters: [debug${storage.queue === undefined ? '' : ', otlphttp'}] }
`);
}

async function doctorJson(file: string): Promise<JsonReport> {
  return JSON.parse((await runDoctor({ config: file, json: true })).out) as JsonReport;
}

test('an existing folder is writable (and the probe is gone), a missing one can be created, both with free space', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const state = path.join(s.work, 'state');
  mkdirSync(state);
  const queue = path.join(s.work, 'not-yet', 'queue');
  const report = await doctorJson(config(s, 'ok.yaml', { events: state, queue }));
  const existing = check(report, `storage.${state}`);
  assert.equal(existing.status, 'ok');
  assert.match(existing.message, /^.*\/state: [\d.]+ [KMGT]iB free, writable \(backbone_events checkpoint\)\.$/);
  assert.deepEqual(readdirSync(state), [], 'the probe file was removed');
  const missing = check(report, `storage.${queue}`);
  assert.equal(missing.status, 'ok');
  assert.match(missing.message, /\/not-yet\/queue: [\d.]+ [KMGT]iB free, creatable \(otlphttp queue\)\.$/);
});

test('less free space than the disk queue may take: a warning', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const queue = path.join(s.work, 'queue');
  const warned = check(await doctorJson(config(s, 'small.yaml', { events: path.join(s.work, 'state'), queue, maxSize: '900000GiB' })), `storage.${queue}`);
  assert.equal(warned.status, 'warn');
  assert.match(warned.message, /less than the 879 TiB it may need\.$/);
  assert.match(warned.fix!, /lower sending_queue\.max_size of otlphttp\.$/);
});

test('no storage for backbone_events: a warning; a file where a folder belongs: FAIL', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const report = await doctorJson(config(s, 'none.yaml', {}));
  const warned = check(report, 'storage.backbone_events');
  assert.equal(warned.status, 'warn');
  assert.match(warned.message, /moves made while the agent is stopped are not reported after a restart/);

  const file = path.join(s.work, 'a-file');
  writeFileSync(file, 'x');
  const failed = check(await doctorJson(config(s, 'file.yaml', { events: file })), `storage.${file}`);
  assert.equal(failed.status, 'fail');
  assert.match(failed.message, /is a file, not a folder/);
});

test('a folder the agent\'s user may not write: FAIL with the fix, exit 1', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const state = path.join(s.work, 'read-only');
  mkdirSync(state);
  chmodSync(state, 0o555);
  try {
    const run = await runCli(['doctor', '--config', config(s, 'ro.yaml', { events: state }), '--json'], {}, { dropDac: true });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const failed = check(JSON.parse(run.stdout) as JsonReport, `storage.${state}`);
    assert.equal(failed.status, 'fail');
    assert.match(failed.message, / \(backbone_events checkpoint\): \S+ \(uid \d+\) cannot write there \(EACCES\)\.$/);
    assert.match(failed.fix!, /write access \(chown\), or choose a folder of its own/);
  } finally {
    chmodSync(state, 0o755);
  }
});
