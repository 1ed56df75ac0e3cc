// The bad-input corpus: configuration files (test/config/bad-input/*.yaml, each saying in its
// first comment lines the exit code and the lines it must print) and command lines
// (bad-input/cli-lines.txt), all run through the real command line in a child process. Each
// must give its exit code and message, and none may print a stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MAX_CONFIG_BYTES } from '../../src/config/read-config-file.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const CORPUS = fileURLToPath(new URL('./bad-input/', import.meta.url));
const dir = tempDir();

function cli(args: string[]) {
  // Only PATH: no variable of the machine may change what a file means.
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertNoStack(output: string, what: string): void {
  assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, `${what}: a stack trace`);
  assert.doesNotMatch(output, /\b(ReferenceError|TypeError|RangeError)\b/, `${what}: a raw JavaScript error`);
}

interface Expectation { exit: number; lines: string[]; absent: string[] }

function expectationOf(file: string): Expectation {
  const header = readFileSync(file, 'latin1').split('\n').filter((line) => line.startsWith('#'));
  const exit = header.map((line) => /^# expect exit: (\d+)$/.exec(line)?.[1]).find((code) => code !== undefined);
  assert.ok(exit !== undefined, `${file}: no "# expect exit:" line`);
  const pick = (tag: string) => header.filter((line) => line.startsWith(`# ${tag}: `)).map((line) => line.slice(tag.length + 4));
  return { exit: Number(exit), lines: pick('expect'), absent: pick('absent') };
}

const files = readdirSync(CORPUS).filter((name) => name.endsWith('.yaml')).sort();

test('the corpus has its cases', () => {
  assert.ok(files.length >= 15, `only ${files.length} configuration files in ${CORPUS}`);
});

for (const name of files) {
  test(`bad configuration: ${name}`, () => {
    const file = path.join(CORPUS, name);
    const expected = expectationOf(file);
    for (const command of ['validate', 'run']) {
      const result = cli([command, '--config', file]);
      assert.equal(result.code, expected.exit, `${command}: ${result.stdout}${result.stderr}`);
      const stderr = result.stderr.replaceAll(CORPUS, '');
      for (const line of expected.lines) assert.ok(stderr.includes(line), `${command} ${name}: expected\n  ${line}\nin\n${stderr}`);
      for (const secret of expected.absent) assert.ok(!(result.stdout + result.stderr).includes(secret), `${name}: ${secret} was echoed`);
      assertNoStack(result.stdout + result.stderr, name);
    }
  });
}

test(`bad configuration: a file larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB is refused before it is parsed`, () => {
  const file = path.join(dir, 'oversized.yaml');
  writeFileSync(file, `receivers: {}\n${'# padding\n'.repeat(MAX_CONFIG_BYTES / 10 + 1)}`);
  const result = cli(['validate', '--config', file]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /oversized\.yaml: \(top level\): the file is 4\.0 MiB; a configuration may be at most 4 MiB/);
  assertNoStack(result.stderr, 'oversized');
});

const CONFIG = path.join(dir, 'valid.yaml');
writeFileSync(CONFIG, `receivers:
  backbone_folders:
    root: ${dir}
exporters:
  prometheus:
    endpoint: 127.0.0.1:9464
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [prometheus] }
`);

const lines = readFileSync(path.join(CORPUS, 'cli-lines.txt'), 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

for (const line of lines) {
  test(`command line: ${line}`, () => {
    const [code, args, expected] = line.split(' | ').map((part) => part.trim()) as [string, string, string];
    const result = cli(args.split(/\s+/).filter((arg) => arg !== '').map((arg) => (arg === 'CONFIG' ? CONFIG : arg)));
    assert.equal(result.code, Number(code), `${args}: ${result.stdout}${result.stderr}`);
    const [stream, text] = expected.startsWith('stdout: ') ? [result.stdout, expected.slice(8)] : [result.stderr, expected];
    assert.ok(stream.includes(text), `${args}: expected "${text}" in\n${stream}`);
    assertNoStack(result.stdout + result.stderr, args);
  });
}
