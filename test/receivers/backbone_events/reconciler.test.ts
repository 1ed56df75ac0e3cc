// The reconciler on its own, with a clock of the test's choosing: how a vanished message is
// found in a folder that is never listed (processed), and when it counts as gone.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { State } from '../../../src/backbone/states.ts';
import { Reconciler } from '../../../src/receivers/backbone_events/reconciler.ts';
import type { Transition } from '../../../src/receivers/backbone_events/transition.ts';
import { TreeLayout } from '../../../src/receivers/backbone_events/tree-walk.ts';
import { realWatcherFs } from '../../../src/receivers/backbone_events/watcher-fs.ts';
import { moveInOtherProcess } from '../../helpers/move-files.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const GRACE = 60_000;

function setup() {
  const root = path.join(tempDir(), 'backbone-issue-sync');
  const receive = path.join(root, 'INT-1', 'AP-1', 'receive');
  mkdirSync(path.join(receive, 'processed'), { recursive: true });
  let clock = Date.now() + 3_600_000; // an hour ahead of the files' times
  const transitions: Transition[] = [];
  const layout = new TreeLayout({
    root, stateNames: {}, integrationDepth: 1, projectDepth: 1, messageSuffix: '.bac',
    lookupOnlyStates: new Set<State>(['processed']), otherFilesStates: new Set<State>(['receive', 'invalid']), maxFolderFiles: 1000,
  });
  const reconciler = new Reconciler({ layout, fs: realWatcherFs, graceMs: GRACE, emit: (t) => transitions.push(t), now: () => clock });
  return {
    root, receive, reconciler, transitions,
    advance: (ms: number) => { clock += ms; },
    moves: () => transitions.map((t) => `${t.message} ${t.from}->${t.to}`).sort(),
  };
}

test('an older file of the same name in processed is not where a vanished message went', async () => {
  const s = setup();
  writeFileSync(path.join(s.receive, 'processed', '1.bac'), 'old'); // processed long ago
  writeFileSync(path.join(s.receive, '1.bac'), 'new'); // the same name again (after a resync, say)
  await s.reconciler.fullRound('baseline');
  await moveInOtherProcess([{ op: 'remove', path: path.join(s.receive, '1.bac') }]);
  await s.reconciler.fullRound('scan');
  assert.deepEqual(s.moves(), [], 'looked for during the grace period');
  assert.equal(s.reconciler.pending, 1);
  s.advance(GRACE);
  await s.reconciler.fullRound('scan');
  assert.deepEqual(s.moves(), ['1.bac receive->none']);
  assert.equal(s.reconciler.pending, 0);
});

test('a rename into processed is found by its inode, even beside an older file of the same name elsewhere', async () => {
  const s = setup();
  mkdirSync(path.join(s.receive, 'done'), { recursive: true }); // a second lookup-only folder (alias of processed)
  writeFileSync(path.join(s.receive, 'done', '2.bac'), 'old');
  writeFileSync(path.join(s.receive, '2.bac'), 'm');
  await s.reconciler.fullRound('baseline');
  await moveInOtherProcess([{ op: 'rename', from: path.join(s.receive, '2.bac'), to: path.join(s.receive, 'processed', '2.bac') }]);
  await s.reconciler.fullRound('scan');
  assert.deepEqual(s.moves(), ['2.bac receive->processed']);
});

test('a copy into processed made after the message was last seen, then the original deleted: one move', async () => {
  const s = setup();
  writeFileSync(path.join(s.receive, '3.bac'), 'm');
  s.advance(-3_600_000); // the clock back to now: the copy is newer than the last sighting
  await s.reconciler.fullRound('baseline');
  await moveInOtherProcess([
    { op: 'create', path: path.join(s.receive, 'processed', '3.bac') },
    { op: 'remove', path: path.join(s.receive, '3.bac') },
  ]);
  await s.reconciler.fullRound('scan');
  assert.deepEqual(s.moves(), ['3.bac receive->processed']);
});

test('dwell time and the time of a move: from the state entry time to the destination\'s change time', async () => {
  const s = setup();
  writeFileSync(path.join(s.receive, '4.bac'), 'm');
  s.advance(-3_600_000);
  await s.reconciler.fullRound('baseline');
  const before = Date.now();
  await moveInOtherProcess([{ op: 'rename', from: path.join(s.receive, '4.bac'), to: path.join(s.receive, 'processed', '4.bac') }]);
  s.advance(3_600_000); // detected an hour later (a long poll): the time is still the move's
  await s.reconciler.fullRound('scan');
  const t = s.transitions[0]!;
  assert.ok(t.timeMs >= before - 1000 && t.timeMs <= Date.now() + 1000, `time ${t.timeMs} near ${before}`);
  assert.ok(t.dwellSeconds !== undefined && t.dwellSeconds < 60, `dwell ${t.dwellSeconds}`);
});
