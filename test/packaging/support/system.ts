// Commands the packaging tests run on this machine (dpkg, rpm, useradd...): their status
// and output, never an exception, so that a test can say what went wrong.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface CommandResult { status: number | null; stdout: string; stderr: string }

export function sh(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): CommandResult {
  const result = spawnSync(command, args, {
    encoding: 'utf8', env: options.env ?? process.env, cwd: options.cwd, input: '', timeout: 120_000, maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** Output of a command that must succeed. */
export function ok(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const result = sh(command, args, options);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const TOOLS: Record<string, string> = { 'dpkg-deb': 'dpkg-dev', rpmbuild: 'rpm', rpm: 'rpm', 'systemd-analyze': 'systemd' };

/** Fails (not skips) when a packaging tool is missing: .ci/run installs them. */
export function requireTools(names: string[]): void {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin', '/bin', '/sbin'];
  const missing = names.filter((name) => !dirs.some((dir) => dir !== '' && existsSync(path.join(dir, name))));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not installed: the packaging tests run the real tools. .ci/run installs them; by hand: apt-get install ${[...new Set(missing.map((m) => TOOLS[m] ?? m))].join(' ')}`);
  }
}
