// The systemd unit with systemd's own tool (Debian's systemd package, installed by .ci/run
// when missing): `systemd-analyze verify` must accept it without a single warning, and
// `systemd-analyze security --offline` must rate its exposure 2.0 or lower. Then what the
// agent needs from it: the hardening the issue asks for, the configuration and the
// environment file where the install notes put them, a state directory that matches the
// configurations' default, a memory ceiling from the measured RSS, no restart loop on a
// configuration error (exit code 2), and an environment file naming every variable of the
// example configurations. The Data Center drop-in (data-center.conf) likewise: verify and
// security with it, a static user instead of a dynamic one, and the lease folder of
// config/examples/data-center.yaml writable, nothing else.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { tempDir } from '../helpers/temp-dir.ts';
import { REPO } from './support/agent-child.ts';
import { envReferences } from './support/config-check.ts';
import { runTool } from './support/tools.ts';

const DIR = path.join(REPO, 'deploy', 'systemd');
const UNIT = 'backbone-otel-agent.service';
const DROP_IN = 'data-center.conf';
const MEASURED_RSS_MIB = 330; // the built agent, folders and file watcher on 43,700 message files (docs/operations.md, sizing)

/** The unit's settings: section -> key -> every value given (a key may repeat). */
function readUnit(file: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(current && eq > 0, `a setting inside a section: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

const unit = readUnit(path.join(DIR, UNIT));
const service = unit.get('Service')!;
const one = (key: string) => {
  const values = service.get(key);
  assert.ok(values && values.length > 0, `[Service] ${key}= is set`);
  return values.at(-1)!;
};

test('systemd-analyze verify accepts the unit without a warning', () => {
  // A copy in a folder of its own, so that nothing else there is read as a unit.
  const dir = tempDir('backbone-systemd-');
  copyFileSync(path.join(DIR, UNIT), path.join(dir, UNIT));
  const result = runTool('systemd-analyze', ['verify', path.join(dir, UNIT)], { cwd: dir });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  // Unknown keys and bad values are only warnings to verify: none is allowed here.
  assert.equal((result.stdout + result.stderr).trim(), '');
});

test('systemd-analyze security rates the unit\'s exposure 2.0 or lower', () => {
  const dir = tempDir('backbone-systemd-');
  copyFileSync(path.join(DIR, UNIT), path.join(dir, UNIT));
  // --threshold counts in tenths: 20 is an exposure level of 2.0 ("OK").
  const result = runTool('systemd-analyze', ['security', '--offline=true', '--threshold=20', '--no-pager', path.join(dir, UNIT)], { cwd: dir });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /Overall exposure level for backbone-otel-agent\.service: (?:[01]\.\d|2\.0) /);
});

test('hardening: read-only file system and JIRA_HOME, no new privileges, no capabilities, its own state directory', () => {
  assert.equal(one('ProtectSystem'), 'strict');
  assert.equal(one('NoNewPrivileges'), 'yes');
  assert.equal(one('CapabilityBoundingSet'), '');
  assert.equal(one('PrivateTmp'), 'yes');
  assert.equal(one('DynamicUser'), 'yes');
  assert.ok(service.get('ReadOnlyPaths')!.some((p) => p.replace(/^-/, '') === '/var/atlassian/application-data/jira'), 'JIRA_HOME read-only');
  assert.equal(service.get('ReadWritePaths'), undefined, 'nothing writable but the state directory');
  assert.equal(one('StateDirectory'), 'backbone-otel-agent');
  assert.equal(service.get('MemoryDenyWriteExecute'), undefined, 'Node.js needs writable executable memory for its JIT');
  assert.equal(service.get('PrivateUsers'), undefined, 'a user namespace would hide the group that may read JIRA_HOME');
});

test('the configuration, the environment file and the state directory are where the configurations expect them', () => {
  const exec = one('ExecStart').split(/\s+/);
  assert.equal(exec[0], '/usr/bin/node');
  // The built JavaScript, as the package's bin: type stripping would cost ~22 MB RSS.
  assert.deepEqual(exec.slice(1), ['/opt/backbone-otel-agent/dist/cli.js', 'run', '--config', '/etc/backbone-otel-agent/config.yaml']);
  const bin = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
  assert.equal(`/opt/backbone-otel-agent/${bin['backbone-otel']!.replace(/^\.\//, '')}`, exec[1]);
  assert.equal(one('ConfigurationDirectory'), 'backbone-otel-agent');
  assert.equal(one('EnvironmentFile'), '-/etc/backbone-otel-agent/agent.env');
  // The examples keep their checkpoint in ${env:STATE_DIRECTORY:-/var/lib/backbone-otel-agent}: systemd sets it to this.
  const examples = readdirSync(path.join(REPO, 'config', 'examples')).filter((f) => f.endsWith('.yaml'));
  for (const file of examples) {
    for (const reference of envReferences(readFileSync(path.join(REPO, 'config', 'examples', file), 'utf8'))) {
      if (reference.name === 'STATE_DIRECTORY') assert.equal(reference.fallback, `/var/lib/${one('StateDirectory')}`, file);
    }
  }
});

test('a configuration error (exit code 2) is not restarted in a loop; a crash is; stopping leaves time to flush', () => {
  assert.equal(one('Restart'), 'on-failure');
  assert.equal(one('RestartPreventExitStatus'), '2');
  assert.match(readFileSync(path.join(REPO, 'src', 'cli.ts'), 'utf8'), /const EXIT_CONFIG = 2;/);
  const seconds = Number(/^(\d+)s$/.exec(one('TimeoutStopSec'))?.[1]);
  assert.ok(seconds > 10, 'more than service.shutdown_timeout\'s default of 10 s');
});

test('MemoryMax leaves room above the measured RSS', () => {
  const max = /^(\d+)M$/.exec(one('MemoryMax'));
  assert.ok(max, 'MemoryMax in megabytes');
  assert.ok(Number(max[1]) >= MEASURED_RSS_MIB * 1.25);
});

test('agent.env names every variable of the example configurations', () => {
  const text = readFileSync(path.join(DIR, 'agent.env'), 'utf8');
  const named = new Set([...text.matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
  for (const line of text.split('\n')) {
    if (line.trim() !== '' && !line.startsWith('#')) assert.match(line, /^[A-Z][A-Z0-9_]*=\S*$/, `a VAR=value line: ${line}`);
  }
  const missing = new Set<string>();
  for (const file of readdirSync(path.join(REPO, 'config', 'examples')).filter((f) => f.endsWith('.yaml'))) {
    for (const reference of envReferences(readFileSync(path.join(REPO, 'config', 'examples', file), 'utf8'))) {
      // systemd sets STATE_DIRECTORY itself (StateDirectory=).
      if (reference.name !== 'STATE_DIRECTORY' && !named.has(reference.name)) missing.add(`${reference.name} (${file})`);
    }
  }
  assert.deepEqual([...missing], []);
});

/** The unit and the Data Center drop-in, as installed (unit.d/), in a folder of their own; `extra` is appended to the drop-in. */
function withDropIn(extra = ''): { dir: string; unitFile: string } {
  const dir = tempDir('backbone-systemd-');
  copyFileSync(path.join(DIR, UNIT), path.join(dir, UNIT));
  mkdirSync(path.join(dir, `${UNIT}.d`));
  writeFileSync(path.join(dir, `${UNIT}.d`, DROP_IN), readFileSync(path.join(DIR, DROP_IN), 'utf8') + extra);
  return { dir, unitFile: path.join(dir, UNIT) };
}

test('Data Center drop-in: systemd-analyze verify accepts the unit with it, without a warning (and does read it)', () => {
  const { dir, unitFile } = withDropIn();
  const result = runTool('systemd-analyze', ['verify', unitFile], { cwd: dir });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.equal((result.stdout + result.stderr).trim(), '');
  // The check is not a no-op: verify reads the drop-in from beside the unit.
  const broken = withDropIn('NotASetting=yes\n');
  const warned = runTool('systemd-analyze', ['verify', broken.unitFile], { cwd: broken.dir });
  assert.match(warned.stdout + warned.stderr, new RegExp(`${DROP_IN}:\\d+: Unknown key 'NotASetting'`));
});

test('Data Center drop-in: systemd-analyze security still rates the exposure 2.0 or lower', () => {
  const { dir, unitFile } = withDropIn();
  const result = runTool('systemd-analyze', ['security', '--offline=true', '--threshold=20', '--no-pager', unitFile], { cwd: dir });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /User=\/DynamicUser=\s+Service runs under a static non-root user identity/);
  assert.match(result.stdout, /Overall exposure level for backbone-otel-agent\.service: (?:[01]\.\d|2\.0) /);
});

test('Data Center drop-in: a static user, and writable only the lease folder of data-center.yaml', () => {
  const dropIn = readUnit(path.join(DIR, DROP_IN));
  const settings = dropIn.get('Service')!;
  const get = (key: string) => settings.get(key) ?? [];
  assert.deepEqual(get('DynamicUser'), ['no']);
  const [user] = get('User');
  assert.ok(user && !/^(root|0)$/.test(user), 'a static non-root user');
  // DynamicUser=yes implied it; the unit sets the rest of what it implied itself.
  assert.deepEqual(get('RemoveIPC'), ['yes']);
  for (const [key, value] of [['PrivateTmp', 'yes'], ['ProtectSystem', 'strict'], ['NoNewPrivileges', 'yes'], ['RestrictSUIDSGID', 'yes']]) {
    assert.equal(one(key!), value, `${key} in the unit`);
  }
  // data-center.yaml with its defaults (JIRA_SHARED_HOME unset): the lease folder and the Backbone root.
  const example = parse(readFileSync(path.join(REPO, 'config', 'examples', 'data-center.yaml'), 'utf8').replace(
    /\$\{env:[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}/g, '$1')) as {
    extensions: { leader_election: { lease_dir: string } }; receivers: Record<string, { root?: string }>;
  };
  const leaseDir = example.extensions.leader_election.lease_dir;
  assert.deepEqual(get('ReadWritePaths'), [leaseDir], 'the lease folder, and nothing else, is writable');
  for (const [id, receiver] of Object.entries(example.receivers)) {
    if (receiver.root === undefined) continue;
    assert.ok(!`${receiver.root}/`.startsWith(`${leaseDir}/`) && !`${leaseDir}/`.startsWith(`${receiver.root}/`), `${id}: the Backbone root lies apart from the lease folder`);
  }
  // The shared home is mounted before the agent starts.
  const [mounts] = dropIn.get('Unit')?.get('RequiresMountsFor') ?? [];
  assert.ok(mounts && leaseDir.startsWith(`${mounts}/`), `RequiresMountsFor= the shared home, which holds ${leaseDir}`);
});
