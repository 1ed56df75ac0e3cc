// npm run bench [-- --full] [-- NAME...]: every benchmark under bench/ (or those whose file
// name starts with a NAME), one after the other, each as its own process.
// The agent is built once (bench-kit's agentDist) and shared by all of them.
// Targets are reported, not asserted: each bench prints its table (pass/FAIL per row) and
// writes bench/results/<name>.json; this exits non-zero only when a bench crashed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentDist, formatTable, machine, type Row, say, verdict } from './bench-kit.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const benches = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)));

const m = machine();
say(`npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}: ${benches.join(', ')}`);
say(`machine: ${m.cpus} x ${m.cpu}, ${m.memoryGiB} GiB, ${m.disk}, Linux ${m.kernel}, Node ${m.node}, load average ${m.loadAverage}`);
const built = performance.now();
agentDist(); // sets BENCH_AGENT_DIST for the benches
say(`agent built as npm run build does, in ${((performance.now() - built) / 1000).toFixed(1)} s`);

interface Outcome { file: string; seconds: number; status: string; rows: Row[] }
const outcomes: Outcome[] = [];
for (const file of benches) {
  say(`\n== ${file}`);
  const name = file.replace(/\.bench\.ts$/, '');
  const started = Date.now();
  const run = spawnSync(process.execPath, [here + file, ...flags], { stdio: 'inherit' });
  const seconds = (Date.now() - started) / 1000;
  // Only a results file written by this run counts (<name>.json, or <name>-<variant>.json).
  let rows: Row[] = [];
  const written = existsSync(resultsDir) ? readdirSync(resultsDir)
    .filter((f) => f.startsWith(name) && f.endsWith('.json'))
    .map((f) => ({ f, at: statSync(resultsDir + f).mtimeMs }))
    .filter((r) => r.at >= started)
    .sort((a, b) => b.at - a.at)[0] : undefined;
  if (written) {
    try {
      rows = (JSON.parse(readFileSync(resultsDir + written.f, 'utf8')) as { rows: Row[] }).rows;
    } catch {
      rows = [];
    }
  }
  const status = run.error ? `could not run: ${run.error.message}`
    : run.signal ? `crashed (${run.signal})` : run.status !== 0 ? `crashed (exit ${run.status})` : 'ok';
  outcomes.push({ file, seconds, status, rows });
}

say('\n== summary');
for (const o of outcomes) {
  // watcher.bench.ts writes targetKind max/min; bench-kit's verdict knows ratio/absolute/atLeast.
  const normal = o.rows.map((row) => ({ ...row, agent: row.agent ?? NaN, targetKind: kindOf(row.targetKind as string) }));
  const failed = normal.filter((row) => verdict(row) === 'FAIL');
  const passed = normal.filter((row) => verdict(row) === 'pass');
  say(`${o.file.padEnd(22)} ${o.status.padEnd(18)} ${o.seconds.toFixed(0).padStart(5)} s  targets: ${passed.length} pass, ${failed.length} FAIL`);
  if (failed.length > 0) say(formatTable(failed).split('\n').slice(1).map((line) => `    ${line}`).join('\n'));
}
process.exitCode = outcomes.some((o) => o.status !== 'ok') ? 1 : 0;

function kindOf(kind: string): Row['targetKind'] {
  if (kind === 'max') return 'absolute';
  if (kind === 'min') return 'atLeast';
  return kind as Row['targetKind'];
}
