// The agent as it runs, without Node.js: the JavaScript built from src/ (no source maps),
// the production dependencies from the lock file (no dev dependency), and what a user reads
// (README, docs, the example configurations, the systemd files). The same for every
// architecture: built once, then linked into each release tree.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { run } from './run.ts';

export interface Manifest {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

export function readManifest(repo: string): Manifest {
  return JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as Manifest;
}

/** The file package.json's bin runs (the command line's entry point), relative to the tree. */
export function binEntry(manifest: Manifest): string {
  const entry = manifest.bin['backbone-otel'];
  if (entry === undefined) throw new Error('package.json has no bin "backbone-otel"');
  return path.posix.normalize(entry);
}

/** What a user of the release reads: copied as they are. */
const DOCUMENTS = ['README.md', 'docs', 'config'];
/** Files in node_modules that nothing runs: types, source maps, TypeScript sources (Node never strips types under node_modules), notes. */
const UNUSED_IN_DEPENDENCIES = /(\.d\.[cm]?ts|\.map|(?<!\.d)\.[cm]?ts|\.tsbuildinfo|^(README|CHANGELOG|HISTORY)(\.md|\.markdown)?)$/i;

/** `typeCheck: false` builds without checking the types (`npm run typecheck` does that; the tests build faster). */
export function stageApp(repo: string, dir: string, typeCheck = true): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest = readManifest(repo);

  // The build script's compiler settings, into this folder and without source maps.
  run(path.join(repo, 'node_modules', '.bin', 'tsc'), ['-p', path.join(repo, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist'), '--sourceMap', 'false', ...(typeCheck ? [] : ['--noCheck'])], { cwd: repo });
  // The bin entry, when it lies outside what tsc builds (a plain JavaScript guard, say).
  const entry = binEntry(manifest);
  if (!existsSync(path.join(dir, entry))) {
    mkdirSync(path.dirname(path.join(dir, entry)), { recursive: true });
    cpSync(path.join(repo, entry), path.join(dir, entry));
  }

  cpSync(path.join(repo, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(repo, 'package-lock.json'), path.join(dir, 'package-lock.json'));
  run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir });
  rmSync(path.join(dir, 'package-lock.json'));
  rmSync(path.join(dir, 'node_modules', '.package-lock.json'), { force: true });
  pruneDependencies(path.join(dir, 'node_modules'));

  for (const document of DOCUMENTS) cpSync(path.join(repo, document), path.join(dir, document), { recursive: true });
  // The systemd files, for running the tarball as a service (the .deb and .rpm install them).
  mkdirSync(path.join(dir, 'systemd'));
  for (const file of ['backbone-otel-agent.service', 'agent.env', 'data-center.conf']) {
    cpSync(path.join(repo, 'deploy', 'systemd', file), path.join(dir, 'systemd', file));
  }
  cpSync(path.join(repo, 'deploy', 'packaging', 'systemd', 'package.conf'), path.join(dir, 'systemd', 'package.conf'));
  return dir;
}

/** Removes what nothing runs, then the folders left empty (zod's src/, say); also node_modules/.bin: nothing here runs a dependency's command. */
function pruneDependencies(dir: string): void {
  rmSync(path.join(dir, '.bin'), { recursive: true, force: true });
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) {
      pruneDependencies(file);
      if (readdirSync(file).length === 0) rmSync(file, { recursive: true });
    } else if (UNUSED_IN_DEPENDENCIES.test(entry)) rmSync(file);
  }
}
