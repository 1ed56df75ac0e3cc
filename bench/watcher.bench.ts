// File-event watcher benchmark (backbone_events), run with `node bench/watcher.bench.ts [--full]`.
//
// 1. A burst of 10,000 moves made by another process (this script, started with --mover):
//    share detected and detection lag p50/p99, for the watcher in native and in poll mode,
//    with `inotifywait -m -r` (inotify-tools) as the baseline, and chokidar 6 alone (watching
//    the tree without processed, as a chokidar-based watcher would) for reference.
//    Lag is from the rename (as the mover timed it) to the log record of the transition.
// 2. Many files in processed (100,000 quick; 1,000,000 with --full): the whole agent process
//    (src/cli.ts run) until "agent started", its RSS, and its CPU while idle over several poll
//    intervals; baselines `inotifywait -m -r` until "Watches established." and chokidar 6
//    watching the whole tree until "ready".
// 3. Many messages followed: 50 integrations x 4 projects with 200,000 messages outside
//    processed/ (waiting, outdated, error/<issue>: a partner offline for a week). The built
//    agent (backbone_folders and backbone_events with storage, as deployed: NODE_OPTIONS
//    --max-semi-space-size=8) until "agent started", at a fresh start and again from its
//    checkpoint: time to ready, RSS, peak RSS, and RSS per followed message (against the same
//    agent on the same tree without messages), next to the agent before the compact structures
//    (commit BEFORE_COMMIT, built from git in the same run). `--only=followed` runs this part alone.
// Prints the table (figure, agent, baseline, ratio, target, result) and writes
// bench/results/watcher.json.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { AgentLog } from '../src/diagnostics/agent-log.ts';
import { eventsConfigSchema } from '../src/receivers/backbone_events/config.ts';
import { EventsReceiver } from '../src/receivers/backbone_events/receiver.ts';
import { benchRoot, ensureFiles, findOrInstall, median } from './bench-kit.ts';
import { ACCEPTED } from '../src/component/consumer.ts';

const SELF = fileURLToPath(import.meta.url);
const REPO = fileURLToPath(new URL('..', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// The mover: `node bench/watcher.bench.ts --mover PLAN.json` renames as fast as it can and
// writes the time of every rename to PLAN.json.times.
interface PlannedMove { from: string; to: string }

if (process.argv[2] === '--mover') {
  const plan = JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as PlannedMove[];
  const times: number[] = [];
  const made = new Set<string>();
  for (const move of plan) {
    const dir = path.dirname(move.to);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true }); // Backbone makes error/<issue>/ on the way
      made.add(dir);
    }
    renameSync(move.from, move.to);
    times.push(now());
  }
  writeFileSync(`${process.argv[3]!}.times`, JSON.stringify(times));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
const full = process.argv.includes('--full');
const BURST = 10_000;
const POLL_MS = 1000;
const IDLE_FILES = full ? 1_000_000 : 100_000;
const IDLE_POLL_MS = full ? 5000 : 2000;
const IDLE_INTERVALS = full ? 6 : 3;
const root = benchRoot();
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const parts = new Set(onlyArg ? onlyArg.slice('--only='.length).split(',') : ['burst', 'processed', 'followed']);
/** The last commit before followed messages were kept compact (issue 12): the "before" agent. */
const BEFORE_COMMIT = 'a19783d';
const FOLLOWED = { integrations: 50, projects: 4, waiting: 400, outdated: 400, error: 200 };
const FOLLOWED_TOTAL = FOLLOWED.integrations * FOLLOWED.projects * (FOLLOWED.waiting + FOLLOWED.outdated + FOLLOWED.error);
/** As the container image, the systemd unit and the manifests run it. */
const DEPLOYED_FLAGS = ['--max-semi-space-size=8'];

interface Row {
  figure: string;
  agent: number | undefined;
  baseline: number | undefined;
  baselineName: string;
  unit: string;
  target: number | undefined;
  /** max: agent at most target; min: agent at least target. */
  targetKind: 'max' | 'min';
}
const rows: Row[] = [];
const extra: Record<string, unknown> = {};

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

// --- the burst -------------------------------------------------------------------------------
interface BurstTree { root: string; project: string; plan: PlannedMove[]; names: string[]; expectedTo: Map<string, string> }

function burstTree(name: string): BurstTree {
  const base = path.join(root, 'watcher-burst', name);
  rmSync(base, { recursive: true, force: true });
  const project = path.join(base, 'INT-1', 'AP-1');
  const receive = path.join(project, 'receive');
  for (const folder of ['processed', 'waiting', 'outdated', 'error']) mkdirSync(path.join(receive, folder), { recursive: true });
  mkdirSync(path.join(project, 'send'), { recursive: true });
  for (let i = 0; i < 1000; i++) closeSync(openSync(path.join(receive, 'processed', `old${i}.bac`), 'w'));
  const plan: PlannedMove[] = [];
  const names: string[] = [];
  const expectedTo = new Map<string, string>();
  for (let i = 0; i < BURST; i++) {
    const message = `${String(i).padStart(6, '0')}.bac`;
    closeSync(openSync(path.join(receive, message), 'w'));
    const kind = i % 10;
    const [to, state] = kind < 7 ? [path.join(receive, 'processed'), 'processed']
      : kind === 7 ? [path.join(receive, 'waiting'), 'waiting']
        : kind === 8 ? [path.join(receive, 'error', `PB-${i % 50}`), 'error'] // 50 issue folders made during the burst
          : [path.join(receive, 'outdated'), 'outdated'];
    plan.push({ from: path.join(receive, message), to: path.join(to, message) });
    names.push(message);
    expectedTo.set(message, state);
  }
  return { root: base, project, plan, names, expectedTo };
}

async function runMover(plan: PlannedMove[]): Promise<number[]> {
  const file = path.join(root, 'watcher-burst', 'plan.json');
  writeFileSync(file, JSON.stringify(plan));
  const child = spawn(process.execPath, [SELF, '--mover', file], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`mover failed (${code})`);
  return JSON.parse(readFileSync(`${file}.times`, 'utf8')) as number[];
}

interface BurstResult { detected: number; twice: number; wrong: number; lags: number[]; moveMs: number }

function burstResult(tree: BurstTree, moveTimes: number[], seen: Map<string, { at: number; count: number; to: string | undefined }>): BurstResult {
  const lags: number[] = [];
  let twice = 0;
  let wrong = 0;
  tree.names.forEach((message, i) => {
    const detection = seen.get(message);
    if (!detection) return;
    if (detection.count > 1) twice++;
    if (detection.to !== undefined && detection.to !== tree.expectedTo.get(message)) wrong++;
    lags.push(Math.max(0, detection.at - moveTimes[i]!));
  });
  return { detected: lags.length, twice, wrong, lags, moveMs: moveTimes[moveTimes.length - 1]! - moveTimes[0]! };
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The watcher in this process, with a log-record processor that notes when each record is emitted. */
async function burstAgent(mode: 'native' | 'poll'): Promise<BurstResult> {
  const tree = burstTree(mode);
  const seen = new Map<string, { at: number; count: number; to: string | undefined }>();
  const stamp: LogRecordProcessor = {
    onEmit(record: ReadWriteLogRecord) {
      const at = now();
      const message = String(record.attributes['backbone.message']);
      const entry = seen.get(message);
      if (entry) entry.count++;
      else seen.set(message, { at, count: 1, to: String(record.attributes['backbone.to_state']) });
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const loggerProvider = new LoggerProvider({ processors: [stamp] });
  const meterProvider = new MeterProvider();
  const config = eventsConfigSchema.parse({ root: tree.root, watch_method: mode, poll_interval: `${POLL_MS}ms` });
  const receiver = new EventsReceiver(config, {
    meter: meterProvider.getMeter('bench'), logger: loggerProvider.getLogger('bench'), signals: new Set(['metrics', 'logs']),
    report: async () => {}, handOnLogs: async () => ACCEPTED, notKept: () => {},
  }, new AgentLog({ level: 'warn' }));
  await receiver.start();
  const moveTimes = await runMover(tree.plan);
  await waitUntil(() => seen.size >= BURST, 30_000 + 3 * POLL_MS);
  // Settled: one more listing must add nothing (no move reported twice, none late).
  await receiver.reconcileNow();
  const result = burstResult(tree, moveTimes, seen);
  // Records for messages that did not move (there are none to report) count as wrong.
  result.wrong += seen.size - result.detected;
  await receiver.shutdown();
  await meterProvider.shutdown();
  await loggerProvider.shutdown();
  return result;
}

/** inotifywait -m -r on the tree: a move counts as detected with its MOVED_TO line. */
async function burstInotifywait(inotifywait: string): Promise<BurstResult> {
  const tree = burstTree('inotifywait');
  const seen = new Map<string, { at: number; count: number; to: string | undefined }>();
  const child = spawn(inotifywait, ['-m', '-r', '-e', 'moved_to', '--format', '%w%f', tree.root], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('Watches established')) resolve(); });
    child.on('exit', (code) => reject(new Error(`inotifywait exited (${code})`)));
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const at = now();
    const message = path.basename(line);
    const entry = seen.get(message);
    if (entry) entry.count++;
    else seen.set(message, { at, count: 1, to: undefined });
  });
  const moveTimes = await runMover(tree.plan);
  await waitUntil(() => seen.size >= BURST, 5000);
  await stop(child);
  return burstResult(tree, moveTimes, seen);
}

/** chokidar 6 alone, native backend, processed ignored: the first event naming a message counts. */
async function burstChokidar(): Promise<BurstResult> {
  const { watch } = await import('chokidar');
  const tree = burstTree('chokidar');
  const seen = new Map<string, { at: number; count: number; to: string | undefined }>();
  const processed = path.join(tree.project, 'receive', 'processed');
  const watcher = watch(tree.root, { ignoreInitial: true, atomic: false, backend: 'native', ignored: (p: string) => p === processed });
  await new Promise<void>((resolve) => watcher.on('ready', () => resolve()));
  const note = (file: string) => {
    const at = now();
    const message = path.basename(file);
    if (!seen.has(message)) seen.set(message, { at, count: 1, to: undefined });
  };
  watcher.on('unlink', note).on('add', note);
  const moveTimes = await runMover(tree.plan);
  await waitUntil(() => seen.size >= BURST, 10_000);
  await watcher.close();
  return burstResult(tree, moveTimes, seen);
}

// --- many files in processed: ready, RSS, idle CPU --------------------------------------------
interface ProcessFigures { readyMs: number; rssMb: number; peakMb: number; cpuPercent: number | undefined; cpuMsPerInterval: number | undefined }

function procStatus(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // fields 14 and 15, in clock ticks (100/s)
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Spawns a process and waits (at most timeoutMs) for `ready` to show up in its output. */
async function untilReady(command: string, args: string[], ready: RegExp, timeoutMs: number): Promise<{ child: ChildProcess; readyMs: number }> {
  const started = now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}): ${output.slice(-2000)}`));
    });
  });
  return { child, readyMs: now() - started };
}

function idleTree(): string {
  const base = path.join(root, `watcher-idle-${IDLE_FILES}`);
  const project = path.join(base, 'INT-1', 'AP-1');
  ensureFiles(path.join(project, 'receive', 'processed'), IDLE_FILES);
  for (const folder of ['receive/error/PB-1', 'receive/waiting', 'send', 'sendfailed']) mkdirSync(path.join(project, folder), { recursive: true });
  for (let i = 0; i < 100; i++) writeFileSync(path.join(project, 'receive', `m${i}.bac`), 'message');
  return base;
}

/**
 * The agent as deployed: JavaScript built from src (npm run build's settings), into the bench
 * folder rather than dist/, beside links to package.json and node_modules so that it runs as
 * dist/ does. Falls back to src/cli.ts (Node's type stripping adds about 30 MB) if the build fails.
 */
function buildAgent(): { cli: string; built: boolean } {
  const build = path.join(root, 'watcher-build');
  rmSync(path.join(build, 'dist'), { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  for (const name of ['package.json', 'node_modules']) {
    rmSync(path.join(build, name), { force: true, recursive: false });
    symlinkSync(path.join(REPO, name), path.join(build, name));
  }
  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  spawnSync(process.execPath, [tsc, '-p', path.join(REPO, 'tsconfig.build.json'), '--outDir', path.join(build, 'dist')], { stdio: 'ignore' });
  const cli = path.join(build, 'dist', 'cli.js');
  if (existsSync(cli)) return { cli, built: true };
  say('building the agent failed: measuring src/cli.ts instead (type stripping adds about 30 MB of RSS)');
  return { cli: path.join(REPO, 'src', 'cli.ts'), built: false };
}

async function idleAgent(cli: string, tree: string, mode: 'native' | 'poll'): Promise<ProcessFigures> {
  const dir = path.join(root, 'watcher-idle-config');
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, `${mode}.yaml`);
  writeFileSync(config, `receivers:
  backbone_events:
    root: ${tree}
    watch_method: ${mode}
    poll_interval: ${IDLE_POLL_MS}ms
    reconcile_interval: ${IDLE_POLL_MS}ms
exporters:
  debug: {}
service:
  pipelines:
    metrics: { receivers: [backbone_events], exporters: [debug] }
    logs: { receivers: [backbone_events], exporters: [debug] }
`);
  const { child, readyMs } = await untilReady(process.execPath, [cli, 'run', '--config', config], /agent started/, 120_000);
  try {
    const pid = child.pid!;
    const before = cpuMs(pid);
    const from = now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS * IDLE_INTERVALS));
    const used = cpuMs(pid) - before;
    const wall = now() - from;
    return { readyMs, ...procStatus(pid), cpuPercent: (100 * used) / wall, cpuMsPerInterval: used / IDLE_INTERVALS };
  } finally {
    await stop(child);
  }
}

async function idleInotifywait(inotifywait: string, tree: string): Promise<ProcessFigures> {
  const { child, readyMs } = await untilReady(inotifywait, ['-m', '-r', tree], /Watches established/, 120_000);
  try {
    return { readyMs, ...procStatus(child.pid!), cpuPercent: undefined, cpuMsPerInterval: undefined };
  } finally {
    await stop(child);
  }
}

async function idleChokidar(tree: string): Promise<ProcessFigures | undefined> {
  const script = `import { watch } from 'chokidar';
const w = watch(${JSON.stringify(tree)}, { ignoreInitial: true });
w.on('ready', () => process.stdout.write('READY\\n'));
w.on('error', (e) => process.stderr.write(String(e) + '\\n'));`;
  try {
    const { child, readyMs } = await untilReady(process.execPath, ['--input-type=module', '-e', script], /READY/, 120_000);
    try {
      return { readyMs, ...procStatus(child.pid!), cpuPercent: undefined, cpuMsPerInterval: undefined };
    } finally {
      await stop(child);
    }
  } catch (error) {
    say(`chokidar 6 on the whole tree: ${(error as Error).message.split('\n')[0]}; its baseline is left out`);
    return undefined;
  }
}

// --- many messages followed: ready, RSS, peak, bytes per message ------------------------------
interface FollowedFigures { readyMs: number; rssMb: number; peakMb: number }

function followedTree(withMessages: boolean): string {
  const base = path.join(root, withMessages ? `watcher-followed-${FOLLOWED_TOTAL}` : 'watcher-followed-empty');
  for (let i = 1; i <= FOLLOWED.integrations; i++) {
    for (let p = 1; p <= FOLLOWED.projects; p++) {
      const receive = path.join(base, `INT-${i}`, `AP-${p}`, 'receive');
      for (const folder of ['processed', 'send', 'sendfailed', 'waiting', 'outdated', `error/PB-${p}`]) mkdirSync(path.join(receive, folder), { recursive: true });
      if (!withMessages) continue;
      ensureFiles(path.join(receive, 'waiting'), FOLLOWED.waiting);
      ensureFiles(path.join(receive, 'outdated'), FOLLOWED.outdated);
      ensureFiles(path.join(receive, 'error', `PB-${p}`), FOLLOWED.error);
    }
  }
  return base;
}

/** The agent as it was at `commit`, built from git (git archive: the working tree is not touched). */
function buildAgentAt(commit: string): string | undefined {
  const build = path.join(root, `watcher-build-${commit}`);
  const cli = path.join(build, 'dist', 'cli.js');
  if (existsSync(cli)) return cli;
  rmSync(build, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  const archive = spawnSync('sh', ['-c', `git -C "${REPO}" archive ${commit} src tsconfig.json tsconfig.build.json package.json | tar -x -C "${build}"`]);
  if (archive.status !== 0) return undefined;
  symlinkSync(path.join(REPO, 'node_modules'), path.join(build, 'node_modules'));
  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  spawnSync(process.execPath, [tsc, '-p', path.join(build, 'tsconfig.build.json'), '--outDir', path.join(build, 'dist')], { stdio: 'ignore' });
  return existsSync(cli) ? cli : undefined;
}

/** One start of the agent on `tree`: until ready, then the first listings, checkpoint and scan (8 s). */
async function followedRun(cli: string, tree: string, storage: string, flags: readonly string[]): Promise<FollowedFigures> {
  const dir = path.join(root, 'watcher-followed-config');
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, `${path.basename(tree)}.yaml`);
  writeFileSync(config, `receivers:
  backbone_folders:
    root: ${tree}
  backbone_events:
    root: ${tree}
    storage: ${storage}
exporters:
  debug: {}
service:
  pipelines:
    metrics: { receivers: [backbone_folders, backbone_events], exporters: [debug] }
    logs: { receivers: [backbone_folders, backbone_events], exporters: [debug] }
`);
  const { child, readyMs } = await untilReady(process.execPath, [...flags, cli, 'run', '--config', config], /agent started/, 180_000);
  try {
    await new Promise((resolve) => setTimeout(resolve, 8000));
    return { readyMs, ...procStatus(child.pid!) };
  } finally {
    await stop(child);
  }
}

/** A fresh start (no checkpoint), then a start from the checkpoint the first one left. */
async function followedPair(cli: string, tree: string, flags: readonly string[]): Promise<{ fresh: FollowedFigures; restart: FollowedFigures }> {
  const storage = path.join(root, 'watcher-followed-state');
  rmSync(storage, { recursive: true, force: true });
  const fresh = await followedRun(cli, tree, storage, flags);
  const restart = await followedRun(cli, tree, storage, flags);
  rmSync(storage, { recursive: true, force: true });
  return { fresh, restart };
}

async function followed(): Promise<void> {
  const tree = followedTree(true);
  const empty = followedTree(false);
  const before = buildAgentAt(BEFORE_COMMIT);
  if (!before) say(`building the agent of ${BEFORE_COMMIT} failed: the "before" column is left out`);
  const current = buildAgent();
  const n = FOLLOWED_TOTAL.toLocaleString('en');
  const beforeName = `before, ${BEFORE_COMMIT}`;
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const figures: Record<string, unknown> = { messages: FOLLOWED_TOTAL, loadAtStart: load() };
  for (const [label, flags] of [['as deployed (--max-semi-space-size=8)', DEPLOYED_FLAGS], ['without Node flags', []]] as const) {
    say(`followed: ${n} messages, ${label}...`);
    const now = await followedPair(current.cli, tree, flags);
    const then = before ? await followedPair(before, tree, flags) : undefined;
    const idle = await followedRun(current.cli, empty, path.join(root, 'watcher-followed-empty-state'), flags);
    rmSync(path.join(root, 'watcher-followed-empty-state'), { recursive: true, force: true });
    const idleThen = before ? await followedRun(before, empty, path.join(root, 'watcher-followed-empty-state'), flags) : undefined;
    rmSync(path.join(root, 'watcher-followed-empty-state'), { recursive: true, force: true });
    const deployed = flags.length > 0;
    const perMessage = (f: FollowedFigures, base: FollowedFigures) => ((f.rssMb - base.rssMb) * 2 ** 20) / FOLLOWED_TOTAL;
    rows.push({ figure: `${n} messages outside processed/ (${FOLLOWED.integrations}x${FOLLOWED.projects} projects), ${label}: fresh start until ready`, agent: now.fresh.readyMs, baseline: then?.fresh.readyMs, baselineName: beforeName, unit: 'ms', target: deployed ? 3000 : undefined, targetKind: 'max' });
    rows.push({ figure: '  peak RSS', agent: now.fresh.peakMb, baseline: then?.fresh.peakMb, baselineName: beforeName, unit: 'MB', target: deployed ? 250 : undefined, targetKind: 'max' });
    rows.push({ figure: '  start from its checkpoint until ready', agent: now.restart.readyMs, baseline: then?.restart.readyMs, baselineName: beforeName, unit: 'ms', target: deployed ? 3000 : undefined, targetKind: 'max' });
    rows.push({ figure: '  peak RSS', agent: now.restart.peakMb, baseline: then?.restart.peakMb, baselineName: beforeName, unit: 'MB', target: deployed ? 250 : undefined, targetKind: 'max' });
    rows.push({ figure: '  RSS 8 s after ready', agent: now.restart.rssMb, baseline: then?.restart.rssMb, baselineName: beforeName, unit: 'MB', target: undefined, targetKind: 'max' });
    rows.push({ figure: '  RSS per followed message (against the same tree without messages)', agent: perMessage(now.restart, idle), baseline: then && idleThen ? perMessage(then.restart, idleThen) : undefined, baselineName: beforeName, unit: 'B', target: undefined, targetKind: 'max' });
    figures[label] = { now, before: then, empty: idle, emptyBefore: idleThen };
  }
  figures.loadAtEnd = load();
  extra.followed = figures;
}

// --- run -------------------------------------------------------------------------------------
function formatTable(table: Row[]): string {
  const fmt = (value: number | undefined, unit: string) => {
    if (value === undefined || Number.isNaN(value)) return '-';
    // Shares show what is missing: 99.98 % is not 100 %.
    if (unit === '%' && value !== Math.round(value)) return `${value.toFixed(2)} %`;
    return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
  };
  const lines = [['figure', 'agent', 'baseline', 'ratio', 'target', 'result']];
  for (const row of table) {
    const ratio = row.agent === undefined || row.baseline === undefined || row.baseline === 0 ? undefined : row.agent / row.baseline;
    const pass = row.target === undefined || row.agent === undefined ? '-'
      : (row.targetKind === 'max' ? row.agent <= row.target : row.agent >= row.target) ? 'pass' : 'FAIL';
    lines.push([
      row.figure,
      fmt(row.agent, row.unit),
      row.baseline === undefined ? '-' : `${fmt(row.baseline, row.unit)} (${row.baselineName})`,
      ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
      row.target === undefined ? '-' : `${row.targetKind === 'max' ? '<=' : '>='} ${row.target} ${row.unit}`,
      pass,
    ]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

say(`watcher benchmark (${full ? 'full' : 'quick'}): trees under ${root}`);
const inotifywait = parts.has('burst') || parts.has('processed') ? findOrInstall('inotifywait', 'inotify-tools') : undefined;

if (parts.has('burst')) {
  const baseline = inotifywait ? await burstInotifywait(inotifywait) : undefined;
  const chokidarBurst = await burstChokidar();
  const bursts = { native: await burstAgent('native'), poll: await burstAgent('poll') };
  for (const mode of ['native', 'poll'] as const) {
    const result = bursts[mode];
    const lagTarget = mode === 'native' ? 1000 : 2 * POLL_MS;
    const name = `burst of ${BURST.toLocaleString('en')} moves, ${mode}${mode === 'poll' ? ` (poll_interval ${POLL_MS} ms)` : ''}`;
    rows.push({ figure: `${name}: detected`, agent: (100 * result.detected) / BURST, baseline: baseline && (100 * baseline.detected) / BURST, baselineName: 'inotifywait -m -r', unit: '%', target: 100, targetKind: 'min' });
    rows.push({ figure: '  reported twice or with a wrong state', agent: result.twice + result.wrong, baseline: undefined, baselineName: '', unit: 'moves', target: 0, targetKind: 'max' });
    rows.push({ figure: '  detection lag p50', agent: percentile(result.lags, 50), baseline: baseline && percentile(baseline.lags, 50), baselineName: 'inotifywait -m -r', unit: 'ms', target: undefined, targetKind: 'max' });
    rows.push({ figure: '  detection lag p99', agent: percentile(result.lags, 99), baseline: baseline && percentile(baseline.lags, 99), baselineName: 'inotifywait -m -r', unit: 'ms', target: lagTarget, targetKind: 'max' });
}
rows.push({ figure: 'reference: chokidar 6 alone (native, processed ignored): detected', agent: (100 * chokidarBurst.detected) / BURST, baseline: baseline && (100 * baseline.detected) / BURST, baselineName: 'inotifywait -m -r', unit: '%', target: undefined, targetKind: 'min' });
rows.push({ figure: '  its first event per message, lag p50', agent: percentile(chokidarBurst.lags, 50), baseline: baseline && percentile(baseline.lags, 50), baselineName: 'inotifywait -m -r', unit: 'ms', target: undefined, targetKind: 'max' });
rows.push({ figure: '  its first event per message, lag p99', agent: percentile(chokidarBurst.lags, 99), baseline: baseline && percentile(baseline.lags, 99), baselineName: 'inotifywait -m -r', unit: 'ms', target: undefined, targetKind: 'max' });
extra.burst = {
  moves: BURST, poll_interval_ms: POLL_MS, mover_ms: bursts.native.moveMs,
  native: { detected: bursts.native.detected, twice: bursts.native.twice, wrong: bursts.native.wrong },
  poll: { detected: bursts.poll.detected, twice: bursts.poll.twice, wrong: bursts.poll.wrong },
  inotifywait: baseline ? { detected: baseline.detected } : 'not available',
  chokidar: { detected: chokidarBurst.detected },
};
}

if (parts.has('processed')) {
  const agent = buildAgent();
  extra.agent = agent.built ? 'built JavaScript (as dist/)' : 'src/cli.ts (type stripping)';
  const tree = idleTree();
  const idleBaseline = inotifywait ? await idleInotifywait(inotifywait, tree) : undefined;
  const chokidarIdle = await idleChokidar(tree);
  const files = IDLE_FILES.toLocaleString('en');
  for (const mode of ['native', 'poll'] as const) {
    const runs = [await idleAgent(agent.cli, tree, mode), await idleAgent(agent.cli, tree, mode)];
    const figures: ProcessFigures = {
      readyMs: median(runs.map((r) => r.readyMs)), rssMb: median(runs.map((r) => r.rssMb)), peakMb: median(runs.map((r) => r.peakMb)),
      cpuPercent: median(runs.map((r) => r.cpuPercent ?? 0)), cpuMsPerInterval: median(runs.map((r) => r.cpuMsPerInterval ?? 0)),
    };
    rows.push({ figure: `${files} files in processed, ${mode}: agent process until ready`, agent: figures.readyMs, baseline: idleBaseline?.readyMs, baselineName: 'inotifywait -m -r', unit: 'ms', target: 2000, targetKind: 'max' });
    if (chokidarIdle) rows.push({ figure: '  same, against chokidar 6 watching the tree', agent: figures.readyMs, baseline: chokidarIdle.readyMs, baselineName: 'chokidar 6', unit: 'ms', target: undefined, targetKind: 'max' });
    rows.push({ figure: '  RSS when idle', agent: figures.rssMb, baseline: idleBaseline?.rssMb, baselineName: 'inotifywait -m -r', unit: 'MB', target: 120, targetKind: 'max' });
    if (chokidarIdle) rows.push({ figure: '  same, against chokidar 6 watching the tree', agent: figures.rssMb, baseline: chokidarIdle.rssMb, baselineName: 'chokidar 6', unit: 'MB', target: undefined, targetKind: 'max' });
    rows.push({ figure: '  peak RSS', agent: figures.peakMb, baseline: undefined, baselineName: '', unit: 'MB', target: 120, targetKind: 'max' });
    rows.push({ figure: `  idle CPU over ${IDLE_INTERVALS} intervals of ${IDLE_POLL_MS} ms`, agent: figures.cpuPercent, baseline: undefined, baselineName: '', unit: '%', target: 5, targetKind: 'max' });
    rows.push({ figure: '  CPU time per interval', agent: figures.cpuMsPerInterval, baseline: undefined, baselineName: '', unit: 'ms', target: undefined, targetKind: 'max' });
}
}

if (parts.has('followed')) await followed();

say(formatTable(rows));
const results = new URL('./results/', import.meta.url);
mkdirSync(results, { recursive: true });
const file = new URL(onlyArg ? `watcher-${[...parts].join('-')}.json` : 'watcher.json', results);
writeFileSync(file, JSON.stringify({
  date: new Date().toISOString(), full, ...extra,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  rows,
}, null, 2));
say(`results: ${file.pathname}`);
