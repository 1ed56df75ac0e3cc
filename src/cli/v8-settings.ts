// The agent's own V8 settings, applied whatever starts it: the systemd unit, the image, the
// packages' launcher, `npm run agent`, `node dist/cli.js`. A monitoring agent allocates little
// and often; V8's default young generation (semi-spaces of up to 16 MiB on 64-bit) lets the
// heap grow far beyond what it keeps alive. 8 MiB is the trade measured between memory and
// the highest move rates (docs/performance.md, "Exactly once by construction, and memory"):
// with 2 MiB, records that wait in a batch for a few hundred ms outlive the young generation
// at 12,000 moves/s and more, and the old generation's collections make the agent fall behind
// (12,000/s held in 2 of 3 tries, against 3 of 3 with 8 MiB, p99 0.3-0.4 s); 8 MiB costs
// nothing idle (76-78 MB) and about 1 kB more per metric series (3.5-4.5 kB). --expose-gc lets
// the agent give the pages V8 keeps pooled after a burst of garbage back to the system
// (src/pipeline/memory-return.ts).
//
// Node reads V8 flags only at start, so the entry point replaces its own process with one
// that has them (process.execve: the same PID, no second process, systemd and Kubernetes see
// nothing). Flags already given (NODE_OPTIONS, the command line) are left as they are.
// Compiled to syntax old Nodes parse (see src/cli.ts): no ?. or ??.

/** The settings, as node options. */
export const V8_SETTINGS: readonly string[] = ['--max-semi-space-size=8', '--expose-gc'];

/** Set in the environment of the replaced process, so that it is replaced once only. */
export const APPLIED_ENV = 'BACKBONE_OTEL_V8_SETTINGS';

/** The settings not given yet (by name, whatever the value). */
export function missingSettings(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = execArgv.concat((nodeOptions || '').split(/\s+/));
  return V8_SETTINGS.filter((setting) => {
    const name = setting.split('=')[0]!;
    return !given.some((option) => option === name || option.indexOf(`${name}=`) === 0 || option.replace(/_/g, '-').indexOf(`${name}=`) === 0);
  });
}

interface ExecveProcess {
  execve?: (file: string, args: string[], env: Record<string, string | undefined>) => never;
}

/**
 * Replaces this process with one that has the settings, when some are missing and the
 * platform can (Node 23.11+ on POSIX); otherwise returns and the agent runs as it is.
 */
export function applyV8Settings(): void {
  const missing = missingSettings(process.execArgv, process.env.NODE_OPTIONS);
  const execve = (process as unknown as ExecveProcess).execve;
  if (missing.length === 0 || typeof execve !== 'function' || process.env[APPLIED_ENV] === '1' || process.argv[1] === undefined) return;
  // `--` keeps Node from reading the agent's own options (--env-file) as its own.
  const args = [process.execPath].concat(missing, process.execArgv, ['--', process.argv[1]], process.argv.slice(2));
  const env: Record<string, string | undefined> = Object.assign({}, process.env, { [APPLIED_ENV]: '1' });
  try {
    execve.call(process, process.execPath, args, env);
  } catch {
    // Not allowed here (a seccomp profile, say): run with the defaults.
  }
}
