// Where everything goes: the release's names, the architectures and what each packaging
// format calls them, and the paths the .deb and the .rpm install. One place, read by the
// build (scripts/package.ts) and by the tests (test/packaging/).

export const PACKAGE_NAME = 'backbone-otel-agent';
export const SYSTEM_USER = 'backbone-otel';

/** Installed paths (the .deb and the .rpm; the tarball is the content of INSTALL_DIR). */
export const INSTALL_DIR = '/opt/backbone-otel-agent';
export const COMMAND_LINK = '/usr/bin/backbone-otel';
export const UNIT_DIR = '/usr/lib/systemd/system';
export const UNIT = 'backbone-otel-agent.service';
/** The package's drop-in: the bundled Node.js and the system user instead of /usr/bin/node and DynamicUser. */
export const UNIT_DROP_IN = `${UNIT_DIR}/${UNIT}.d/package.conf`;
export const CONFIG_DIR = '/etc/backbone-otel-agent';
export const CONFIG_FILE = `${CONFIG_DIR}/config.yaml`;
export const ENV_FILE = `${CONFIG_DIR}/agent.env`;
export const STATE_DIR = '/var/lib/backbone-otel-agent';

/** Inside the tree (INSTALL_DIR or the tarball's top folder). */
export const WRAPPER = 'bin/backbone-otel';
export const RUNTIME = 'runtime/node';

export type Arch = 'x64' | 'arm64';
export const ARCHES: readonly Arch[] = ['x64', 'arm64'];
export type Format = 'tar' | 'deb' | 'rpm';
export const FORMATS: readonly Format[] = ['tar', 'deb', 'rpm'];

/** Node.js's name (the npm package node-linux-<arch>), Debian's and RPM's. */
export const ARCH_NAMES: Record<Arch, { deb: string; rpm: string }> = {
  x64: { deb: 'amd64', rpm: 'x86_64' },
  arm64: { deb: 'arm64', rpm: 'aarch64' },
};

export const RPM_RELEASE = '1';

export function artifactName(format: Format, version: string, arch: Arch): string {
  switch (format) {
    case 'tar': return `${PACKAGE_NAME}-${version}-linux-${arch}.tar.gz`;
    case 'deb': return `${PACKAGE_NAME}_${debVersion(version)}_${ARCH_NAMES[arch].deb}.deb`;
    case 'rpm': return `${PACKAGE_NAME}-${rpmVersion(version)}-${RPM_RELEASE}.${ARCH_NAMES[arch].rpm}.rpm`;
  }
}

/** RPM versions may not contain '-': a semver pre-release (1.0.0-rc.1) becomes 1.0.0~rc.1, which sorts before 1.0.0. */
export function rpmVersion(version: string): string {
  return version.replace('-', '~');
}

/** Debian's rule for the same: 1.0.0-rc.1 would read as upstream 1.0.0, Debian revision rc.1. */
export function debVersion(version: string): string {
  return version.replace('-', '~');
}
