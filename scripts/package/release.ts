// npm run package: everything in release/, built from this checkout. The agent is staged
// once; each architecture gets its Node.js, its tree, then the tarball, the .deb and the
// .rpm made from that tree; SHA256SUMS last.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { readManifest, stageApp } from './app-tree.ts';
import { writeChecksums } from './checksums.ts';
import { buildDeb } from './deb.ts';
import { type Arch, ARCHES, artifactName, type Format, FORMATS, PACKAGE_NAME } from './layout.ts';
import { bundledNodeVersion, fetchNodeRuntime } from './node-runtime.ts';
import { buildRpm } from './rpm.ts';
import { buildTarball } from './tarball.ts';
import { assembleSystemRoot, assembleTree } from './tree.ts';

export interface ReleaseOptions {
  repo: string;
  /** Where the artifacts and SHA256SUMS go (emptied first). */
  out: string;
  /** Scratch space; the staged agent and the Node.js downloads are reused from here when present. */
  work: string;
  arches?: readonly Arch[];
  formats?: readonly Format[];
  /** Instead of package.json's (the tests' upgrade builds). */
  version?: string;
  /** Built quickly for the tests: the lowest compression levels, no type check (npm run typecheck's job). */
  fast?: boolean;
  log?: (line: string) => void;
}

export interface Artifact { format: Format; arch: Arch; file: string; bytes: number }
export interface Release {
  version: string;
  nodeVersion: string;
  artifacts: Artifact[];
  checksums: string;
  /** Per architecture: the tree (the tarball's content) and the system root (the packages' content). */
  trees: Partial<Record<Arch, { tree: string; root: string }>>;
}

export async function buildRelease(options: ReleaseOptions): Promise<Release> {
  const { repo, out, work } = options;
  const log = options.log ?? (() => {});
  const manifest = readManifest(repo);
  const version = options.version ?? manifest.version;
  const nodeVersion = bundledNodeVersion(repo);
  const fast = options.fast ?? false;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  mkdirSync(work, { recursive: true });

  const app = path.join(work, 'app');
  const stamp = path.join(work, 'app.done');
  if (!existsSync(stamp)) {
    log('building the agent and its production dependencies');
    stageApp(repo, app, !fast);
    mkdirSync(stamp);
  }
  const runtimes = path.join(work, 'runtimes');
  mkdirSync(runtimes, { recursive: true });

  const artifacts: Artifact[] = [];
  const trees: Release['trees'] = {};
  for (const arch of options.arches ?? ARCHES) {
    log(`linux-${arch}: Node.js ${nodeVersion}`);
    const runtime = fetchNodeRuntime(nodeVersion, arch, runtimes, undefined, log);
    const base = path.join(work, `${version}-${arch}`);
    const tree = assembleTree(repo, app, runtime, version, path.join(base, `${PACKAGE_NAME}-${version}-linux-${arch}`));
    const root = assembleSystemRoot(repo, tree, path.join(base, 'root'));
    trees[arch] = { tree, root };
    for (const format of options.formats ?? FORMATS) {
      const file = path.join(out, artifactName(format, version, arch));
      log(`  ${path.basename(file)}`);
      if (format === 'tar') buildTarball(tree, file, fast);
      else if (format === 'deb') buildDeb({ repo, root, work: base, version, arch, description: debDescription(manifest.name, nodeVersion), file, fast });
      else buildRpm({ repo, root, work: base, version, arch, summary: SUMMARY, file, fast });
      artifacts.push({ format, arch, file, bytes: statSync(file).size });
    }
  }
  const checksums = await writeChecksums(artifacts.map((a) => a.file), path.join(out, 'SHA256SUMS'));
  return { version, nodeVersion, artifacts, checksums, trees };
}

const SUMMARY = 'Backbone Issue Sync (Jira) telemetry for OpenTelemetry backends';

function debDescription(name: string, nodeVersion: string): string {
  return [
    SUMMARY,
    `${name} counts Backbone Issue Sync's message files per state folder, reads its REST`,
    'status and logs every message move, and sends them as OTLP metrics and logs (or serves',
    `them to Prometheus). It brings its own Node.js ${nodeVersion} in /opt/backbone-otel-agent.`,
    '',
    'Not started on install: edit /etc/backbone-otel-agent/config.yaml (and agent.env), then',
    'systemctl enable --now backbone-otel-agent.',
  ].join('\n');
}
