// The .deb, with dpkg-deb: the system root, a control file, the conffiles (the configuration
// and the environment file: an upgrade keeps the admin's edits) and the maintainer scripts
// (deploy/packaging/deb/, with the shared functions of scripts/common.sh).
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Arch, ARCH_NAMES, CONFIG_FILE, debVersion, ENV_FILE, PACKAGE_NAME } from './layout.ts';
import { run } from './run.ts';
import { withCommon } from './tree.ts';

export interface DebInput { repo: string; root: string; work: string; version: string; arch: Arch; description: string; file: string; fast: boolean }

const SCRIPTS = ['postinst', 'prerm', 'postrm'];

export function buildDeb(input: DebInput): string {
  const staging = path.join(input.work, 'deb-root');
  rmSync(staging, { recursive: true, force: true });
  run('cp', ['-al', input.root, staging]);
  const control = path.join(staging, 'DEBIAN');
  mkdirSync(control, { mode: 0o755 });
  writeFileSync(path.join(control, 'control'), [
    `Package: ${PACKAGE_NAME}`,
    `Version: ${debVersion(input.version)}`,
    `Architecture: ${ARCH_NAMES[input.arch].deb}`,
    'Maintainer: backbone-otel-agent developers <backbone-otel-agent@users.noreply.github.com>',
    `Installed-Size: ${installedSizeKiB(input.root)}`,
    // The bundled Node.js: glibc 2.28 and libstdc++ (GLIBCXX_3.4.21), nothing else.
    'Depends: libc6 (>= 2.28), libgcc-s1 | libgcc1, libstdc++6 (>= 5)',
    'Section: admin',
    'Priority: optional',
    `Description: ${input.description.split('\n')[0]}`,
    ...input.description.split('\n').slice(1).map((line) => (line === '' ? ' .' : ` ${line}`)),
    '',
  ].join('\n'), { mode: 0o644 });
  writeFileSync(path.join(control, 'conffiles'), `${CONFIG_FILE}\n${ENV_FILE}\n`, { mode: 0o644 });
  for (const script of SCRIPTS) {
    const text = withCommon(input.repo, readFileSync(path.join(input.repo, 'deploy', 'packaging', 'deb', script), 'utf8'));
    writeFileSync(path.join(control, script), text, { mode: 0o755 });
  }
  // xz, which every dpkg since 1.15.6 reads (zstd only since Debian 12, Ubuntu 21.10); gzip -1 for the tests' builds.
  run('dpkg-deb', ['--root-owner-group', ...(input.fast ? ['-Zgzip', '-z1'] : ['-Zxz', '-z6']), '--build', staging, input.file]);
  rmSync(staging, { recursive: true, force: true });
  return input.file;
}

/** What dpkg-gencontrol would say: the sum of the files' sizes in KiB, one KiB at least for each. */
function installedSizeKiB(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    const stat = lstatSync(file);
    total += stat.isDirectory() ? installedSizeKiB(file) + 1 : Math.max(1, Math.ceil(stat.size / 1024));
  }
  return total;
}
