// Folder scanner benchmark: the agent's scan against `find | wc -l`, `ls -f | wc -l` and a
// plain synchronous stat loop, on the same trees in the same run. The count-only figure is
// the scan inside the running agent (the built JavaScript, as deployed), as it logs it at
// debug level: a long-running agent does not pay Node's start per scan. One scan as a
// whole process, Node's start included, is shown below it.
// Quick by default (100k files); --full for the 1M-file sizes of the targets.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AgentScan, agentScan } from './agent-scan.ts';
import { agentDist, benchRoot, ensureFiles, findOrInstall, formatTable, median, type Row, timeNode, timeShell, writeResults } from './bench-kit.ts';

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

agentDist();
const collectd = findOrInstall('collectd', 'collectd-core');
const rows: Row[] = [];
const emptyRoot = path.join(root, 'empty');
mkdirSync(emptyRoot, { recursive: true });
const idle: AgentScan[] = [];
for (let i = 0; i < 3; i++) idle.push(await agentScan(emptyRoot, ['processed']));
const idleKb = median(idle.map((scan) => scan.peakKb));
process.stdout.write(`scanner benchmark (${full ? 'full' : 'quick'}): ${runs} runs each, medians; trees under ${root}\n`);

for (const [label, folders] of [['flat', 1], ['10 folders', 10]] as const) {
  const tree = layout(`count-${label.replace(' ', '-')}-${total}`, folders, total / folders);
  const find = timeShell(`find "${tree}" -type f | wc -l`, runs);
  const ls = timeShell(`for d in "${tree}"/INT-1/*/receive/processed; do ls -f "$d"; done | wc -l`, runs);
  const inAgent: AgentScan[] = [];
  for (let i = 0; i < runs; i++) inAgent.push(await agentScan(tree, ['processed', 'receive']));
  const process_ = timeNode<ScanOutput>(scanOnce, [tree, 'count'], runs);
  if (process_.last.messages !== total) throw new Error(`the scan counted ${process_.last.messages}, not ${total}`);
  const scanMs = median(inAgent.map((scan) => scan.scanMs));
  rows.push({ figure: `count-only scan, ${total.toLocaleString('en')} files, ${label}`, agent: scanMs, baseline: find, baselineName: 'find | wc -l', unit: 'ms', target: 1.2, targetKind: 'ratio' });
  rows.push({ figure: `  same, against ls -f | wc -l`, agent: scanMs, baseline: ls, baselineName: 'ls -f', unit: 'ms', target: undefined, targetKind: 'ratio' });
  if (collectd) {
    const conf = path.join(root, `collectd-${label.replace(' ', '-')}.conf`);
    writeFileSync(conf, `Interval 60\nLoadPlugin filecount\n<Plugin filecount>\n  <Directory "${tree}">\n    Instance "all"\n    Recursive true\n  </Directory>\n</Plugin>\n`);
    const baseline = timeShell(`${collectd} -C "${conf}" -T >/dev/null 2>&1`, runs);
    rows.push({ figure: `  same, against collectd filecount`, agent: scanMs, baseline, baselineName: 'collectd -T', unit: 'ms', target: undefined, targetKind: 'ratio' });
  }
  rows.push({ figure: `  peak RSS of the agent after 3 scans`, agent: median(inAgent.map((scan) => scan.peakKb)) / 1024, baseline: idleKb / 1024, baselineName: 'same agent, empty root', unit: 'MB', target: 80, targetKind: 'absolute' });
  rows.push({ figure: `  one scan as a process, Node's start included`, agent: process_.ms, baseline: find, baselineName: 'find | wc -l', unit: 'ms', target: undefined, targetKind: 'ratio' });
}

const statTree = layout(`stat-${statFiles}`, 1, statFiles);
const loop = timeNode<{ files: number }>(statLoop, [statTree], runs);
const agentStat = timeNode<ScanOutput>(scanOnce, [statTree, 'stat'], runs);
rows.push({ figure: `scan with size and age, ${statFiles.toLocaleString('en')} files (whole processes)`, agent: agentStat.ms, baseline: loop.ms, baselineName: 'sync stat loop', unit: 'ms', target: 1.3, targetKind: 'ratio' });

const table = formatTable(rows);
process.stdout.write(table + '\n');
const file = writeResults('scanner', rows, { full });
process.stdout.write(`results: ${file}\n`);
