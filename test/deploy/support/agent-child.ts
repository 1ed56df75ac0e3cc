// The agent as users run it: `node src/cli.ts run --config FILE` in a child process, stopped
// with SIGTERM by the test that started it.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../helpers/wait-for.ts';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = path.join(REPO, 'src', 'cli.ts');

export class AgentChild {
  private child: ChildProcess | undefined;
  private output = '';

  /** Writes the configuration to `dir`/agent.yaml and starts the agent with it. */
  start(dir: string, yaml: string, env: Record<string, string> = {}): this {
    const file = path.join(dir, 'agent.yaml');
    writeFileSync(file, yaml);
    this.child = spawn(process.execPath, [CLI, 'run', '--config', file], {
      cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString()).slice(-50_000); };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    return this;
  }

  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until GET url answers 200; fails early with the agent's output when it exits. */
  async waitForHttp(url: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(async () => {
      if (!this.running) throw new Error(`the agent exited (${this.child?.exitCode}):\n${this.output}`);
      return (await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined))?.ok;
    }, `the agent to answer at ${url}`, timeoutMs);
  }

  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || !this.running) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}

/** An HTTP server that accepts every OTLP request with 200: a backend that works. */
export async function acceptingBackend(): Promise<{ url: string; requests: string[]; stop: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
