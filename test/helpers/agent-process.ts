// The agent as users run it, `node src/cli.ts run --config FILE`, in a child process (with
// the test-only loadgen receiver preloaded), its stderr kept for assertions.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./register-loadgen.ts', import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until stderr contains `text`. */
  waitForLog(text: string | RegExp, timeoutMs?: number): Promise<void>;
}

export function runAgentProcess(configFile: string, env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, ['--import', PRELOAD, CLI, 'run', '--config', configFile], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stderr: () => stderr,
    exited,
    waitForLog: async (text, timeoutMs = 15_000) => {
      await waitFor(() => (typeof text === 'string' ? stderr.includes(text) : text.test(stderr)), `agent log ${String(text)}\n--- stderr so far:\n${stderr}`, timeoutMs);
    },
  };
}
