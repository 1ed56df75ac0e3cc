// On a Node.js older than package.json's engines, every entry point (dist/cli.js: the package's
// bin, the systemd unit's ExecStart, the image's ENTRYPOINT) refuses at once with one line that
// names the Node found, the Node needed and how to get it, instead of doing nothing and exiting 0.
// The old Node is the machine's /usr/bin/node (Debian's nodejs package; .ci/run installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodeRequirementProblem, REQUIRED_NODE_RANGE, satisfiesRange } from '../../src/cli/node-requirement.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const OLD_NODE = '/usr/bin/node';
const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string>; engines: { node: string } };

/** The agent built as `npm run build` builds it, in a folder of its own beside a package.json. */
function build(dir: string): string {
  const result = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist')], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  copyFileSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  return path.join(dir, manifest.bin['backbone-otel']!);
}

let built = '';
// The folder is made at the top of the file (a tempDir() made inside a hook is removed when the
// hook ends); the build runs in a hook, so that a failed build fails the tests and the folder
// is still removed.
const buildDir = tempDir();
before(() => { built = build(buildDir); });

function run(node: string, args: string[]) {
  const result = spawnSync(node, [built, ...args], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function versionOf(node: string): string {
  return spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
}

test('the range is read from package.json engines, and compared part by part', () => {
  assert.equal(REQUIRED_NODE_RANGE, manifest.engines.node);
  assert.equal(satisfiesRange('20.20.2', '>=22.22'), false);
  assert.equal(satisfiesRange('22.21.9', '>=22.22'), false);
  assert.equal(satisfiesRange('22.22.0', '>=22.22'), true);
  assert.equal(satisfiesRange('24.1.0', '>=22.22'), true);
  assert.equal(satisfiesRange('100.0.0', '>=22.22'), true);
  assert.throws(() => satisfiesRange('24.0.0', '^22'), /engines\.node must read ">=MAJOR\.MINOR"/);
  assert.equal(nodeRequirementProblem(process.versions.node, process.execPath), undefined, 'the project\'s own Node runs it');
});

test('the built entry point runs the command line on the project\'s Node', () => {
  const result = run(process.execPath, ['--version']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^backbone-otel-agent \d+\.\d+\.\d+\n$/);
});

test('an older Node (the machine\'s /usr/bin/node) exits 2 at once with one line: found, needed, how to get it', () => {
  assert.ok(existsSync(OLD_NODE), `${OLD_NODE} is missing: install Debian's nodejs package (.ci/run does)`);
  const version = versionOf(OLD_NODE);
  if (satisfiesRange(version, manifest.engines.node)) {
    // A machine whose Node is recent enough: the guard must let it through, not refuse it.
    const result = run(OLD_NODE, ['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^backbone-otel-agent /);
    return;
  }
  for (const args of [['--version'], ['run', '--config', '/etc/backbone-otel-agent/config.yaml'], ['validate', '--config', 'x.yaml'], []]) {
    const result = run(OLD_NODE, args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '');
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, new RegExp(`Node\\.js ${version.replace(/\./g, '\\.')} \\(${OLD_NODE}\\), it needs Node\\.js ${manifest.engines.node}: install Node\\.js 24 \\(https://nodejs\\.org/`));
  }
});
