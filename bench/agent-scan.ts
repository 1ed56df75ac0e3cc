// Runs the built agent (dist/cli.js run, as bench-kit's agentDist builds it) on a tree until
// it has scanned `scans` times, and reports the last scan's duration (as the agent logs it)
// and the process's peak RSS.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agentDist } from './bench-kit.ts';

export interface AgentScan {
  scanMs: number;
  entries: number;
  peakKb: number;
}

export async function agentScan(root: string, countOnly: readonly string[], scans = 3): Promise<AgentScan> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-agent-'));
  const config = path.join(dir, 'agent.yaml');
  writeFileSync(config, `receivers:
  backbone_folders:
    root: ${root}
    collection_interval: 1s
    count_only_states: [${countOnly.join(', ')}]
exporters:
  debug: {}
service:
  telemetry: { logs: { level: debug } }
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [debug] }
`);
  const child = spawn(process.execPath, [path.join(agentDist(), 'cli.js'), 'run', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  try {
    const last = await new Promise<{ ms: number; entries: number }>((resolve, reject) => {
      let seen = 0;
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        for (const match of chunk.toString().matchAll(/scan complete: (\d+) entries in (\d+) ms/g)) {
          if (++seen === scans) resolve({ ms: Number(match[2]), entries: Number(match[1]) });
        }
      });
      child.on('exit', (code) => reject(new Error(`the agent exited (${code}): ${stderr}`)));
    });
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
    return { scanMs: last.ms, entries: last.entries, peakKb };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
