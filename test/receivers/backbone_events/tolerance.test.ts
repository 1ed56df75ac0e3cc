// Whatever the file system does, the watcher neither crashes nor reports a move that did not
// happen: unreadable folders, folders and whole trees that vanish, a root that is unmounted,
// a checkpoint that cannot be written, copies that are deleted after they are made, names that
// exist on both the receive and the send side, state folders made after the start.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { eventsConfigSchema } from '../../../src/receivers/backbone_events/config.ts';
import { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { CaptureHost } from '../../helpers/capture-host.ts';
import { moveInOtherProcess } from '../../helpers/move-files.ts';
import { RecordingFs } from '../../helpers/recording-fs.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const running: { receiver: EventsReceiver; capture: CaptureHost }[] = [];
after(async () => {
  for (const { receiver, capture } of running) {
    await receiver.shutdown();
    await capture.shutdown();
  }
});

interface Setup {
  root: string;
  project: string;
  receiver: EventsReceiver;
  capture: CaptureHost;
  recording: RecordingFs;
  moves(): string[];
  settle(): Promise<void>;
}

async function setup(files: string[], options: Record<string, unknown> = {}): Promise<Setup> {
  const root = path.join(tempDir(), 'backbone-issue-sync');
  const project = path.join(root, 'INT-1', 'AP-1');
  for (const folder of ['receive/processed', 'send', 'sendfailed']) mkdirSync(path.join(project, folder), { recursive: true });
  for (const file of files) {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    writeFileSync(path.join(project, file), 'm');
  }
  const capture = new CaptureHost();
  const recording = new RecordingFs();
  const config = eventsConfigSchema.parse({
    root, watch_method: 'poll', poll_interval: '100ms', reconcile_interval: '1h', grace_period: '200ms', ...options,
  });
  const receiver = new EventsReceiver(config, capture.host, capture.log, { fs: recording.fs });
  await receiver.start();
  running.push({ receiver, capture });
  return {
    root, project, receiver, capture, recording,
    moves: () => capture.events('backbone.message.transition').map((r) =>
      `${String(r.attributes['backbone.message'])} ${String(r.attributes['backbone.from_state'])}->${String(r.attributes['backbone.to_state'])}`).sort(),
    settle: async () => {
      await receiver.reconcileNow();
      await waitFor(() => receiver.pending === 0, 'no pending lookups');
      await receiver.reconcileNow();
    },
  };
}

const at = (s: Setup, ...parts: string[]) => path.join(s.project, ...parts);

test('an unreadable folder: its messages are left as they were (said once), a move out of it is still one move', async () => {
  const s = await setup(['receive/error/PB-1/1.bac', 'receive/error/PB-1/2.bac', 'receive/3.bac']);
  const errorFolder = at(s, 'receive', 'error', 'PB-1');
  s.recording.failOpendir.set(errorFolder, 'EACCES');
  const rounds = s.receiver.rounds;
  await waitFor(() => s.receiver.rounds >= rounds + 3, 'three listings');
  await moveInOtherProcess([{ op: 'rename', from: path.join(errorFolder, '1.bac'), to: at(s, 'receive', '1.bac') }]);
  await waitFor(() => s.moves().length >= 1, 'the move out of the unreadable folder');
  const later = s.receiver.rounds;
  await waitFor(() => s.receiver.rounds >= later + 3, 'three more listings');
  // 2.bac is not taken as gone because its folder cannot be listed; 1.bac's origin is gone (lstat).
  assert.deepEqual(s.moves(), ['1.bac error->receive'], 'nothing reported for what stays in the unreadable folder');
  const warnings = s.capture.logLines.filter((line) => line.includes('could not be listed (EACCES)'));
  assert.equal(warnings.length, 1, 'said once');

  s.recording.failOpendir.delete(errorFolder);
  await s.settle();
  assert.deepEqual(s.moves(), ['1.bac error->receive']);
  assert.ok(s.capture.logLines.some((line) => line.includes('folders can be listed again')));
});

test('an issue folder removed with its messages: each is reported gone once', async () => {
  const s = await setup(['receive/error/PB-1/1.bac', 'receive/error/PB-1/2.bac', 'receive/3.bac']);
  await moveInOtherProcess([{ op: 'remove', path: at(s, 'receive', 'error', 'PB-1') }]);
  await waitFor(() => s.receiver.reported >= 2, 'two transitions');
  await s.settle();
  assert.deepEqual(s.moves(), ['1.bac error->none', '2.bac error->none']);
  const record = s.capture.events('backbone.message.transition')[0]!;
  assert.equal(record.attributes['backbone.issue'], 'PB-1');
});

test('a root that vanishes (unmounted) and comes back: nothing reported, a warning and a recoverable error while it is gone', async () => {
  const s = await setup(['receive/1.bac', 'send/2.bac']);
  await moveInOtherProcess([{ op: 'rename', from: s.root, to: `${s.root}.away` }]);
  const rounds = s.receiver.rounds;
  await waitFor(() => s.receiver.rounds >= rounds + 5, 'five listings without the root');
  assert.deepEqual(s.moves(), []);
  const missing = s.capture.logLines.filter((line) => line.includes(`the Backbone root ${s.root} does not exist`));
  assert.equal(missing.length, 1, `said once, naming the root:\n${s.capture.logLines.join('')}`);
  assert.equal(s.capture.status, `recoverable_error: the Backbone root ${s.root} does not exist: moves are not seen`, 'the health check shows it');
  await moveInOtherProcess([{ op: 'rename', from: `${s.root}.away`, to: s.root }]);
  await s.settle();
  assert.equal(s.capture.status, 'ok');
  assert.deepEqual(s.moves(), [], 'no message reported gone, none appearing');
  assert.equal(s.capture.logLines.filter((line) => line.includes(`the Backbone root ${s.root} is back`)).length, 1, 'recovery said once');
});

test('native mode: a root moved away and back: its events name no move, nothing is reported gone nor appearing', async () => {
  const s = await setup(['receive/1.bac', 'receive/waiting/2.bac', 'send/3.bac'], { watch_method: 'native', reconcile_interval: '1h' });
  await moveInOtherProcess([{ op: 'rename', from: s.root, to: `${s.root}.away` }]);
  // Events from inside the moved tree and listings without the root, past the grace period.
  await moveInOtherProcess([{ op: 'rename', from: path.join(`${s.root}.away`, 'INT-1', 'AP-1', 'receive', '1.bac'), to: path.join(`${s.root}.away`, 'INT-1', 'AP-1', 'receive', '1b.bac') }]);
  await moveInOtherProcess([{ op: 'rename', from: path.join(`${s.root}.away`, 'INT-1', 'AP-1', 'receive', '1b.bac'), to: path.join(`${s.root}.away`, 'INT-1', 'AP-1', 'receive', '1.bac') }]);
  for (let i = 0; i < 3; i++) {
    await s.receiver.reconcileNow();
    await new Promise((resolve) => setTimeout(resolve, 250)); // the grace period (200 ms) runs out between listings
  }
  await s.receiver.reconcileNow();
  assert.deepEqual(s.moves(), [], 'no message reported gone while the root is away');
  await moveInOtherProcess([{ op: 'rename', from: `${s.root}.away`, to: s.root }]);
  await s.settle();
  assert.deepEqual(s.moves(), [], 'none reported appearing when it is back');
  assert.equal(s.capture.logLines.filter((line) => line.includes(`the Backbone root ${s.root} is back`)).length, 1);
});

test('a checkpoint that cannot be written is said once; the watcher goes on, and hands on nothing it could not write down', async () => {
  const storage = path.join(tempDir(), 'state');
  const root = path.join(tempDir(), 'backbone-issue-sync');
  mkdirSync(path.join(root, 'INT-1', 'AP-1', 'receive', 'processed'), { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(path.join(root, 'INT-1', 'AP-1', 'receive', `${i}.bac`), 'm');
  const capture = new CaptureHost();
  const recording = new RecordingFs();
  const fs = { ...recording.fs, writeFileAtomic: () => Promise.reject(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' })) };
  const config = eventsConfigSchema.parse({ root, watch_method: 'poll', poll_interval: '100ms', grace_period: '200ms', storage });
  const receiver = new EventsReceiver(config, capture.host, capture.log, { fs });
  await receiver.start();
  running.push({ receiver, capture });
  for (let i = 0; i < 3; i++) {
    const name = `${i}.bac`;
    await moveInOtherProcess([{ op: 'rename', from: path.join(root, 'INT-1', 'AP-1', 'receive', name), to: path.join(root, 'INT-1', 'AP-1', 'receive', 'processed', name) }]);
    await waitFor(() => receiver.reported === i + 1, `move ${i + 1}`);
  }
  await waitFor(() => capture.logLines.some((line) => line.includes('cannot write the journal of what was reported')), 'the failed write said');
  assert.equal(capture.records().length, 0, 'no record leaves before what it reports is written down');
  await receiver.shutdown();
  assert.equal(capture.logLines.filter((line) => line.includes('cannot write the journal of what was reported')).length, 1);
  assert.ok(capture.logLines.some((line) => /stopping while the journal cannot be written: 3 move\(s\) made between \S+ and \S+ were never written/.test(line)), capture.logLines.join(''));
  assert.equal(capture.notKept, 3, 'counted in otelcol_exporter_enqueue_failed_log_records');
});

test('a copy made before its origin is deleted (a slow move) is one move, not two', async () => {
  const s = await setup(['receive/1.bac', 'receive/waiting/.keep'], { grace_period: '30s' });
  await moveInOtherProcess([
    { op: 'create', path: at(s, 'receive', 'waiting', '1.bac') },
    { op: 'remove', path: at(s, 'receive', '1.bac') },
  ]);
  await waitFor(() => s.receiver.reported >= 1, 'the move');
  await s.receiver.reconcileNow();
  assert.deepEqual(s.moves(), ['1.bac receive->waiting']);
  assert.equal(s.receiver.pending, 0);
});

test('the same name on the receive and the send side: two messages, never paired with each other', async () => {
  const s = await setup(['receive/000001.bac', 'send/000001.bac']);
  await moveInOtherProcess([
    { op: 'rename', from: at(s, 'receive', '000001.bac'), to: at(s, 'receive', 'processed', '000001.bac') },
    { op: 'remove', path: at(s, 'send', '000001.bac') },
    { op: 'create', path: at(s, 'sendfailed', '000002.bac') },
    { op: 'create', path: at(s, 'receive', '000002.bac') },
  ]);
  await waitFor(() => s.receiver.reported >= 4, 'four transitions');
  await s.settle();
  assert.deepEqual(s.moves(), ['000001.bac receive->processed', '000001.bac send->none', '000002.bac none->receive', '000002.bac none->sendfailed']);
});

for (const mode of ['native', 'poll'] as const) {
  test(`${mode} mode: a state folder made after the start (waiting) is found, and the move into it is one move`, async () => {
    const s = await setup(['receive/1.bac', 'receive/2.bac'], { watch_method: mode, reconcile_interval: '1h' });
    await moveInOtherProcess([
      { op: 'rename', from: at(s, 'receive', '1.bac'), to: at(s, 'receive', 'waiting', '1.bac') },
      { op: 'rename', from: at(s, 'receive', '2.bac'), to: at(s, 'receive', 'outdated', 'old', '2.bac') },
    ]);
    await waitFor(() => s.receiver.reported >= 2, 'two moves');
    await s.settle();
    assert.deepEqual(s.moves(), ['1.bac receive->waiting', '2.bac receive->unknown']);
  });
}

test('a folder with more than max_folder_files files is no longer listed (said once), and nothing is reported for it', async () => {
  const files = ['receive/1.bac', 'receive/2.bac'];
  for (let i = 0; i < 30; i++) files.push(`archive/${i}.bac`); // a folder that matches no state, grown big
  const s = await setup(files, { max_folder_files: 20 });
  const archive = at(s, 'archive');
  const listedBefore = s.recording.under(archive, 'opendir').length;
  await moveInOtherProcess([
    { op: 'rename', from: at(s, 'archive', '0.bac'), to: at(s, 'receive', 'processed', '0.bac') },
    { op: 'rename', from: at(s, 'receive', '1.bac'), to: at(s, 'receive', 'processed', '1.bac') },
  ]);
  await waitFor(() => s.receiver.reported >= 1, 'the move out of receive');
  const rounds = s.receiver.rounds;
  await waitFor(() => s.receiver.rounds >= rounds + 3, 'three more listings');
  await s.settle();
  assert.deepEqual(s.moves(), ['1.bac receive->processed']);
  assert.equal(s.capture.logLines.filter((line) => line.includes('holds more than max_folder_files')).length, 1);
  assert.equal(s.recording.under(archive, 'opendir').length, listedBefore, 'not listed again');
});

test('a root that is missing at a fresh start: the first listing that finds it is the starting point', async () => {
  const home = tempDir();
  const root = path.join(home, 'backbone-issue-sync');
  const capture = new CaptureHost();
  const config = eventsConfigSchema.parse({ root, watch_method: 'poll', poll_interval: '100ms', grace_period: '200ms' });
  const receiver = new EventsReceiver(config, capture.host, capture.log);
  await receiver.start();
  running.push({ receiver, capture });
  assert.equal(capture.logLines.filter((line) => line.includes(`the Backbone root ${root} does not exist`)).length, 1, 'said at the start, naming the path');
  const staged = path.join(home, 'staged');
  mkdirSync(path.join(staged, 'INT-1', 'AP-1', 'receive', 'processed'), { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(path.join(staged, 'INT-1', 'AP-1', 'receive', `${i}.bac`), 'm');
  await moveInOtherProcess([{ op: 'rename', from: staged, to: root }]); // "mounted"
  const rounds = receiver.rounds;
  await waitFor(() => receiver.rounds >= rounds + 3, 'three listings with the root');
  assert.equal(receiver.reported, 0, 'the messages there are the starting point, not new arrivals');
  await moveInOtherProcess([{ op: 'rename', from: path.join(root, 'INT-1', 'AP-1', 'receive', '0.bac'), to: path.join(root, 'INT-1', 'AP-1', 'receive', 'processed', '0.bac') }]);
  await waitFor(() => receiver.reported === 1, 'the move');
  assert.equal(capture.logLines.filter((line) => line.includes(`the Backbone root ${root} is back`)).length, 1, 'recovery said once');
});
