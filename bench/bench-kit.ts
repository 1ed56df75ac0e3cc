// Shared pieces of the benchmarks: timing whole commands, medians, trees of empty files,
// the agent built as deployed, process figures from /proc, the machine's description, and
// the result table (figure, agent, baseline, ratio, target, pass/fail). Targets are reported,
// never asserted: a bench exits non-zero only when it crashes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface Row {
  figure: string;
  agent: number;
  baseline: number | undefined;
  baselineName: string;
  unit: string;
  /**
   * ratio: agent/baseline at most this; absolute: agent at most this; atLeast: agent at
   * least this (a rate, a share).
   */
  target: number | undefined;
  targetKind: 'ratio' | 'absolute' | 'atLeast';
}

/** pass, FAIL, or - (no target, or no figure). */
export function verdict(row: Row): 'pass' | 'FAIL' | '-' {
  if (row.target === undefined || !Number.isFinite(row.agent)) return row.target === undefined ? '-' : 'FAIL';
  if (row.targetKind === 'atLeast') return row.agent >= row.target ? 'pass' : 'FAIL';
  if (row.targetKind === 'absolute') return row.agent <= row.target ? 'pass' : 'FAIL';
  if (row.baseline === undefined) return '-';
  return row.agent / row.baseline <= row.target ? 'pass' : 'FAIL';
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function say(text: string): void {
  process.stdout.write(`${text}\n`);
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
    const ratio = row.baseline === undefined || row.baseline === 0 ? undefined : row.agent / row.baseline;
    const target = row.target === undefined ? '-'
      : row.targetKind === 'ratio' ? `<= ${row.target}x` : `${row.targetKind === 'atLeast' ? '>=' : '<='} ${row.target} ${row.unit}`;
    lines.push([
      row.figure,
      `${round(row.agent)} ${row.unit}`,
      row.baseline === undefined ? '-' : `${round(row.baseline)} ${row.unit} (${row.baselineName})`,
      ratio === undefined || !Number.isFinite(ratio) ? '-' : `${ratio.toFixed(2)}x`,
      target,
      verdict(row),
    ]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function round(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return Math.abs(value) >= 1 || value === 0 ? value.toFixed(1) : value.toFixed(2);
}

export function writeResults(name: string, rows: Row[], extra: Record<string, unknown>): string {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...extra, rows }, null, 2));
  return file.pathname;
}

export interface Machine {
  cpus: number;
  cpu: string | undefined;
  memoryGiB: number;
  kernel: string;
  node: string;
  /** File system and device of the bench trees. */
  disk: string;
  /** The load average when the run began: other work on a shared machine. */
  loadAverage: string;
}

export function machine(): Machine {
  const df = spawnSync('df', ['-T', benchRoot()], { encoding: 'utf8' }).stdout.trim().split('\n')[1]?.split(/\s+/);
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    disk: df ? `${df[1]} on ${df[0]}` : 'unknown',
    loadAverage: (() => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return 'unknown'; } })(),
  };
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

/**
 * The agent as deployed: the JavaScript `npm run build` makes (tsconfig.build.json), built
 * into a folder of its own under the bench root rather than into dist/, so that a benchmark
 * never removes dist/ under someone else's feet. Links to package.json, node_modules and
 * config/ make it run exactly as dist/ does. Built once per `npm run bench` (run.ts passes it
 * on in BENCH_AGENT_DIST); a bench run alone builds its own. Returns the dist folder.
 */
export function agentDist(): string {
  const given = process.env.BENCH_AGENT_DIST;
  if (given && existsSync(path.join(given, 'cli.js'))) return given;
  // Builds left behind by runs that were killed (their process is gone) are removed first.
  for (const old of readdirSync(benchRoot()).filter((name) => name.startsWith('agent-build-'))) {
    const pid = Number(old.split('-')[2]);
    if (!(pid > 0) || !existsSync(`/proc/${pid}`)) rmSync(path.join(benchRoot(), old), { recursive: true, force: true });
  }
  const build = mkdtempSync(path.join(benchRoot(), `agent-build-${process.pid}-`));
  for (const name of ['package.json', 'node_modules', 'config']) symlinkSync(path.join(REPO, name), path.join(build, name));
  const dist = path.join(build, 'dist');
  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(REPO, 'tsconfig.build.json'), '--outDir', dist], { encoding: 'utf8' });
  if (run.status !== 0 || !existsSync(path.join(dist, 'cli.js'))) {
    rmSync(build, { recursive: true, force: true });
    throw new Error(`building the agent failed:\n${run.stdout}${run.stderr}`);
  }
  process.env.BENCH_AGENT_DIST = dist;
  process.on('exit', () => rmSync(build, { recursive: true, force: true }));
  return dist;
}

export interface ProcFigures {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size (VmHWM), MB. */
  peakMb: number;
  /** Anonymous (heap, stacks) and file-backed (the node binary's pages) parts of the RSS, MB. */
  anonMb: number;
  fileMb: number;
}

export function procStatus(pid: number): ProcFigures {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rssMb: mb('VmRSS'), peakMb: mb('VmHWM'), anonMb: mb('RssAnon'), fileMb: mb('RssFile') };
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system, all threads) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * Samples processes once a second for `ms`: RSS each second, CPU per window of `windowMs`.
 * Returns, per pid, the median RSS, the last peak, and the median CPU share (% of one core)
 * over the windows, and the CPU share over the whole time.
 */
export async function sampleProcesses(pids: number[], ms: number, windowMs = 10_000): Promise<Map<number, IdleFigures>> {
  const rss = new Map(pids.map((pid) => [pid, [] as number[]]));
  const windows = new Map(pids.map((pid) => [pid, [] as number[]]));
  const start = new Map(pids.map((pid) => [pid, cpuMs(pid)]));
  let windowStart = new Map(start);
  const began = performance.now();
  let windowBegan = began;
  while (performance.now() - began < ms) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, ms - (performance.now() - began))));
    for (const pid of pids) rss.get(pid)!.push(procStatus(pid).rssMb);
    if (performance.now() - windowBegan >= windowMs - 50) {
      const wall = performance.now() - windowBegan;
      for (const pid of pids) windows.get(pid)!.push((100 * (cpuMs(pid) - windowStart.get(pid)!)) / wall);
      windowStart = new Map(pids.map((pid) => [pid, cpuMs(pid)]));
      windowBegan = performance.now();
    }
  }
  const wall = performance.now() - began;
  return new Map(pids.map((pid) => {
    const status = procStatus(pid);
    return [pid, {
      rssMb: median(rss.get(pid)!), peakMb: status.peakMb, anonMb: status.anonMb, fileMb: status.fileMb,
      cpuPercent: windows.get(pid)!.length > 0 ? median(windows.get(pid)!) : (100 * (cpuMs(pid) - start.get(pid)!)) / wall,
      cpuPercentAll: (100 * (cpuMs(pid) - start.get(pid)!)) / wall,
    }];
  }));
}

export interface IdleFigures extends ProcFigures {
  /** Median over the windows, % of one core. */
  cpuPercent: number;
  /** Over the whole time, % of one core. */
  cpuPercentAll: number;
}
