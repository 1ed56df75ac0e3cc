// File names are bytes: a message whose name is not valid UTF-8 is followed like any other,
// its moves reported once, in both watch methods and across a restart, with
// backbone.message in the readable form that maps back to its bytes (file-names.ts).
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { bytesOfReadable } from '../../../src/backbone/file-names.ts';
import { eventsConfigSchema } from '../../../src/receivers/backbone_events/config.ts';
import { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { CaptureHost } from '../../helpers/capture-host.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const running: { receiver: EventsReceiver; capture: CaptureHost }[] = [];
after(async () => {
  for (const { receiver, capture } of running) {
    await receiver.shutdown();
    await capture.shutdown();
  }
});

const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const LATIN1 = b([0xff, 0xfe], '-latin1-', [0xe9], '.bac');
const within = (folder: string, ...names: Buffer[]) => Buffer.concat([Buffer.from(folder), ...names.flatMap((n) => [Buffer.from('/'), n])]);

async function start(root: string, mode: 'native' | 'poll', storage?: string) {
  const capture = new CaptureHost();
  const config = eventsConfigSchema.parse({
    root, watch_method: mode, poll_interval: '100ms', reconcile_interval: '1h', grace_period: '300ms', ...(storage ? { storage } : {}),
  });
  const receiver = new EventsReceiver(config, capture.host, capture.log);
  await receiver.start();
  running.push({ receiver, capture });
  const records = () => capture.events('backbone.message.transition').map((r) => r.attributes);
  return { receiver, capture, records };
}

for (const mode of ['native', 'poll'] as const) {
  test(`${mode} mode: moves of messages whose names are not UTF-8 are reported once, named in readable form`, async () => {
    const root = path.join(tempDir(), 'backbone-issue-sync');
    const receive = path.join(root, 'INT-1', 'AP-1', 'receive');
    mkdirSync(path.join(receive, 'processed'), { recursive: true });
    mkdirSync(path.join(receive, 'waiting'), { recursive: true });
    writeFileSync(within(receive, LATIN1), 'm');
    writeFileSync(within(receive, b('a\\b.bac')), 'm');
    const s = await start(root, mode);
    assert.equal(s.receiver.pending, 0);

    renameSync(within(receive, LATIN1), within(receive, b('processed'), LATIN1));
    renameSync(within(receive, b('a\\b.bac')), within(receive, b('waiting'), b('a\\b.bac')));
    writeFileSync(within(receive, b('new-', [0xe9], '.bac')), 'm');
    await waitFor(() => s.records().length >= 3, 'three records');
    await s.receiver.reconcileNow();
    const got = s.records().map((r) => `${String(r['backbone.message'])} ${String(r['backbone.from_state'])}->${String(r['backbone.to_state'])}`).sort();
    assert.deepEqual(got, ['\\xff\\xfe-latin1-\\xe9.bac receive->processed', 'a\\\\b.bac receive->waiting', 'new-\\xe9.bac none->receive']);
    const latin1 = s.records().find((r) => String(r['backbone.to_state']) === 'processed')!;
    assert.deepEqual(bytesOfReadable(String(latin1['backbone.message'])), LATIN1, 'the readable form maps back to the bytes');
    assert.ok(!s.capture.logLines.some((line) => /ENOENT/.test(line)), s.capture.logLines.join(''));
  });
}

test('a project whose name is not UTF-8, across a restart: the move made while stopped is reported once', async () => {
  const home = tempDir();
  const root = path.join(home, 'backbone-issue-sync');
  const project = within(path.join(root, 'INT-1'), b('AP-', [0xe9]));
  mkdirSync(Buffer.concat([project, b('/receive/processed')]), { recursive: true });
  writeFileSync(Buffer.concat([project, b('/receive/'), LATIN1]), 'm');
  const storage = path.join(home, 'state');
  const first = await start(root, 'poll', storage);
  await first.receiver.shutdown();
  renameSync(Buffer.concat([project, b('/receive/'), LATIN1]), Buffer.concat([project, b('/receive/processed/'), LATIN1]));

  const second = await start(root, 'poll', storage);
  await waitFor(() => second.records().length >= 1, 'the move made while stopped');
  await second.receiver.reconcileNow();
  assert.deepEqual(second.records().map((r) => [r['backbone.project'], r['backbone.message'], r['backbone.to_state'], r['backbone.detected_by']]),
    [['AP-\\xe9', '\\xff\\xfe-latin1-\\xe9.bac', 'processed', 'restart']]);
});
