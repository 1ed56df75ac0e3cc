// --env-file FILE (the packages' agent.env, which systemd reads for the service) for validate,
// print-config and doctor typed in a shell, and ${file:PATH} (Kubernetes secrets mounted as
// files, systemd credentials): the values arrive, and are never shown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from '../../src/config/env-file.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const dir = tempDir();
mkdirSync(path.join(dir, 'root'));

function cli(args: string[]) {
  // The variables must come from the file, not from the test's own environment.
  const env = { ...process.env };
  for (const name of ['DD_API_KEY', 'BACKBONE_ROOT', 'JIRA_TOKEN', 'OTLP_TENANT']) delete env[name];
  const result = spawnSync(process.execPath, ['--', CLI, ...args], { encoding: 'utf8', env, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const API_KEY = 'dd0123456789abcdef0123456789abcd';
const CONFIG = write('config.yaml', `receivers:
  backbone_folders:
    root: \${env:BACKBONE_ROOT}
exporters:
  datadog:
    api_key: \${env:DD_API_KEY}
  otlphttp:
    endpoint: http://127.0.0.1:4318
    headers:
      x-scope-orgid: \${file:secrets/tenant}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [datadog, otlphttp]
`);
mkdirSync(path.join(dir, 'secrets'));
write('secrets/tenant', 'tenant-4711\n');
const ENV_FILE = write('agent.env', `# Environment of backbone-otel-agent.service
; also a comment

DD_API_KEY="${API_KEY}"
BACKBONE_ROOT=${path.join(dir, 'root')}   
JIRA_TOKEN='a "quoted" token with $dollar'
`);

test('the syntax of a systemd EnvironmentFile: comments, quotes, escapes, line continuations', () => {
  const variables = parseEnvFile([
    '# comment', '; comment', '', '  PLAIN = value with  spaces  ', 'EMPTY=',
    'DOUBLE="a \\"b\\" \\\\ \\$HOME \\n"', "SINGLE='as \\n written'", 'MULTI="line one', 'line two"',
    'JOINED=one \\', 'two', 'CRLF=x\r', 'ESCAPED=a\\ b',
  ].join('\n'), 'agent.env');
  assert.deepEqual(Object.fromEntries(variables), {
    PLAIN: 'value with  spaces', EMPTY: '', DOUBLE: 'a "b" \\ $HOME \\n', SINGLE: 'as \\n written',
    MULTI: 'line one\nline two', JOINED: 'one two', CRLF: 'x', ESCAPED: 'a b',
  });
});

test('a line that is not VAR=value is an error with its line, without quoting the value', () => {
  const file = write('bad.env', `# ok\nDD_API_KEY=${API_KEY}\n1ST=x\njust a secret-looking line s3cr3t\nTOKEN="never closed\n`);
  const result = cli(['validate', '--config', CONFIG, '--env-file', file]);
  assert.equal(result.code, 2, result.stderr);
  assert.deepEqual(result.stderr.trim().split('\n'), [
    `invalid configuration in ${file}:`,
    `  ${file}:3:1: (top level): "1ST" is not a variable name: expected letters, digits and _, not starting with a digit`,
    `  ${file}:4:1: (top level): expected VAR=value (a line without "="); a comment starts with #`,
    `  ${file}:5:1: (top level): the value of TOKEN opens a double quote that is not closed`,
  ]);
  assert.doesNotMatch(result.stderr, /s3cr3t|never closed/);
  const both = cli(['validate', '--config', '-', '--env-file', '-']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /only one of --config and --env-file can be - \(stdin\)/);
  const missing = cli(['validate', '--config', CONFIG, '--env-file', path.join(dir, 'absent.env')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /absent\.env: \(top level\): cannot read the environment file: ENOENT/);
});

test('validate without --env-file says the variables are not set, and points at --env-file; with it the configuration is valid', () => {
  const without = cli(['validate', '--config', CONFIG]);
  assert.equal(without.code, 2);
  assert.match(without.stderr, /exporters\.datadog\.api_key: .*DD_API_KEY/);
  assert.match(without.stderr, /^note: variables that systemd sets for the service from its EnvironmentFile are not set here: add --env-file FILE/m);
  const withFile = cli(['validate', '--config', CONFIG, '--env-file', ENV_FILE]);
  assert.equal(withFile.code, 0, withFile.stderr);
  assert.match(withFile.stdout, /valid \(1 pipeline\(s\), 1 receiver\(s\), 2 exporter\(s\)\)/);
});

test('print-config shows values from --env-file and ${file:} as [REDACTED], whatever their key', () => {
  const result = cli(['print-config', '--config', CONFIG, '--env-file', ENV_FILE]);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout, new RegExp(`${API_KEY}|tenant-4711|${path.join(dir, 'root')}`));
  assert.match(result.stdout, /root: "\[REDACTED\]"/, 'a path from the environment file is not shown either');
  assert.match(result.stdout, /x-scope-orgid: "\[REDACTED\]"/);
  assert.match(result.stdout, /endpoint: http:\/\/127\.0\.0\.1:4318/, 'values written in the file are shown');
});

test('an error about a value from --env-file never quotes it', () => {
  const file = write('wrong.env', `DD_API_KEY=${API_KEY}\nBACKBONE_ROOT=${path.join(dir, 'root')}\nEVERY=soonish-${API_KEY}\n`);
  const config = write('every.yaml', `receivers:
  backbone_folders:
    root: \${env:BACKBONE_ROOT}
    collection_interval: \${env:EVERY}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [debug]
`);
  const result = cli(['validate', '--config', config, '--env-file', file]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /every\.yaml:4:26: receivers\.backbone_folders\.collection_interval: expected a duration .*\(value of \$\{env:EVERY\}\)/);
  assert.doesNotMatch(result.stderr, /soonish|dd0123/);
});

test('${file:PATH}: a file that is missing, too large or not text is an error at the value', () => {
  write('big', 'x'.repeat(70 * 1024));
  const config = write('files.yaml', `receivers:
  backbone_folders:
    root: \${file:${path.join(dir, 'absent')}}
    layout_file: x
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:4318
    headers:
      a: \${file:big}
      b: \${file:secrets}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [otlphttp]
`);
  const result = cli(['validate', '--config', config]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`files\\.yaml:3:11: receivers\\.backbone_folders\\.root: \\$\\{file:${path.join(dir, 'absent')}\\}: cannot read ${path.join(dir, 'absent')}: there is no such file`));
  assert.match(result.stderr, /files\.yaml:9:10: exporters\.otlphttp\.headers\.a: \$\{file:big\}: .*big is larger than 64 KiB/);
  assert.match(result.stderr, /files\.yaml:10:10: exporters\.otlphttp\.headers\.b: \$\{file:secrets\}: .*secrets is not a file/);
});

test('doctor takes --env-file too, and notes it when a variable is not set', () => {
  const config = write('doctor.yaml', `receivers:
  backbone_folders:
    root: \${env:BACKBONE_ROOT}
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [debug]
`);
  const without = cli(['doctor', '--config', config, '--json']);
  assert.equal(without.code, 2);
  assert.match(without.stderr, /BACKBONE_ROOT not set\)/);
  assert.match(without.stderr, /^note: variables that systemd sets for the service from its EnvironmentFile are not set here/m);
  const withFile = cli(['doctor', '--config', config, '--env-file', ENV_FILE, '--json']);
  assert.notEqual(withFile.code, 2, withFile.stderr);
  const report = JSON.parse(withFile.stdout) as unknown;
  assert.ok(JSON.stringify(report).includes(path.join(dir, 'root')), 'the doctor looked at the root from the environment file');
});
