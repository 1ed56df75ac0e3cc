// One scan exactly as the agent runs it (in its worker thread), then the figures as JSON:
// what the scanner benchmark times as a whole process, like the `find` it is compared with.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Measured as users run it: the built JavaScript (npm run build's, from bench-kit's
// agentDist, passed on in BENCH_AGENT_DIST), not type-stripped sources.
type ScanThreadModule = typeof import('../src/receivers/backbone_folders/scan-thread.ts');
const dist = process.env.BENCH_AGENT_DIST ?? new URL('../dist', import.meta.url).pathname;
const { ScanThread } = await import(pathToFileURL(path.join(dist, 'receivers/backbone_folders/scan-thread.js')).href) as ScanThreadModule;

const [root, mode] = process.argv.slice(2);
const thread = new ScanThread();
const options = {
  root: root!, stateNames: {}, countOnlyStates: mode === 'stat' ? [] : ['processed' as const, 'receive' as const],
  integrationDepth: 1, projectDepth: 1, messageSuffix: '.bac', timeoutMs: 3_600_000, maxEntries: 100_000_000,
};
// The agent's scan thread lives as long as the agent: start it before timing, as in the agent.
await thread.scan({ ...options, root: '/nonexistent' });
const started = performance.now();
const result = await thread.scan(options);
const scanMs = performance.now() - started;
await thread.close();
const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
const messages = [...result.folders.values()].reduce((sum, f) => sum + f.messages + f.otherFiles, 0);
process.stdout.write(JSON.stringify({ scanMs, messages, peakKb, problems: result.problems.length }) + '\n');
