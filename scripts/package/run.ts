// Runs the packaging tools (npm, tsc, tar, dpkg-deb, rpmbuild): a failure stops the build
// with the command and what it said.
import { spawnSync } from 'node:child_process';

export interface RunOptions { cwd?: string; env?: NodeJS.ProcessEnv }

export function run(command: string, args: string[], options: RunOptions = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(missing ? `${command} is not installed (${TOOL_PACKAGES[command] ?? command}); the release needs it` : `${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${`${result.stdout}${result.stderr}`.slice(-4000)}`);
  }
  return result.stdout;
}

/** The Debian package that has the tool, for the error message. */
const TOOL_PACKAGES: Record<string, string> = { 'dpkg-deb': 'apt-get install dpkg-dev', rpmbuild: 'apt-get install rpm' };
