// Folder scanner benchmark: the agent's scan against `find | wc -l`, `ls -f | wc -l` and a
// plain synchronous stat loop, on the same trees in the same run. The count-only figure is
// the scan as it runs inside the agent (a long-running process: Node's start is not paid per
// scan); the whole process, Node's start included, is shown below it.
// Quick by default (100k files); --full for the 1M-file sizes of the targets.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, totalmem } from 'node:os';
import { benchRoot, ensureFiles, formatTable, median, type Row, timeNode, timeShell, writeResults } from './bench-kit.ts';

const full = process.argv.includes('--full');
const runs = full ? 5 : 5;
const total = full ? 1_000_000 : 100_000;
const statFiles = 100_000;
const scanOnce = fileURLToPath(new URL('./scan-once.ts', import.meta.url));
const statLoop = fileURLToPath(new URL('./stat-loop.ts', import.meta.url));
const root = benchRoot();

interface ScanOutput { scanMs: number; messages: number; peakKb: number }

function layout(name: string, folders: number, perFolder: number): string {
  const base = path.join(root, name);
  for (let i = 0; i < folders; i++) ensureFiles(path.join(base, 'INT-1', `AP-${i}`, 'receive', 'processed'), perFolder);
  return base;
}

const rows: Row[] = [];
process.stdout.write(`scanner benchmark (${full ? 'full' : 'quick'}): ${runs} runs each, medians; trees under ${root}\n`);

for (const [label, folders] of [['flat', 1], ['10 folders', 10]] as const) {
  const tree = layout(`count-${label.replace(' ', '-')}-${total}`, folders, total / folders);
  const find = timeShell(`find "${tree}" -type f | wc -l`, runs);
  const ls = timeShell(`for d in "${tree}"/INT-1/*/receive/processed; do ls -f "$d"; done | wc -l`, runs);
  const scans: ScanOutput[] = [];
  const agent = timeNode<ScanOutput>(scanOnce, [tree, 'count'], runs, (out) => scans.push(out));
  if (agent.last.messages !== total) throw new Error(`the scan counted ${agent.last.messages}, not ${total}`);
  const inAgent = median(scans.map((scan) => scan.scanMs));
  rows.push({ figure: `count-only scan, ${total.toLocaleString('en')} files, ${label}`, agent: inAgent, baseline: find, baselineName: 'find | wc -l', unit: 'ms', target: 1.2, targetKind: 'ratio' });
  rows.push({ figure: `  same, against ls -f | wc -l`, agent: inAgent, baseline: ls, baselineName: 'ls -f', unit: 'ms', target: undefined, targetKind: 'ratio' });
  rows.push({ figure: `  whole process, with Node's start`, agent: agent.ms, baseline: find, baselineName: 'find | wc -l', unit: 'ms', target: undefined, targetKind: 'ratio' });
  rows.push({ figure: `  peak RSS of that process`, agent: agent.last.peakKb / 1024, baseline: undefined, baselineName: '', unit: 'MB', target: 80, targetKind: 'absolute' });
}

const statTree = layout(`stat-${statFiles}`, 1, statFiles);
const loop = timeNode<{ files: number }>(statLoop, [statTree], runs);
const agentStat = timeNode<ScanOutput>(scanOnce, [statTree, 'stat'], runs);
rows.push({ figure: `scan with size and age, ${statFiles.toLocaleString('en')} files (whole processes)`, agent: agentStat.ms, baseline: loop.ms, baselineName: 'sync stat loop', unit: 'ms', target: 1.3, targetKind: 'ratio' });

const table = formatTable(rows);
process.stdout.write(table + '\n');
const file = writeResults('scanner', rows, { full, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) } });
process.stdout.write(`results: ${file}\n`);
