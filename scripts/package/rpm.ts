// The .rpm, with rpmbuild and deploy/packaging/rpm/backbone-otel-agent.spec: the prebuilt
// system root installed as it is, for the target architecture (also a foreign one: nothing
// is compiled, stripped or scanned).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Arch, ARCH_NAMES, PACKAGE_NAME, RPM_RELEASE, rpmVersion } from './layout.ts';
import { run } from './run.ts';
import { withCommon } from './tree.ts';

export interface RpmInput { repo: string; root: string; work: string; version: string; arch: Arch; summary: string; file: string; fast: boolean }

export function buildRpm(input: RpmInput): string {
  const top = path.join(input.work, 'rpmbuild');
  rmSync(top, { recursive: true, force: true });
  const spec = path.join(input.work, 'backbone-otel-agent.spec');
  writeFileSync(spec, withCommon(input.repo, readFileSync(path.join(input.repo, 'deploy', 'packaging', 'rpm', 'backbone-otel-agent.spec'), 'utf8')));
  const rpmArch = ARCH_NAMES[input.arch].rpm;
  run('rpmbuild', [
    '-bb', '--target', `${rpmArch}-linux`, spec,
    '--define', `_topdir ${top}`,
    '--define', `_rpmdir ${top}/out`,
    '--define', '_build_name_fmt %{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm',
    '--define', `pkg_version ${rpmVersion(input.version)}`,
    '--define', `sysroot ${input.root}`,
    '--define', `summary_text ${input.summary}`,
    // xz, which every rpm since RHEL 6 reads; gzip -1 for the tests' builds (xz is slow even at level 0).
    '--define', `_binary_payload ${input.fast ? 'w1.gzdio' : 'w6T.xzdio'}`,
  ], { env: { ...process.env, HOME: input.work } });
  const built = path.join(top, 'out', `${PACKAGE_NAME}-${rpmVersion(input.version)}-${RPM_RELEASE}.${rpmArch}.rpm`);
  renameSync(built, input.file);
  rmSync(top, { recursive: true, force: true });
  rmSync(spec);
  return input.file;
}
