// The file system under the agent's storage fills up (a real tmpfs, mounted by the test: it
// needs root, as CI has) while tens of thousands of messages move:
// - only the disk queue's: the exporter refuses (disk_full, said once with the folder and the
//   free space), backbone_events keeps the refused moves, written in its journal, and hands
//   them on when there is room: every move once; with a kill -9 in the outage, the next start
//   hands on again what the journal holds, under the same keys;
// - the journal's too: moves wait in memory, nothing of them is handed on; at SIGTERM while
//   full, what was never written is counted and said once with its time span, and the next
//   start reports the messages from the last state written (detected_by=restart): no record
//   contradicts another, none comes twice under two keys.
// No temporary file is left, no stack trace is logged.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { waitForChains } from '../helpers/chains.ts';
import { FaultRig } from '../helpers/fault-rig.ts';
import { waitFor } from '../helpers/wait-for.ts';

const isRoot = process.getuid?.() === 0;
const mounts: string[] = [];
const rigs: FaultRig[] = [];
after(async () => {
  await Promise.all(rigs.map((rig) => rig.close()));
  for (const mountPoint of mounts) {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  }
});
const needsRoot = { skip: isRoot ? false : 'mounting a small tmpfs needs root (CI runs the tests as root)' };

function tmpfs(size: string): string {
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'backbone-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint]);
  mounts.push(mountPoint);
  return mountPoint;
}

/** Fills the file system but for `leave` bytes; returns a function that frees it. */
function fill(mountPoint: string, leave: number): () => void {
  const filler = path.join(mountPoint, 'filler');
  const stats = statfsSync(mountPoint);
  writeFileSync(filler, Buffer.alloc(Math.max(0, stats.bavail * stats.bsize - leave)));
  return () => rmSync(filler);
}

const MESSAGES = 20_000;

test('a full disk under the disk queue for 20,000 moves, with a kill -9 in it: refused, kept in the journal, every move once', needsRoot, async () => {
  const mountPoint = tmpfs('2m');
  const queueStorage = path.join(mountPoint, 'queue');
  mkdirSync(queueStorage);
  const r = await new FaultRig({ messages: MESSAGES, queueStorage }).setup();
  rigs.push(r);
  let agent = await r.start();
  const free = fill(mountPoint, 0);
  await r.move(MESSAGES / 2, 0);
  await agent.waitForLog(/cannot write to the disk queue .*ENOSPC.*\(\d+ bytes free of \d+\)/);
  await agent.waitForLog(/otlphttp refuses the move records \(disk_full/);
  await waitFor(() => /following/.test(agent.stderr()) && r.transitions().length < MESSAGES / 2, 'moves refused');
  await r.kill(agent);
  await r.move(MESSAGES / 2, 0);
  agent = await r.start();
  free();
  await r.allArrived(60_000);
  await r.stop(agent);
  r.check(1);
  const log = r.lives.map((life) => life.stderr()).join('\n');
  const said = r.lives[0]!.stderr().split('\n').filter((line) => / ERROR +cannot write to the disk queue/.test(line));
  assert.equal(said.length, 1, `said once:\n${said.join('\n')}`);
  assert.doesNotMatch(log, /"stack"|\n\s+at /, 'no stack trace');
  assert.deepEqual(r.queueFiles().filter((name) => name.endsWith('.tmp')), [], 'no temporary file left');
});

test('a full disk under the journal too for 20,000 moves, then SIGTERM: nothing handed on unwritten; what was lost is counted, said with its span, and found again at the next start', needsRoot, async () => {
  const mountPoint = tmpfs('16m');
  const storage = path.join(mountPoint, 'state');
  const queueStorage = path.join(mountPoint, 'queue');
  const r = await new FaultRig({ messages: MESSAGES, queueStorage, storage }).setup();
  rigs.push(r);
  let agent = await r.start();
  const free = fill(mountPoint, 0);
  await r.move(MESSAGES, 0);
  await agent.waitForLog(/cannot write the journal of what was reported/);
  await waitFor(() => r.moves().length === MESSAGES, 'all moved');
  await r.stop(agent);
  const stopping = agent.stderr().split('\n').find((line) => line.includes('stopping while the journal cannot be written'));
  assert.ok(stopping, agent.stderr());
  assert.match(stopping, /: \d+ move\(s\) made between \S+Z and \S+Z were never written and are lost with this process \(counted in otelcol_exporter_enqueue_failed_log_records\)/);
  free();
  agent = await r.start();
  const report = await waitForChains(r, 60_000);
  await r.stop(agent);
  r.checkResends(0);
  const restart = r.transitions().filter((rec) => rec.attributes['backbone.detected_by'] === 'restart');
  assert.ok(restart.length > 0, 'the moves lost with the process are found by the next start');
  for (const rec of restart) assert.match(rec.body, /before the agent restarted \(found at start, after an unclean stop\)|while the agent was stopped/);
  assert.equal(report.records, MESSAGES, 'one record per message, none twice');
});
