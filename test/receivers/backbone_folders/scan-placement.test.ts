// Where a scan runs: a small tree on a local disk is scanned on the agent's own thread, in
// slices, and no worker is started (a worker leaves some 15 MB resident for good); a big tree,
// or a root on a network file system (where a system call can hang), is scanned in the worker.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { layoutSpec } from '../../../src/backbone/layout-config.ts';
import { foldersConfigSchema } from '../../../src/receivers/backbone_folders/config.ts';
import { ScanPlacement } from '../../../src/receivers/backbone_folders/scan-placement.ts';
import { scanBackboneRoot, scanInSlices } from '../../../src/receivers/backbone_folders/scanner.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

function tree(projects: number, filesEach: number) {
  const root = path.join(tempDir(), 'backbone-issue-sync');
  for (let p = 0; p < projects; p++) {
    const folder = path.join(root, 'INT-1', `AP-${p}`, 'receive');
    mkdirSync(path.join(folder, 'processed'), { recursive: true });
    for (let i = 0; i < filesEach; i++) writeFileSync(path.join(folder, `${i}.bac`), 'm');
  }
  const config = foldersConfigSchema.parse({ root });
  return { root, timeoutMs: config.timeout, maxEntries: config.max_entries, countOnlyStates: config.count_only_states, ...layoutSpec(config) };
}

test('a small tree on a local disk is scanned on the agent\'s thread, and no worker is started', async (t) => {
  const options = tree(3, 4);
  const placement = new ScanPlacement();
  t.after(() => placement.close());
  const result = await placement.scan(options);
  assert.equal(placement.lastPlace, 'loop');
  assert.equal(placement.workerResident, false, 'no worker was started');
  assert.deepEqual([...result.completedProjects].sort(), ['INT-1/AP-0', 'INT-1/AP-1', 'INT-1/AP-2']);
  assert.deepEqual([...result.folders], [...scanBackboneRoot(options).folders], 'the same counts as a scan in one go');
});

test('a tree bigger than the bound is scanned in the worker from the next scan on', async (t) => {
  const options = tree(2, 10);
  const placement = new ScanPlacement({ inLoopEntries: 15 });
  t.after(() => placement.close());
  const first = await placement.scan(options);
  assert.equal(placement.lastPlace, 'loop', 'the first scan does not know the size yet');
  assert.ok(first.entries > 15, `entries: ${first.entries}`);
  const second = await placement.scan(options);
  assert.equal(placement.lastPlace, 'worker');
  assert.ok(placement.workerResident, 'the worker ran it');
  assert.deepEqual([...second.folders], [...first.folders]);
});

test('a root on a network file system is scanned in the worker, which can be abandoned', async (t) => {
  const options = tree(1, 2);
  const placement = new ScanPlacement({ isRemote: async () => true });
  t.after(() => placement.close());
  const result = await placement.scan(options);
  assert.equal(placement.lastPlace, 'worker');
  assert.deepEqual([...result.completedProjects], ['INT-1/AP-0']);
});

test('a scan in slices lets the event loop run between projects', async () => {
  const options = tree(6, 2);
  let turns = 0;
  let done = false;
  const turn = () => {
    if (done) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  const result = await scanInSlices(options, 0);
  done = true;
  assert.equal(result.completedProjects.size, 6);
  assert.ok(turns >= 5, `the event loop ran ${turns} times during the scan (a scan in one go lets it run none)`);
});
