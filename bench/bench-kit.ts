// Shared pieces of the benchmarks: timing whole commands, medians, trees of empty files,
// and the result table (figure, agent, baseline, ratio, target, pass/fail).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Row {
  figure: string;
  agent: number;
  baseline: number | undefined;
  baselineName: string;
  unit: string;
  /** Ratio agent/baseline must be at most this, or (without baseline) agent at most this. */
  target: number | undefined;
  targetKind: 'ratio' | 'absolute';
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Wall-clock milliseconds of a shell command, median of `runs`. */
export function timeShell(command: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    execFileSync('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Wall-clock ms of a node script run as its own process, and what it printed (JSON). */
export function timeNode<T>(script: string, args: string[], runs: number, each?: (output: T) => void): { ms: number; last: T } {
  const times: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`);
    last = JSON.parse(run.stdout) as T;
    each?.(last);
  }
  return { ms: median(times), last: last! };
}

/** A folder of `count` empty .bac files, made once and reused by later runs. */
export function ensureFiles(dir: string, count: number): void {
  // The marker lives outside the tree, so that it is not counted.
  const markers = path.join(benchRoot(), '.made');
  mkdirSync(markers, { recursive: true });
  const marker = path.join(markers, dir.replace(/[^a-zA-Z0-9]+/g, '_'));
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(count)) return;
  execFileSync('sh', ['-c', `rm -rf "${dir}" && mkdir -p "${dir}" && cd "${dir}" && seq -f "%09g.bac" 1 ${count} | xargs touch`]);
  writeFileSync(marker, String(count));
}

export function formatTable(rows: Row[]): string {
  const lines = [['figure', 'agent', 'baseline', 'ratio', 'target', 'result']];
  for (const row of rows) {
    const ratio = row.baseline === undefined ? undefined : row.agent / row.baseline;
    const checked = row.targetKind === 'ratio' ? ratio : row.agent;
    const pass = row.target === undefined || checked === undefined ? '-' : checked <= row.target ? 'pass' : 'FAIL';
    lines.push([
      row.figure,
      `${round(row.agent)} ${row.unit}`,
      row.baseline === undefined ? '-' : `${round(row.baseline)} ${row.unit} (${row.baselineName})`,
      ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
      row.target === undefined ? '-' : row.targetKind === 'ratio' ? `<= ${row.target}x` : `<= ${row.target} ${row.unit}`,
      pass,
    ]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

function round(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function writeResults(name: string, rows: Row[], extra: Record<string, unknown>): string {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), ...extra, rows }, null, 2));
  return file.pathname;
}

export function benchRoot(): string {
  const root = process.env.BENCH_DIR ?? '/tmp/backbone-otel-bench';
  mkdirSync(root, { recursive: true });
  return root;
}

/** A peer tool's path; installed from Debian's packages when missing and we are root. */
export function findOrInstall(command: string, debianPackage: string): string | undefined {
  const which = () => spawnSync('sh', ['-c', `command -v ${command} || ls /usr/sbin/${command} 2>/dev/null`], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  let found = which();
  if (!found && process.getuid?.() === 0) {
    process.stdout.write(`installing ${debianPackage} for the ${command} baseline...\n`);
    spawnSync('sh', ['-c', `(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${debianPackage}) >/dev/null 2>&1`]);
    found = which();
  }
  if (!found) process.stdout.write(`${command} is not available: its baseline is left out\n`);
  return found || undefined;
}
