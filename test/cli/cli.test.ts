// The command line as users run it: a separate process, its exit codes and its output.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTree } from '../../src/simulator/backbone-tree.ts';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const dir = tempDir();

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configFile(name: string, yaml: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

test('--version and --help exit 0', () => {
  assert.match(cli(['--version']).stdout, /^backbone-otel-agent \d+\.\d+\.\d+\n$/);
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /backbone-otel validate --config FILE/);
});

test('validate: a broken configuration exits 2 and names key path and line', () => {
  const file = configFile('broken.yaml', `receivers:
  backbone_folders:
    root: /r
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:4318
    encoding: xml
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp] }
`);
  const result = cli(['validate', '--config', file]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /broken\.yaml:7:15: exporters\.otlphttp\.encoding: expected one of protobuf \| json, found "xml"/);
  assert.equal(cli(['run', '--config', file]).code, 2, 'run refuses it too');
  assert.equal(cli(['validate', '--config', path.join(dir, 'absent.yaml')]).code, 2);
  assert.equal(cli(['validate']).code, 2, 'no --config');
  assert.equal(cli(['frobnicate']).code, 2, 'unknown command');
});

test('validate: the shipped configurations are valid', () => {
  for (const file of ['config/agent.yaml', 'config/demo.yaml']) {
    const result = cli(['validate', '--config', fileURLToPath(new URL(`../../${file}`, import.meta.url))], {
      BACKBONE_ROOT: path.join(dir, 'root'), BACKBONE_EVENTS_STORAGE: path.join(dir, 'state'),
      JIRA_BASE_URL: 'https://jira.example.com/jira', JIRA_USER: 'monitor', JIRA_PASSWORD: 'secret', JIRA_TOKEN: 'token',
      STATE_DIRECTORY: path.join(dir, 'state'),
    });
    assert.equal(result.code, 0, `${file}: ${result.stderr}`);
  }
});

test('print-config shows the resolved configuration and no secret', () => {
  const file = configFile('secrets.yaml', `receivers:
  backbone_folders:
    root: \${env:ROOT}
exporters:
  otlphttp:
    endpoint: https://otlp.example.com
    headers:
      dd-api-key: \${env:DD_API_KEY}
      Authorization: "Basic dXNlcjpodW50ZXIy"
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp] }
`);
  const result = cli(['print-config', '--config', file], { ROOT: '/srv/jira', DD_API_KEY: 'abcdef0123456789secret' });
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout, /abcdef0123456789secret|dXNlcjpodW50ZXIy/);
  assert.match(result.stdout, /dd-api-key: "?\[REDACTED\]"?/);
  assert.match(result.stdout, /root: \/srv\/jira/);
  assert.match(result.stdout, /collection_interval: 30s/, 'durations are written back as durations');
  assert.match(result.stdout, /encoding: protobuf/, 'defaults are filled in');
});

test('components lists every type with its stability', () => {
  const result = cli(['components']);
  assert.equal(result.code, 0);
  for (const type of ['backbone_folders', 'otlphttp', 'prometheus', 'debug']) assert.match(result.stdout, new RegExp(`\\b${type}\\b`));
});

test('run: a port already in use exits 1 with a clear message', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const file = configFile('busy.yaml', `receivers:
  backbone_folders: { root: ${dir} }
exporters:
  prometheus: { endpoint: "127.0.0.1:${port}" }
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [prometheus] }
`);
  const result = cli(['run', '--config', file]);
  blocker.close();
  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
});

test('run: SIGTERM flushes what is pending and exits 0', async () => {
  const receiver = await new OtlpReceiver().start();
  const root = path.join(dir, 'tree');
  buildTree(root, { seed: 3, integrations: 1, projectsPerIntegration: 1, layout: 'nested' });
  const file = configFile('run.yaml', `receivers:
  backbone_folders: { root: ${root}, collection_interval: 1h }
exporters:
  otlphttp: { endpoint: "${receiver.url}" }
  prometheus: { endpoint: "127.0.0.1:${await freePort()}" }
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp, prometheus] }
`);
  const child = spawn(process.execPath, [CLI, 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  await waitFor(() => stderr.includes('agent started'), 'the agent to start');
  assert.equal(receiver.points.length, 0, 'nothing is sent before the (hour-long) export interval');
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, stderr);
  assert.ok(receiver.latest('backbone.folder.messages').length > 0, 'the pending metrics were sent on the way out');
  await receiver.stop();
});
