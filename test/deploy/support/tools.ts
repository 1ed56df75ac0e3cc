// System tools the deploy tests run (prometheus, promtool, systemd-analyze). .ci/run installs
// them from Debian's packages; a test that needs one fails, never skips, when it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const PACKAGE: Record<string, string> = { prometheus: 'prometheus', promtool: 'prometheus', 'systemd-analyze': 'systemd' };

/** The absolute path of a tool on PATH (or in /usr/sbin, /usr/bin); throws a clear error when missing. */
export function requireTool(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed: this test runs the real tool. .ci/run installs it; by hand: apt-get install ${PACKAGE[name] ?? name}`);
}

export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(name: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): ToolRun {
  const run = spawnSync(requireTool(name), args, { cwd: options.cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
