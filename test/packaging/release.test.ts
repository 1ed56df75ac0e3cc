// The release (scripts/package.ts) built once for this file, with the lowest compression
// levels: the linux-x64 tarball, .deb and .rpm, and the linux-arm64 .rpm (a foreign
// architecture: nothing may strip or scan its Node.js). Then each is used as an admin would:
// the tarball's bin/backbone-otel with an old Node.js first on the PATH; the .deb installed on
// this machine with dpkg -i (as root, as CI runs; every file where the package says, the unit
// through systemd-analyze, the user in JIRA_HOME's group, not started), upgraded to a rebuilt
// package with the admin's edits kept, then removed and purged (the test removes whatever it
// installed, also when it fails); the .rpm's metadata, file list, scriptlets and config flags
// read with rpm -qp.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO } from '../deploy/support/agent-child.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { readManifest } from '../../scripts/package/app-tree.ts';
import { type Release, buildRelease } from '../../scripts/package/release.ts';
import { ok, requireTools, sh } from './support/system.ts';

const manifest = readManifest(REPO);
const VERSION = manifest.version;
const UPGRADE_VERSION = `${VERSION}+test.1`;
const PACKAGE = 'backbone-otel-agent';
const USER = 'backbone-otel';
const NODE_MAJOR = manifest.devDependencies.node!.split('.')[0]!;
const isRoot = process.getuid?.() === 0;
const ROOT_ONLY = isRoot ? {} : { skip: 'installing a .deb needs root: run as root (CI does)' };

const work = tempDir('backbone-packaging-');
let x64: Release;
let arm64: Release;
const file = (release: Release, suffix: string) => {
  const found = release.artifacts.find((a) => a.file.endsWith(suffix));
  assert.ok(found, `${suffix} built`);
  return found.file;
};

before(async () => {
  requireTools(['dpkg-deb', 'rpmbuild', 'rpm', 'systemd-analyze']);
  x64 = await buildRelease({ repo: REPO, out: path.join(work, 'release-x64'), work: path.join(work, 'build'), fast: true, arches: ['x64'] });
  arm64 = await buildRelease({ repo: REPO, out: path.join(work, 'release-arm64'), work: path.join(work, 'build'), fast: true, arches: ['arm64'], formats: ['rpm'] });
});

/** A folder whose `node` is this machine's old /usr/bin/node (Debian's is 20), or one that only fails. */
function oldNodeFirstOnPath(): string {
  const dir = path.join(tempDir('backbone-old-node-'), 'bin');
  mkdirSync(dir);
  const system = sh('/usr/bin/node', ['--version']);
  if (system.status === 0 && Number(/^v(\d+)/.exec(system.stdout)?.[1]) < 22) symlinkSync('/usr/bin/node', path.join(dir, 'node'));
  else writeFileSync(path.join(dir, 'node'), '#!/bin/sh\necho "not the bundled Node.js" >&2\nexit 97\n', { mode: 0o755 });
  const onPath = sh('node', ['--version'], { env: { PATH: `${dir}:/usr/bin:/bin` } });
  assert.ok(!onPath.stdout.startsWith(`v${NODE_MAJOR}.`), `the PATH's node is not Node.js ${NODE_MAJOR}: ${onPath.stdout}${onPath.stderr}`);
  return `${dir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
}

/** The ELF machine of a binary: 0x3e x86-64, 0xb7 AArch64. */
function elfMachine(binary: string): number {
  const header = Buffer.alloc(20);
  const fd = openSync(binary, 'r');
  readSync(fd, header, 0, 20, 0);
  closeSync(fd);
  assert.equal(header.subarray(0, 4).toString('latin1'), '\x7fELF');
  return header.readUInt16LE(18);
}

function sha256(of: string): string {
  return createHash('sha256').update(readFileSync(of)).digest('hex');
}

test('release/ has the files the issue names, and SHA256SUMS checks them', (t) => {
  const names = (release: Release) => release.artifacts.map((a) => path.basename(a.file));
  assert.deepEqual(names(x64), [`${PACKAGE}-${VERSION}-linux-x64.tar.gz`, `${PACKAGE}_${VERSION}_amd64.deb`, `${PACKAGE}-${VERSION}-1.x86_64.rpm`]);
  assert.deepEqual(names(arm64), [`${PACKAGE}-${VERSION}-1.aarch64.rpm`]);
  const out = path.dirname(x64.checksums);
  assert.deepEqual(readdirSync(out).sort(), [...names(x64), 'SHA256SUMS'].sort());
  assert.match(ok('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out }), new RegExp(`${PACKAGE}_${VERSION}_amd64\\.deb: OK`));
  writeFileSync(path.join(out, 'tampered'), '');
  appendFileSync(path.join(out, 'SHA256SUMS'), `${'0'.repeat(64)}  tampered\n`);
  assert.notEqual(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out }).status, 0, 'a file that does not match fails the check');
  for (const artifact of [...x64.artifacts, ...arm64.artifacts]) t.diagnostic(`${path.basename(artifact.file)}: ${(artifact.bytes / 1024 / 1024).toFixed(1)} MiB (test build, fastest compression)`);
});

test('the tarball: the built agent, production dependencies and Node.js 24, nothing for development', () => {
  const entries = ok('tar', ['-tzvf', file(x64, '.tar.gz')]).trim().split('\n');
  const top = `${PACKAGE}-${VERSION}-linux-x64/`;
  const paths = entries.map((line) => line.slice(line.indexOf(top)).replace(/ -> .*$/, ''));
  assert.ok(paths.every((p) => p.startsWith(top)), 'everything in one top folder named like the file');
  for (const line of entries) assert.match(line, /^\S+ 0\/0 /, 'owned by root');
  const has = (p: string) => paths.includes(`${top}${p}`);
  for (const expected of ['bin/backbone-otel', 'runtime/node', 'runtime/LICENSE', manifest.bin['backbone-otel']!.replace(/^\.\//, ''), 'package.json', 'config/examples/otel-collector.yaml', 'docs/operations.md', 'systemd/backbone-otel-agent.service', 'systemd/package.conf']) {
    assert.ok(has(expected), `${expected} in the tarball`);
  }
  assert.match(entries.find((l) => l.endsWith(`${top}bin/backbone-otel`))!, /^-rwxr-xr-x /);
  for (const dependency of Object.keys(manifest.dependencies)) assert.ok(has(`node_modules/${dependency}/package.json`), `${dependency} (a production dependency)`);
  for (const dependency of Object.keys(manifest.devDependencies)) assert.ok(!has(`node_modules/${dependency}/package.json`), `${dependency} is a dev dependency`);
  const unwanted = paths.map((p) => p.slice(top.length)).filter((p) => /\.(map|ts|mts|cts)$/.test(p) || /^(src|test)\//.test(p) || /\/(tests?|__tests__)\//.test(p) || p.includes('/.bin/'));
  assert.deepEqual(unwanted, [], 'no source maps, TypeScript, sources or tests');
});

test('the tarball\'s bin/backbone-otel runs its own Node.js, with an old node first on the PATH, also through a symlink', () => {
  const dir = tempDir('backbone-tarball-');
  ok('tar', ['-xzf', file(x64, '.tar.gz'), '-C', dir]);
  const tree = path.join(dir, `${PACKAGE}-${VERSION}-linux-x64`);
  const env = { PATH: oldNodeFirstOnPath(), HOME: dir };
  assert.equal(elfMachine(path.join(tree, 'runtime', 'node')), 0x3e);
  assert.equal(ok(path.join(tree, 'runtime', 'node'), ['--version']).trim(), `v${x64.nodeVersion}`);
  assert.equal(x64.nodeVersion.split('.')[0], NODE_MAJOR, 'the Node.js of the node dev dependency');

  assert.equal(ok(path.join(tree, 'bin', 'backbone-otel'), ['--version'], { env }).trim(), `${PACKAGE} ${VERSION}`);
  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, readFileSync(path.join(REPO, 'deploy', 'packaging', 'config.yaml')));
  assert.match(ok(path.join(tree, 'bin', 'backbone-otel'), ['validate', '--config', config], { env }), /valid/);
  // As /usr/bin/backbone-otel calls it: a symlink elsewhere.
  const link = path.join(dir, 'backbone-otel');
  symlinkSync(path.join(tree, 'bin', 'backbone-otel'), link);
  assert.equal(ok(link, ['--version'], { env }).trim(), `${PACKAGE} ${VERSION}`);
  // The agent does run (and answers): a broken configuration is exit 2 with the line.
  writeFileSync(config, readFileSync(path.join(REPO, 'deploy', 'packaging', 'config.yaml'), 'utf8').replace('collection_interval: 30s', 'collection_interval: soon'));
  const broken = sh(link, ['validate', '--config', config], { env });
  assert.equal(broken.status, 2, broken.stdout + broken.stderr);
  assert.match(broken.stderr + broken.stdout, /collection_interval/);
});

test('the .deb: its control fields, conffiles and maintainer scripts', () => {
  const deb = file(x64, '.deb');
  const field = (name: string) => ok('dpkg-deb', ['-f', deb, name]).trim();
  assert.equal(field('Package'), PACKAGE);
  assert.equal(field('Version'), VERSION);
  assert.equal(field('Architecture'), 'amd64');
  assert.match(field('Depends'), /libc6 \(>= 2\.28\)/);
  const control = tempDir('backbone-deb-control-');
  ok('dpkg-deb', ['-e', deb, control]);
  assert.deepEqual(readFileSync(path.join(control, 'conffiles'), 'utf8').trim().split('\n'), ['/etc/backbone-otel-agent/config.yaml', '/etc/backbone-otel-agent/agent.env']);
  for (const script of ['postinst', 'prerm', 'postrm']) {
    const text = readFileSync(path.join(control, script), 'utf8');
    assert.ok(!text.includes('@COMMON@'), `${script}: the shared functions are inlined`);
    assert.equal(sh('sh', ['-n', path.join(control, script)]).status, 0, `${script} is valid sh`);
    assertNeverStarts(text);
  }
});

/** No script enables or starts the service: the only such line is the advice printed after the first install. */
function assertNeverStarts(scripts: string): void {
  const lines = scripts.split('\n').filter((line) => /systemctl\s+(enable|start|restart)\b/.test(line));
  assert.ok(lines.every((line) => line === '  systemctl enable --now backbone-otel-agent'), lines.join('\n'));
}

// --- Installed on this machine ---------------------------------------------------------
const testGroup = `bbjira${process.pid}`;
let userExisted = true;
let installed = false;

interface DebEntry { perms: string; owner: string; path: string; target: string | undefined }
function debEntries(deb: string): DebEntry[] {
  return ok('dpkg-deb', ['-c', deb]).trim().split('\n').map((line) => {
    const match = /^(\S+)\s+(\S+)\s+\d+\s+\S+\s+\S+\s+\.(\/.*?)(?: -> (.*))?$/.exec(line);
    assert.ok(match, line);
    return { perms: match[1]!, owner: match[2]!, path: match[3]!.replace(/(.)\/$/, '$1'), target: match[4] };
  });
}

function permsOf(file: string): string {
  const stat = lstatSync(file);
  const kind = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  return kind + [...bits].map((c, i) => (stat.mode & (1 << (8 - i)) ? c : '-')).join('');
}

function dpkgStatus(): string {
  return sh('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}${Version}', PACKAGE]).stdout.trim();
}

after(() => {
  if (!isRoot) return;
  if (installed || dpkgStatus() !== '') sh('dpkg', ['--purge', PACKAGE]);
  if (!userExisted) {
    sh('userdel', [USER]);
    if (sh('getent', ['group', USER]).status === 0) sh('groupdel', [USER]);
  }
  sh('groupdel', [testGroup]);
});

test('the .deb installs with dpkg -i: every file where the package says, the user in JIRA_HOME\'s group, the unit verified, not started', ROOT_ONLY, () => {
  assert.equal(dpkgStatus(), '', `${PACKAGE} is already installed on this machine; the test would replace it. Remove it first: dpkg --purge ${PACKAGE}`);
  userExisted = sh('getent', ['passwd', USER]).status === 0;
  // JIRA_HOME owned by a group of its own, named to the package by $JIRA_HOME.
  ok('groupadd', [testGroup]);
  const jiraHome = tempDir('backbone-jira-home-');
  chmodSync(jiraHome, 0o750);
  ok('chown', [`root:${testGroup}`, jiraHome]);

  const deb = file(x64, '.deb');
  installed = true;
  const install = sh('dpkg', ['-i', deb], { env: { ...process.env, JIRA_HOME: jiraHome } });
  assert.equal(install.status, 0, install.stdout + install.stderr);
  assert.match(install.stdout, /not started/, 'says it is not started, and how to start it');
  assert.match(install.stdout, /systemctl enable --now backbone-otel-agent/);
  assert.match(dpkgStatus(), new RegExp(`^ii\\s*${VERSION.replace(/\./g, '\\.')}$`));

  // Every file of the package, with its type and mode, and dpkg's list matches it.
  const entries = debEntries(deb);
  const listed = new Set(ok('dpkg-query', ['-L', PACKAGE]).trim().split('\n'));
  for (const entry of entries) {
    if (entry.path === '/') continue;
    assert.ok(listed.has(entry.path), `dpkg lists ${entry.path}`);
    assert.ok(existsSync(entry.path) || lstatSync(entry.path).isSymbolicLink(), `${entry.path} installed`);
    const owned = !['/etc', '/opt', '/usr', '/usr/bin', '/usr/lib', '/usr/lib/systemd', '/usr/lib/systemd/system'].includes(entry.path);
    if (owned) {
      assert.equal(permsOf(entry.path), entry.perms, `${entry.path}: mode`);
      assert.equal(lstatSync(entry.path).uid, 0, `${entry.path}: owned by root`);
    }
    if (entry.target !== undefined) assert.equal(readlinkSync(entry.path), entry.target);
  }
  assert.equal(permsOf('/etc/backbone-otel-agent/agent.env'), '-rw-------', 'the environment file: root only');
  assert.equal(realpathSync('/usr/bin/backbone-otel'), '/opt/backbone-otel-agent/bin/backbone-otel');

  // The system user, in the group that owns JIRA_HOME; its state directory.
  const [, , uid, , , , shell] = ok('getent', ['passwd', USER]).trim().split(':');
  if (!userExisted) assert.ok(Number(uid) < 1000, `a system uid: ${uid}`);
  assert.equal(shell, '/usr/sbin/nologin');
  assert.ok(ok('id', ['-nG', USER]).trim().split(' ').includes(testGroup), `${USER} is in ${testGroup}, which owns JIRA_HOME`);
  const state = statSync('/var/lib/backbone-otel-agent');
  assert.equal(state.mode & 0o777, 0o700);
  assert.equal(state.uid, Number(uid));

  // Not enabled: the admin configures it first.
  assert.ok(!existsSync('/etc/systemd/system/multi-user.target.wants/backbone-otel-agent.service'), 'not enabled on install');
  assert.equal(sh('systemctl', ['is-enabled', 'backbone-otel-agent.service']).stdout.trim(), 'disabled');

  // The unit as installed, with the package's drop-in: verify, and the hardening still rated 2.0 or lower.
  const unit = '/usr/lib/systemd/system/backbone-otel-agent.service';
  const verify = sh('systemd-analyze', ['verify', unit]);
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.equal((verify.stdout + verify.stderr).trim(), '', 'no warning');
  const security = sh('systemd-analyze', ['security', '--offline=true', '--threshold=20', '--no-pager', unit]);
  assert.equal(security.status, 0, security.stdout + security.stderr);
  assert.match(security.stdout, /Service runs under a static non-root user identity/, 'the drop-in\'s User= is in effect');
  const dropIn = readFileSync('/usr/lib/systemd/system/backbone-otel-agent.service.d/package.conf', 'utf8');
  const exec = /^ExecStart=(\S+)/m.exec(dropIn.replace(/^ExecStart=\n/m, ''));
  assert.equal(exec?.[1], '/opt/backbone-otel-agent/bin/backbone-otel', 'the unit runs the bundled runtime through the wrapper');

  // The command on the PATH, with an old node before it.
  const env = { PATH: oldNodeFirstOnPath(), HOME: jiraHome };
  assert.equal(ok('backbone-otel', ['--version'], { env }).trim(), `${PACKAGE} ${VERSION}`);
  assert.match(ok('backbone-otel', ['validate', '--config', '/etc/backbone-otel-agent/config.yaml'], { env }), /valid/);
});

test('an upgrade to a rebuilt package keeps the edited configuration, the secrets and the state', ROOT_ONLY, async () => {
  assert.ok(installed, 'installed by the test before');
  const edited = `${readFileSync('/etc/backbone-otel-agent/config.yaml', 'utf8').replace('collection_interval: 30s', 'collection_interval: 45s')}# edited by the admin\n`;
  writeFileSync('/etc/backbone-otel-agent/config.yaml', edited);
  appendFileSync('/etc/backbone-otel-agent/agent.env', 'JIRA_TOKEN=secret-of-the-admin\n');
  writeFileSync('/var/lib/backbone-otel-agent/checkpoint-of-the-agent', 'kept');

  const upgrade = await buildRelease({ repo: REPO, out: path.join(work, 'release-upgrade'), work: path.join(work, 'build'), fast: true, arches: ['x64'], formats: ['deb'], version: UPGRADE_VERSION });
  const result = sh('dpkg', ['-i', file(upgrade, '.deb')]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(dpkgStatus(), /^ii\s*/);
  assert.ok(dpkgStatus().endsWith(UPGRADE_VERSION));
  assert.equal(ok('backbone-otel', ['--version']).trim(), `${PACKAGE} ${UPGRADE_VERSION}`);
  assert.equal(readFileSync('/etc/backbone-otel-agent/config.yaml', 'utf8'), edited);
  assert.match(readFileSync('/etc/backbone-otel-agent/agent.env', 'utf8'), /^JIRA_TOKEN=secret-of-the-admin$/m);
  assert.equal(permsOf('/etc/backbone-otel-agent/agent.env'), '-rw-------');
  assert.equal(readFileSync('/var/lib/backbone-otel-agent/checkpoint-of-the-agent', 'utf8'), 'kept');
  assert.doesNotMatch(result.stdout, /not started/, 'an upgrade does not repeat the first-install notes');
  assert.match(ok('backbone-otel', ['validate', '--config', '/etc/backbone-otel-agent/config.yaml']), /valid/);
});

test('dpkg -r removes the program and keeps configuration and state; --purge removes those too', ROOT_ONLY, () => {
  assert.ok(installed, 'installed by the test before');
  const remove = sh('dpkg', ['-r', PACKAGE]);
  assert.equal(remove.status, 0, remove.stdout + remove.stderr);
  for (const gone of ['/opt/backbone-otel-agent', '/usr/bin/backbone-otel', '/usr/lib/systemd/system/backbone-otel-agent.service', '/usr/lib/systemd/system/backbone-otel-agent.service.d']) {
    assert.ok(!existsSync(gone) && !lstatExists(gone), `${gone} removed`);
  }
  assert.ok(existsSync('/etc/backbone-otel-agent/config.yaml'), 'the configuration stays until purge');
  assert.ok(existsSync('/var/lib/backbone-otel-agent/checkpoint-of-the-agent'), 'the state stays until purge');
  assert.match(dpkgStatus(), /^rc/);

  const purge = sh('dpkg', ['--purge', PACKAGE]);
  assert.equal(purge.status, 0, purge.stdout + purge.stderr);
  assert.ok(!existsSync('/etc/backbone-otel-agent'), '/etc/backbone-otel-agent purged');
  assert.ok(!existsSync('/var/lib/backbone-otel-agent'), '/var/lib/backbone-otel-agent purged');
  assert.equal(dpkgStatus(), '');
  installed = false;
  // The system user stays (Debian's policy: files it owned elsewhere keep a name); after() removes the test's.
  assert.equal(sh('getent', ['passwd', USER]).status, 0);
});

function lstatExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

// --- The .rpm, read with rpm -qp ----------------------------------------------------------
const query = (rpm: string, format: string) => ok('rpm', ['-qp', '--qf', format, rpm]);

test('the .rpm: name, version, release, architecture, requirements, for x86_64 and (built on this x64 machine) aarch64', () => {
  for (const [release, arch] of [[x64, 'x86_64'], [arm64, 'aarch64']] as const) {
    const rpm = file(release, `.${arch}.rpm`);
    assert.equal(query(rpm, '%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{OS}'), `${PACKAGE} ${VERSION} 1 ${arch} linux`);
    const requires = ok('rpm', ['-qpR', rpm]).trim().split('\n').map((r) => r.trim());
    assert.ok(requires.includes('glibc >= 2.28'), requires.join(', '));
    assert.deepEqual(requires.filter((r) => /\.so/.test(r)), [], 'no requirement scanned from the bundled binary');
  }
});

test('the .rpm installs the same tree as the .deb, the foreign Node.js unstripped; config files are %config(noreplace), the secrets 0600', () => {
  const debPaths = debEntries(file(x64, '.deb')).map((e) => e.path)
    .filter((p) => /^\/(opt\/backbone-otel-agent|etc\/backbone-otel-agent|usr\/bin\/backbone-otel|usr\/lib\/systemd\/system\/backbone-otel-agent)/.test(p));
  const expected = [...debPaths, '/var/lib/backbone-otel-agent'].sort();
  for (const [release, arch, machine] of [[x64, 'x86_64', 0x3e], [arm64, 'aarch64', 0xb7]] as const) {
    const rpm = file(release, `.${arch}.rpm`);
    assert.deepEqual(ok('rpm', ['-qpl', rpm]).trim().split('\n').sort(), expected, `${arch}: the .deb's files (and the state directory)`);
    const files = new Map(query(rpm, '[%{FILENAMES}\t%{FILEFLAGS:fflags}\t%{FILEMODES:perms}\t%{FILEUSERNAME}:%{FILEGROUPNAME}\t%{FILEDIGESTS}\n]')
      .trim().split('\n').map((line) => { const [name, ...rest] = line.split('\t'); return [name!, rest] as const; }));
    assert.deepEqual(files.get('/etc/backbone-otel-agent/config.yaml')?.slice(0, 3), ['cn', '-rw-r--r--', 'root:root']);
    assert.deepEqual(files.get('/etc/backbone-otel-agent/agent.env')?.slice(0, 3), ['cn', '-rw-------', 'root:root']);
    assert.deepEqual(files.get('/var/lib/backbone-otel-agent')?.slice(1, 3), ['drwx------', `${USER}:${USER}`]);
    assert.deepEqual(files.get('/opt/backbone-otel-agent/bin/backbone-otel')?.slice(1, 2), ['-rwxr-xr-x']);
    const configFlagged = [...files].filter(([, [flags]]) => flags!.includes('c')).map(([name]) => name).sort();
    assert.deepEqual(configFlagged, ['/etc/backbone-otel-agent/agent.env', '/etc/backbone-otel-agent/config.yaml']);
    // The Node.js in the package is the architecture's, byte for byte (no strip, no debuginfo split).
    const runtime = path.join(release.trees[arch === 'x86_64' ? 'x64' : 'arm64']!.tree, 'runtime', 'node');
    assert.equal(elfMachine(runtime), machine);
    assert.equal(files.get('/opt/backbone-otel-agent/runtime/node')?.[3], sha256(runtime));
  }
});

test('the .rpm\'s scriptlets: the user before the files, JIRA_HOME\'s group after, stop on erase, restart on upgrade', () => {
  const rpm = file(x64, '.x86_64.rpm');
  const scripts = ok('rpm', ['-qp', '--scripts', rpm]);
  const scriptlet = (name: string) => {
    const match = new RegExp(`^${name} scriptlet \\(using /bin/sh\\):\\n([\\s\\S]*?)(?=^\\w+ scriptlet|(?![\\s\\S]))`, 'm').exec(scripts);
    assert.ok(match, `${name} scriptlet`);
    const file = path.join(work, `${name}.sh`);
    writeFileSync(file, match[1]!);
    assert.equal(sh('sh', ['-n', file]).status, 0, `${name} is valid sh`);
    return match[1]!.split('\n').filter((line) => !line.startsWith('#') && !/^\s/.test(line) && !/^[a-z_]+\(\) \{$|^\}$/.test(line)).join('\n');
  };
  assert.match(scriptlet('preinstall'), /^create_user$/m);
  assert.match(scriptlet('postinstall'), /^join_jira_group$/m);
  assert.match(scriptlet('postinstall'), /if \[ "\$1" -eq 1 \]; then print_next_steps; fi/, 'the first install says how to start it; nothing starts it');
  assert.match(scriptlet('preuninstall'), /if \[ "\$1" -eq 0 \]; then stop_and_disable; fi/);
  assert.match(scriptlet('postuninstall'), /if \[ "\$1" -ge 1 \]; then restart_if_running; fi/);
  assertNeverStarts(scripts);
});
