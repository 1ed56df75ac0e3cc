// After a burst of garbage the agent gives the pages V8 keeps pooled back to the system: a
// process that built a 1.4 MB text ten times (as a scrape of 800 projects does) drops from
// well above 100 MB of RSS to near what it holds. Run in a child with the agent's V8 settings;
// without `gc` exposed (a Node started by someone else's flags), nothing is started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startMemoryReturn } from '../../src/pipeline/memory-return.ts';

const module = fileURLToPath(new URL('../../src/pipeline/memory-return.ts', import.meta.url));

const burst = `
import { startMemoryReturn } from ${JSON.stringify(module)};
// busyAbove 1: the burst below keeps this short process busy, which would make it wait.
const memory = startMemoryReturn({ everyMs: 3_600_000, busyAbove: 1 });
const first = memory.check();
const quiet = memory.check();
function page() { let text = ''; for (let i = 0; i < 30000; i++) text += 'series_' + i + '{a="x' + i + '",b="' + (i % 7) + '"} ' + i + '\\n'; return text; }
let length = 0;
for (let round = 0; round < 10; round++) length += page().length;
// The collection a running agent makes on its own: the heap shrinks, its pages stay pooled.
globalThis.gc();
const result = memory.check();
memory.stop();
console.log(JSON.stringify({ length, first: first !== undefined, quiet: quiet !== undefined, result, heapMb: process.memoryUsage().heapTotal / 1048576 }));
`;

test('once after the start, then after a burst of garbage: the pooled pages go back to the system (RSS falls by tens of MB)', () => {
  const run = spawnSync(process.execPath, ['--max-semi-space-size=2', '--expose-gc', '--input-type=module', '-e', burst], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const { first, quiet, result, heapMb } = JSON.parse(run.stdout) as { first: boolean; quiet: boolean; result?: { rssBefore: number; rssAfter: number; ms: number }; heapMb: number };
  assert.equal(first, true, 'the first look after the start collects');
  assert.equal(quiet, false, 'with nothing grown since, the next does not');
  assert.ok(result, 'the growth outside the heap was seen and the collection ran');
  const mb = (bytes: number) => bytes / 1048576;
  assert.ok(mb(result.rssBefore) - mb(result.rssAfter) > 30, `RSS ${mb(result.rssBefore).toFixed(0)} -> ${mb(result.rssAfter).toFixed(0)} MB (heap ${heapMb.toFixed(0)} MB)`);
});

test('without gc exposed, nothing is started', () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc === 'function', false, 'the test runner itself runs without --expose-gc');
  assert.equal(startMemoryReturn(), undefined);
});
