// The disk queue's file system fills up (a real tmpfs, mounted by the test: it needs root, as
// CI has): the agent says so once with the folder and the free space, holds what it cannot
// write in memory within its bound, drops the oldest beyond it and counts them, keeps its
// checkpoint from advancing, and when space and the backend return, catches up: every move
// arrives once. No temporary file is left, no stack trace is logged.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { FaultRig } from '../helpers/fault-rig.ts';
import { waitFor } from '../helpers/wait-for.ts';

const isRoot = process.getuid?.() === 0;
const mountPoint = mkdtempSync(path.join(tmpdir(), 'backbone-tmpfs-'));
let mounted = false;
const rigs: FaultRig[] = [];
after(async () => {
  await Promise.all(rigs.map((rig) => rig.close()));
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

test('ENOSPC under the disk queue during an outage: said once, held, dropped and counted beyond the bound, caught up: every move once', {
  skip: isRoot ? false : 'mounting a small tmpfs needs root (CI runs the tests as root)',
}, async () => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]);
  mounted = true;
  const queueStorage = path.join(mountPoint, 'queue');
  mkdirSync(queueStorage);
  // A small sending queue, so that the memory bound (half of it) is reached within the test.
  const r = await new FaultRig({ messages: 500, queueStorage, exporterExtra: '    sending_queue:\n      max_size: 40KB' }).setup();
  rigs.push(r);
  let agent = await r.start();
  await r.otlp.refuseConnections();
  // Leave about 8 KiB for the queue.
  const filler = path.join(mountPoint, 'filler');
  const free = () => { const s = statfsSync(mountPoint); return s.bavail * s.bsize; };
  writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 8192)));
  await r.move(500, 2);
  await agent.waitForLog(/cannot write to the disk queue/);
  await agent.waitForLog(/reached their bound: the oldest \d+ log records were dropped/);
  // Space and the backend come back.
  rmSync(filler);
  await r.otlp.acceptConnections();
  await agent.waitForLog(/disk queue .* recovered: \d+ bytes free of \d+ again, caught up/);
  await agent.waitForLog(/rolled back to the checkpoint/);
  await r.allArrived(30_000);
  await r.stop(agent);
  r.check(0);

  const log = agent.stderr();
  const full = log.split('\n').filter((line) => line.includes('cannot write to the disk queue'));
  assert.equal(full.length, 1, `said once:\n${full.join('\n')}`);
  assert.match(full[0]!, new RegExp(`cannot write to the disk queue ${r.queueDir}: ENOSPC.*\\(\\d+ bytes free of \\d+\\)`));
  assert.equal(log.split('\n').filter((line) => / recovered: /.test(line)).length, 1, 'recovery said once');
  assert.match(log, /stopping: nothing left to send .*since start: \d+ log records sent, [1-9]\d* dropped/);
  assert.doesNotMatch(log, /"stack"|\n\s+at /, 'no stack trace');
  assert.deepEqual(r.queueFiles().filter((name) => name.endsWith('.tmp')), [], 'no temporary file left');
  // A restart after all that reports nothing again.
  agent = await r.start();
  await r.stop(agent);
  r.check(0);
});
