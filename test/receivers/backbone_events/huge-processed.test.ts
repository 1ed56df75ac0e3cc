// `processed` can hold millions of files: the watcher never lists or watches it. Proven by
// recording every file-system call: across many listings, no opendir and no watch on it, and
// lstat only on the names of messages that left a listed folder. (The proof does not depend on
// the number of files, so 10,000 keep the test fast; bench/watcher.bench.ts --full uses 1M.)
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { eventsConfigSchema } from '../../../src/receivers/backbone_events/config.ts';
import { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { CaptureHost } from '../../helpers/capture-host.ts';
import { moveInOtherProcess } from '../../helpers/move-files.ts';
import { RecordingFs } from '../../helpers/recording-fs.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const IN_PROCESSED = 10_000;
const MOVED = 20;

const root = path.join(tempDir(), 'backbone-issue-sync');
const receive = path.join(root, 'INT-1', 'AP-1', 'receive');
const processed = path.join(receive, 'processed');
mkdirSync(processed, { recursive: true });
mkdirSync(path.join(receive, 'error'), { recursive: true });
for (let i = 0; i < IN_PROCESSED; i++) closeSync(openSync(path.join(processed, `p${i}.bac`), 'w'));

const captures: CaptureHost[] = [];
after(() => Promise.all(captures.map((c) => c.shutdown())));

for (const mode of ['poll', 'native'] as const) {
  test(`${mode} mode: processed (${IN_PROCESSED} files) is never listed nor watched; moves into it are still reported`, async () => {
    const moved: string[] = [];
    for (let i = 0; i < MOVED * 2; i++) writeFileSync(path.join(receive, `${mode}-${i}.bac`), 'm');
    for (let i = 0; i < MOVED; i++) moved.push(`${mode}-${i}.bac`);

    const capture = new CaptureHost();
    captures.push(capture);
    const recording = new RecordingFs();
    const config = eventsConfigSchema.parse({
      root, watch_method: mode, poll_interval: '100ms', reconcile_interval: '1s', grace_period: '200ms',
    });
    const receiver = new EventsReceiver(config, capture.host, capture.log, { fs: recording.fs });
    await receiver.start();
    try {
      await waitFor(() => receiver.rounds >= 5, 'five listings');
      await moveInOtherProcess(moved.map((name) => ({ op: 'rename', from: path.join(receive, name), to: path.join(processed, name) })));
      await waitFor(() => receiver.reported >= MOVED, `${MOVED} moves`);
      const rounds = receiver.rounds;
      await waitFor(() => receiver.rounds >= rounds + 5, 'five more listings');
    } finally {
      await receiver.shutdown();
    }

    const records = capture.events('backbone.message.transition');
    assert.equal(records.length, MOVED);
    for (const record of records) assert.equal(record.attributes['backbone.to_state'], 'processed');

    assert.ok(recording.under(receive, 'opendir').filter((c) => c.path === receive).length >= 10, 'receive is listed again and again');
    assert.deepEqual(recording.under(processed, 'opendir'), [], 'processed is never listed');
    assert.deepEqual(recording.under(processed, 'watch'), [], 'processed is never watched');
    const looked = new Set(recording.under(processed, 'lstat').map((c) => path.basename(c.path)));
    assert.deepEqual([...looked].sort(), [...moved].sort(), 'in processed, only the names of moved messages are looked up');
    if (mode === 'native') assert.ok(recording.under(receive, 'watch').some((c) => c.path === receive), 'receive is watched');
  });
}
