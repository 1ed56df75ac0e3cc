// The compact structures that let 200,000 followed messages fit (bench/watcher.bench.ts measures
// that): a checkpoint of 20,000 messages, written and read back into a new reconciler, gives
// the same moves as the reconciler that never stopped, and takes little room on disk.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { State } from '../../../src/backbone/states.ts';
import { CHECKPOINT_VERSION, loadCheckpoint, saveCheckpoint } from '../../../src/receivers/backbone_events/checkpoint.ts';
import { Reconciler } from '../../../src/receivers/backbone_events/reconciler.ts';
import type { Transition } from '../../../src/receivers/backbone_events/transition.ts';
import { TreeLayout } from '../../../src/receivers/backbone_events/tree-walk.ts';
import { localWatcherFs, realWatcherFs } from '../../../src/receivers/backbone_events/watcher-fs.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const PROJECTS = 4;
const PER_FOLDER = 2500; // waiting and outdated of 4 projects: 20,000 messages

test('restored from a compact checkpoint of 20,000 messages, a reconciler reports the same moves as one that never stopped', async () => {
  const home = tempDir();
  const root = path.join(home, 'backbone-issue-sync');
  const folder = (p: number, state: string) => path.join(root, 'INT-1', `AP-${p}`, 'receive', state);
  for (let p = 1; p <= PROJECTS; p++) {
    for (const state of ['waiting', 'outdated', 'processed', 'error/PB-1']) mkdirSync(folder(p, state), { recursive: true });
    for (const state of ['waiting', 'outdated']) {
      for (let i = 0; i < PER_FOLDER; i++) writeFileSync(path.join(folder(p, state), `${state[0]}-${String(i).padStart(5, '0')}.bac`), '');
    }
  }
  let clock = Date.now() + 60_000;
  const make = (transitions: Transition[], fs = realWatcherFs) => new Reconciler({
    layout: new TreeLayout({
      root, stateNames: {}, integrationDepth: 1, projectDepth: 1, messageSuffix: '.bac',
      lookupOnlyStates: new Set<State>(['processed']), otherFilesStates: new Set<State>(['receive', 'invalid']), maxFolderFiles: 250_000,
    }),
    fs, graceMs: 1000, emit: (t) => transitions.push(t), now: () => clock,
  });
  const live: Transition[] = [];
  const running = make(live, localWatcherFs);
  await running.fullRound('baseline');
  assert.equal(running.size, PROJECTS * 2 * PER_FOLDER);

  const file = path.join(home, 'state', 'backbone_events.checkpoint.json');
  await saveCheckpoint(realWatcherFs, file, { version: CHECKPOINT_VERSION, layout: 'l', savedAtMs: clock, entries: running.snapshot() });
  const perMessage = statSync(file).size / running.size;
  assert.ok(perMessage < 40, `about ${perMessage.toFixed(1)} bytes per message on disk`);

  // Moves while "stopped": into processed, into an issue folder, deleted, new.
  for (let p = 1; p <= PROJECTS; p++) {
    for (let i = 0; i < 30; i++) renameSync(path.join(folder(p, 'waiting'), `w-${String(i).padStart(5, '0')}.bac`), path.join(folder(p, 'processed'), `w-${String(i).padStart(5, '0')}.bac`));
    for (let i = 0; i < 10; i++) renameSync(path.join(folder(p, 'outdated'), `o-${String(i).padStart(5, '0')}.bac`), path.join(folder(p, 'error/PB-1'), `o-${String(i).padStart(5, '0')}.bac`));
    for (let i = 10; i < 15; i++) rmSync(path.join(folder(p, 'outdated'), `o-${String(i).padStart(5, '0')}.bac`));
    for (let i = 0; i < 5; i++) writeFileSync(path.join(folder(p, 'waiting'), `new-${i}.bac`), '');
  }

  const loaded = await loadCheckpoint(realWatcherFs, file, 'l');
  assert.equal(loaded.kind, 'loaded');
  const replayed: Transition[] = [];
  const restored = make(replayed);
  if (loaded.kind === 'loaded') assert.equal(restored.restore(loaded.checkpoint.entries, loaded.checkpoint.savedAtMs), PROJECTS * 2 * PER_FOLDER);

  clock += 5000;
  await running.fullRound('scan');
  await restored.fullRound('restart');
  clock += 5000; // past the grace period: the deleted ones are gone
  await running.fullRound('scan');
  await restored.fullRound('restart');

  const moves = (ts: Transition[]) => ts.map((t) => `${t.project} ${t.message} ${t.from}->${t.to}`).sort();
  assert.equal(live.length, PROJECTS * (30 + 10 + 5 + 5));
  assert.deepEqual(moves(replayed), moves(live));
  assert.deepEqual(replayed.map((t) => t.dwellSeconds !== undefined && t.from !== 'none').filter(Boolean).length, PROJECTS * 45, 'since survives the checkpoint');
  assert.equal(restored.size, running.size);
});
