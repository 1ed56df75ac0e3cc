// Status page benchmark:  node bench/status-page.bench.ts [--full]
//
// The agent as deployed (bench-kit's agentDist) with backbone_folders and backbone_rest on 200
// synchronizations × 4 projects (a tree made here, and the simulated REST API in this process),
// the status_page extension and, as the baseline, a prometheus exporter serving the same data.
// 1. render: server time of GET / (the page) and of GET /api/status, median of 20, next to
//    GET /metrics of the same data (the Prometheus text of every series). Target: under 1 s.
// 2. open page: the agent's CPU while a page is open (what its script asks: /api/moves every
//    second, the whole page every 10 s) against the same agent with nobody looking, over 30 s
//    (--full: 2 min). Target: the page costs under 1 % of a core.
// Prints the table and writes bench/results/status-page.json. Exits non-zero only on a crash.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SimulatedBackboneApi, sampleIntegration } from '../src/simulator/backbone-api.ts';
import { agentDist, benchRoot, cpuMs, formatTable, median, procStatus, type Row, say, writeResults } from './bench-kit.ts';

const full = process.argv.includes('--full');
const SYNCS = 200;
const PROJECTS = 4;
const OPEN_MS = full ? 120_000 : 30_000;
const STATES = ['receive', 'receive/processed', 'receive/error/PB-1', 'send', 'sendfailed'];

function makeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
  for (let i = 1; i <= SYNCS; i++) {
    for (let p = 1; p <= PROJECTS; p++) {
      for (const [n, state] of STATES.entries()) {
        const dir = path.join(root, `INT-${i}`, `P${p}-${i}`, state);
        mkdirSync(dir, { recursive: true });
        for (let m = 0; m <= (i + p + n) % 4; m++) writeFileSync(path.join(dir, `${String(m).padStart(6, '0')}.bac`), '');
      }
    }
  }
}

async function serverMs(url: string, runs: number): Promise<{ ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const answer = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    bytes = (await answer.arrayBuffer()).byteLength;
    times.push(performance.now() - started);
  }
  return { ms: median(times), bytes };
}

async function waitUntil(check: () => Promise<boolean>, what: string, seen: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last seen: ${seen()})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const work = path.join(benchRoot(), 'status-page');
const root = path.join(work, 'backbone-issue-sync');
say(`building ${SYNCS} synchronizations × ${PROJECTS} projects in ${root}`);
makeTree(root);
const api = await new SimulatedBackboneApi({
  integrations: Array.from({ length: SYNCS }, (_, i) => sampleIntegration(`INT-${i + 1}`, `P1-${i + 1}`, `P2-${i + 1}`)),
}).start();
const config = path.join(work, 'agent.yaml');
writeFileSync(config, `
receivers:
  backbone_folders: { root: ${root}, collection_interval: 5s }
  backbone_rest:
    endpoint: ${api.url}
    auth: { basic: { username: monitor, password: "Sup3r-Secret!" } }
    collection_interval: 5s
exporters:
  prometheus: { endpoint: 127.0.0.1:19464 }
extensions:
  status_page: { endpoint: 127.0.0.1:15679 }
service:
  extensions: [status_page]
  pipelines:
    metrics: { receivers: [backbone_folders, backbone_rest], exporters: [prometheus] }
`);

function startAgent(): ChildProcess {
  return spawn(process.execPath, [...(process.env.BENCH_AGENT_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean), path.join(agentDist(), 'cli.js'), 'run', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const rows: Row[] = [];
const agent = startAgent();
try {
  let seen = '';
  await waitUntil(async () => {
    const doc = await (await fetch('http://127.0.0.1:15679/api/status')).json() as { projects: unknown[]; synchronizations: unknown[] };
    seen = `${doc.projects.length} projects, ${doc.synchronizations.length} synchronizations`;
    return doc.projects.length === SYNCS * PROJECTS && doc.synchronizations.length === SYNCS;
  }, 'the status page to show every project and synchronization', () => seen);
  const page = await serverMs('http://127.0.0.1:15679/', 20);
  const json = await serverMs('http://127.0.0.1:15679/api/status', 20);
  const metrics = await serverMs('http://127.0.0.1:19464/metrics', 20);
  say(`page ${page.bytes} bytes (${(await (await fetch('http://127.0.0.1:15679/', { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer()).byteLength} bytes as gzip fetch decodes it), /api/status ${json.bytes} bytes, /metrics ${metrics.bytes} bytes`);
  rows.push({ figure: `GET / (${SYNCS} syncs × ${PROJECTS} projects)`, agent: page.ms, baseline: metrics.ms, baselineName: 'GET /metrics', unit: 'ms', target: 1000, targetKind: 'absolute' });
  rows.push({ figure: 'GET /api/status', agent: json.ms, baseline: metrics.ms, baselineName: 'GET /metrics', unit: 'ms', target: 1000, targetKind: 'absolute' });

  // The open page against nobody looking: the same agent, the same time, one after the other.
  const cpuOver = async (looking: boolean): Promise<number> => {
    const before = cpuMs(agent.pid!);
    const started = Date.now();
    let latest = 0;
    let lastPage = 0;
    while (Date.now() - started < OPEN_MS) {
      if (looking) {
        const answer = await (await fetch(`http://127.0.0.1:15679/api/moves?after=${latest}&format=html`)).json() as { latest: number };
        latest = answer.latest;
        if (Date.now() - lastPage >= 10_000) {
          await (await fetch('http://127.0.0.1:15679/')).arrayBuffer();
          lastPage = Date.now();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return ((cpuMs(agent.pid!) - before) / (Date.now() - started)) * 100;
  };
  const idle = await cpuOver(false);
  const open = await cpuOver(true);
  const rssMb = procStatus(agent.pid!).rssMb;
  say(`agent CPU: ${idle.toFixed(2)} % of a core with nobody looking, ${open.toFixed(2)} % with the page open; RSS ${rssMb.toFixed(0)} MB`);
  // Issue 24: an installation of 800 projects in at most 200 MB, beside a bare Node.js.
  rows.push({ figure: `agent RSS at ${SYNCS * PROJECTS} projects (folders, REST, prometheus, status page)`, agent: rssMb, baseline: undefined, baselineName: '', unit: 'MB', target: 200, targetKind: 'absolute' });
  rows.push({ figure: 'CPU added by an open page', agent: Math.max(0, open - idle), baseline: idle, baselineName: 'agent, nobody looking', unit: '% of a core', target: 1, targetKind: 'absolute' });
} finally {
  agent.kill('SIGTERM');
  await api.stop();
}
say(formatTable(rows));
say(`results: ${writeResults('status-page', rows, { syncs: SYNCS, projects: PROJECTS, openMs: OPEN_MS })}`);
