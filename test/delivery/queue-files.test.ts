// The disk queue's files on their own: order kept across a reopen, a damaged body found by
// its checksum and set aside, temporary files of a cut-short write removed, the bound kept.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { DiskQueue } from '../../src/exporters/delivery/disk-queue.ts';
import type { Payload } from '../../src/exporters/delivery/payload.ts';
import { MemoryQueue } from '../../src/exporters/delivery/queue.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function payload(text: string, items = 1): Payload {
  return { signal: 'logs', encoding: 'json', compression: 'none', items, body: new TextEncoder().encode(text) };
}

function quietLog(lines: string[]): AgentLog {
  return new AgentLog({ sink: { write: (line) => { lines.push(line); } } });
}

const text = (body: Uint8Array | undefined) => (body === undefined ? undefined : new TextDecoder().decode(body));

test('requests come back in order after a reopen; a damaged one is set aside with a warning', async () => {
  const dir = path.join(tempDir(), 'q');
  const lines: string[] = [];
  const capacity = { items: 100, bytes: 1_000_000 };
  const first = new DiskQueue(dir, capacity, quietLog(lines));
  for (const name of ['one', 'two', 'three']) await first.push(payload(name));
  await first.close();

  const files = readdirSync(dir).filter((name) => name.endsWith('.otlp')).sort();
  assert.equal(files.length, 3);
  const damaged = path.join(dir, files[1]!);
  const bytes = readFileSync(damaged);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  writeFileSync(damaged, bytes);
  writeFileSync(path.join(dir, '0000000000000004.otlp.tmp'), 'half a write');

  const second = new DiskQueue(dir, capacity, quietLog(lines));
  assert.deepEqual(second.size(), { requests: 3, items: 3, bytes: 3 + 3 + 5 });
  const order: (string | undefined)[] = [];
  for (let entry = second.head(); entry; entry = second.head()) {
    order.push(text(second.body(entry)));
    await second.remove(entry, 'sent');
  }
  assert.deepEqual(order, ['one', undefined, 'three']);
  assert.ok(lines.some((line) => line.includes(`${files[1]} is unreadable (its content does not match its checksum)`)));
  assert.deepEqual(readdirSync(dir).sort(), [files[1]!.replace('.otlp', '.corrupt')]);
  await second.push(payload('four'));
  assert.ok(readdirSync(dir).includes('0000000000000004.otlp'), 'numbering continues after the last request');
  await second.close();
});

test('the bound counts items and bytes; the oldest go first, never the one being sent', async () => {
  const queue = new MemoryQueue({ items: 10, bytes: 1000 });
  await queue.push(payload('a', 4));
  await queue.push(payload('b', 4));
  queue.sending(queue.head());
  const result = await queue.push(payload('c', 4));
  assert.deepEqual(result, { droppedItems: 4 });
  assert.deepEqual([text(queue.body(queue.head()!))], ['a'], 'the request in flight stayed');
  assert.equal(queue.size().items, 8);
  assert.deepEqual(await queue.push(payload('too big', 11)), { droppedItems: 0, rejected: 'too_large' });
  const bytes = new MemoryQueue({ items: 100, bytes: 10 });
  await bytes.push(payload('12345'));
  assert.deepEqual(await bytes.push(payload('678901')), { droppedItems: 1 });
});
