// A real Prometheus server for tests: started on 127.0.0.1 with a free port and a temporary
// storage folder, queried through its HTTP API, stopped by the test that started it.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../helpers/free-port.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { requireTool } from './tools.ts';

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export class PrometheusServer {
  url = '';
  private child: ChildProcess | undefined;
  private output = '';

  /** Writes prometheus.yml into `dir` (storage goes to dir/data) and starts the server. */
  async start(dir: string, config: Record<string, unknown>): Promise<this> {
    const binary = requireTool('prometheus');
    const configFile = path.join(dir, 'prometheus.yml');
    writeFileSync(configFile, stringify(config));
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(binary, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => { this.output = (this.output + chunk.toString()).slice(-20_000); };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    const exited = new Promise<never>((_, reject) => this.child!.once('exit', (code) => reject(new Error(`prometheus exited (${code}):\n${this.output}`))));
    exited.catch(() => {});
    await Promise.race([
      exited,
      waitFor(async () => (await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined))?.ok, 'Prometheus to be ready', 30_000),
    ]);
    return this;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** What the server printed (for failure messages). */
  get log(): string {
    return this.output;
  }

  private async api(pathAndQuery: string): Promise<unknown> {
    const response = await fetch(`${this.url}${pathAndQuery}`, { signal: AbortSignal.timeout(10_000) });
    const body = await response.json() as { status: string; data?: unknown; error?: string; errorType?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${pathAndQuery}: ${body.errorType}: ${body.error}`);
    return body.data;
  }

  /** An instant query; throws when Prometheus refuses the expression. */
  async query(expr: string): Promise<PromSample[]> {
    const data = await this.api(`/api/v1/query?query=${encodeURIComponent(expr)}`) as {
      resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] | [number, string];
    };
    if (data.resultType === 'scalar') {
      const [, value] = data.result as [number, string];
      return [{ metric: {}, value: Number(value) }];
    }
    return (data.result as { metric: Record<string, string>; value: [number, string] }[])
      .map((entry) => ({ metric: entry.metric, value: Number(entry.value[1]) }));
  }

  /** The series that exist for a selector (any time in the last hour). */
  async series(selector: string): Promise<Record<string, string>[]> {
    const start = Math.floor(Date.now() / 1000) - 3600;
    return await this.api(`/api/v1/series?match[]=${encodeURIComponent(selector)}&start=${start}`) as Record<string, string>[];
  }

  async targets(): Promise<{ health: string; lastError: string; lastScrape: string; scrapeUrl: string }[]> {
    const data = await this.api('/api/v1/targets?state=active') as { activeTargets: { health: string; lastError: string; lastScrape: string; scrapeUrl: string }[] };
    return data.activeTargets;
  }

  async rules(): Promise<{ name: string; health: string; lastError?: string; state?: string; type: string; alerts?: { labels: Record<string, string>; state: string }[] }[]> {
    const data = await this.api('/api/v1/rules') as { groups: { rules: { name: string; health: string; lastError?: string; state?: string; type: string; alerts?: { labels: Record<string, string>; state: string }[] }[] }[] };
    return data.groups.flatMap((group) => group.rules);
  }
}
