// The disk queue remembers the log.record.uid of what it took lately, across a restart (in
// its files, and for sent files in its journal), so that a replayed record is not queued
// twice; a dropped request's keys are forgotten, so that its records may come again.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { DiskQueue } from '../../src/exporters/delivery/disk-queue.ts';
import type { Payload } from '../../src/exporters/delivery/payload.ts';
import { UidWindow } from '../../src/exporters/delivery/uid-window.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const log = new AgentLog({ sink: { write: () => {} } });
const payload = (text: string, uids: string[]): Payload =>
  ({ signal: 'logs', encoding: 'json', compression: 'none', items: uids.length, body: new TextEncoder().encode(text), uids });
const key = (n: number) => n.toString(16).padStart(32, '0');

test('keys of queued and of sent requests are known again after a restart; a dropped request\'s are forgotten', async () => {
  const dir = path.join(tempDir(), 'q');
  const capacity = { items: 100, bytes: 1_000_000 };
  const first = new DiskQueue(dir, capacity, log);
  for (const [text, uids] of [['sent', [key(1), key(2)]], ['queued', [key(3)]], ['refused', [key(4)]]] as const) {
    assert.equal((await first.push(payload(text, [...uids]))).rejected, undefined);
  }
  await first.remove(first.head()!, 'sent');
  // The request after the queued one is refused for good.
  const queued = first.head()!;
  await first.remove({ ...queued, seq: queued.seq + 1 }, 'dropped');
  await first.close();
  assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.otlp')).length, 1, 'the queued request stays, the others are gone');

  const second = new DiskQueue(dir, capacity, log);
  assert.ok(second.seen(key(1)) && second.seen(key(2)), 'sent: from the journal');
  assert.ok(second.seen(key(3)), 'queued: from its file');
  assert.ok(!second.seen(key(4)), 'dropped: forgotten, may come again');
  assert.ok(!second.seen(key(5)));
  await second.close();
});

test('the window keeps the newest keys sent only, and a key added again stays', () => {
  const window = new UidWindow(3);
  window.addSent(['a', 'b', 'c']);
  window.addSent(['b']);
  window.addSent(['d']);
  assert.deepEqual(['a', 'b', 'c', 'd'].filter((k) => window.has(k)), ['b', 'c', 'd']);
  window.addSent(['e']);
  assert.deepEqual(['b', 'c', 'd', 'e'].filter((k) => window.has(k)), ['b', 'd', 'e']);
  // A queued key is forgotten when its request is dropped (a later report of it must pass); a sent one is not.
  window.addQueued(['q']);
  assert.ok(window.has('q'));
  window.forget(['q', 'd']);
  assert.ok(!window.has('q'));
  assert.ok(window.has('d'));
});
