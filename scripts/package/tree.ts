// One architecture's release tree: the staged agent and that architecture's Node.js, linked
// (not copied) into place, the package.json of the release's version, and bin/backbone-otel.
// Then the system root the .deb and .rpm install: the tree as /opt/backbone-otel-agent, the
// command on the PATH, the systemd unit with the package's drop-in, the configuration.
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { binEntry, readManifest } from './app-tree.ts';
import { COMMAND_LINK, CONFIG_FILE, ENV_FILE, INSTALL_DIR, RUNTIME, UNIT, UNIT_DIR, UNIT_DROP_IN, WRAPPER } from './layout.ts';
import { run } from './run.ts';

export function assembleTree(repo: string, app: string, runtime: string, version: string, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  run('cp', ['-al', app, dir]);
  run('cp', ['-al', runtime, path.join(dir, path.dirname(RUNTIME))]);
  // A file of its own (not a link into the staged agent): the version differs per release.
  const manifestFile = path.join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  rmSync(manifestFile);
  writeFileSync(manifestFile, `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);

  const entry = binEntry(readManifest(repo));
  if (entry === WRAPPER) throw new Error(`package.json bin is ${entry}, the release's own wrapper: give the entry point another name`);
  const wrapper = readFileSync(path.join(repo, 'deploy', 'packaging', 'backbone-otel'), 'utf8').replace('@ENTRY@', entry);
  mkdirSync(path.join(dir, path.dirname(WRAPPER)), { recursive: true });
  writeFileSync(path.join(dir, WRAPPER), wrapper, { mode: 0o755 });
  chmodSync(path.join(dir, WRAPPER), 0o755);
  return dir;
}

/** The files the system packages install, under `root` (`/` of the target system). */
export function assembleSystemRoot(repo: string, tree: string, root: string): string {
  rmSync(root, { recursive: true, force: true });
  const at = (file: string) => path.join(root, file);
  mkdirSync(path.dirname(at(INSTALL_DIR)), { recursive: true });
  run('cp', ['-al', tree, at(INSTALL_DIR)]);
  mkdirSync(path.dirname(at(COMMAND_LINK)), { recursive: true });
  symlinkSync(path.join(INSTALL_DIR, WRAPPER), at(COMMAND_LINK));
  mkdirSync(path.dirname(at(UNIT_DROP_IN)), { recursive: true });
  install(path.join(repo, 'deploy', 'systemd', UNIT), at(path.join(UNIT_DIR, UNIT)), 0o644);
  install(path.join(repo, 'deploy', 'packaging', 'systemd', 'package.conf'), at(UNIT_DROP_IN), 0o644);
  mkdirSync(path.dirname(at(CONFIG_FILE)), { recursive: true });
  install(path.join(repo, 'deploy', 'packaging', 'config.yaml'), at(CONFIG_FILE), 0o644);
  // Secrets: root only (systemd reads it before dropping privileges).
  install(path.join(repo, 'deploy', 'systemd', 'agent.env'), at(ENV_FILE), 0o600);
  run('chmod', ['-R', 'u+rwX,go+rX,go-w', at('usr'), at(path.dirname(CONFIG_FILE)), at('opt')]);
  chmodSync(at(ENV_FILE), 0o600);
  return root;
}

function install(from: string, to: string, mode: number): void {
  cpSync(from, to);
  chmodSync(to, mode);
}

/** A maintainer script with the shared functions (deploy/packaging/scripts/common.sh) in place of @COMMON@. */
export function withCommon(repo: string, script: string): string {
  const common = readFileSync(path.join(repo, 'deploy', 'packaging', 'scripts', 'common.sh'), 'utf8').trimEnd();
  return script.replace('@COMMON@', () => common);
}
