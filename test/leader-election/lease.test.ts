// The file lease: every change is one compare-and-swap at the file server (rename of exactly
// the name last seen), the first lease is made by renaming a prepared folder into place, and
// the lease folder always holds exactly one lease file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FileLease, LEASE_FOLDER, type LeaseRecord, parseLeaseName } from '../../src/extensions/leader_election/lease.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const leaseFiles = (dir: string) => readdirSync(path.join(dir, LEASE_FOLDER));

test('names carry counter, epoch and holder; anything else is not a lease', () => {
  assert.deepEqual(parseLeaseName('lease.000000000007.000000000005.node-1_a'), {
    version: 'lease.000000000007.000000000005.node-1_a', counter: 7, epoch: 5, holder: 'node-1_a', released: false,
  });
  assert.equal(parseLeaseName('lease.000000000008.000000000005.node-1.released')?.released, true);
  for (const name of ['lease.1.2.x', 'lease.x.1.a', 'lease.1.1.', 'lease.1.1.a b', '.new-lease-a-xyz', 'lease.1.1.a.tmp']) {
    assert.equal(parseLeaseName(name), undefined, name);
  }
});

test('the first lease: of many agents starting at once, exactly one makes it; later ones cannot make another', async () => {
  for (let round = 0; round < 10; round++) {
    const dir = path.join(tempDir(), 'lease');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => new FileLease(dir).acquire(undefined, `agent-${i}`)));
    const won = results.filter((r) => r !== undefined);
    assert.equal(won.length, 1, `round ${round}`);
    assert.equal(won[0]!.epoch, 1);
    assert.deepEqual(leaseFiles(dir), [won[0]!.version]);
    assert.deepEqual(readdirSync(dir).sort(), [LEASE_FOLDER], 'no staging folder left');
    // An agent whose view is stale (it saw no lease) cannot start a second one.
    assert.equal(await new FileLease(dir).acquire(undefined, 'late'), undefined);
    assert.equal(leaseFiles(dir).length, 1);
  }
});

test('the first lease between processes: exactly one of several processes makes it', async () => {
  const dir = path.join(tempDir(), 'lease');
  const child = fileURLToPath(new URL('../helpers/lease-acquire-child.ts', import.meta.url));
  const go = Date.now() + 700;
  const outputs = await Promise.all(Array.from({ length: 6 }, (_, i) => new Promise<string>((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dir, `p${i}`, String(go)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    proc.stdout.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    proc.on('exit', (code) => (code === 0 ? resolve(text.trim()) : reject(new Error(`child exited ${code}`))));
  })));
  assert.equal(outputs.filter((o) => o === 'won').length, 1, outputs.join(' '));
  assert.equal(leaseFiles(dir).length, 1);
});

test('takeover is a compare-and-swap: one of several standbys wins, and the old holder learns it at its next renewal', async () => {
  const dir = path.join(tempDir(), 'lease');
  const holder = new FileLease(dir);
  let mine = (await holder.acquire(undefined, 'holder'))!;
  mine = (await holder.renew(mine))!;
  assert.equal(mine.epoch, 1, 'a renewal keeps the epoch');
  const seen = (await new FileLease(dir).observe())!;
  assert.equal(seen.version, mine.version);

  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => new FileLease(dir).acquire(seen, `standby-${i}`)));
  const won = results.filter((r): r is LeaseRecord => r !== undefined);
  assert.equal(won.length, 1);
  assert.ok(won[0]!.epoch > mine.epoch, 'a new term, a higher epoch');
  assert.equal(await holder.renew(mine), undefined, 'the old holder cannot renew');
  assert.deepEqual(leaseFiles(dir), [won[0]!.version]);

  // A standby acting on what it saw before (a stale directory cache, a pause) never wins.
  assert.equal(await new FileLease(dir).acquire(seen, 'stale'), undefined);
  // Nor does a renewal racing a takeover and losing.
  const newHolder = new FileLease(dir);
  const current = (await newHolder.observe())!;
  const [renewed, taken] = await Promise.all([newHolder.renew(won[0]!), new FileLease(dir).acquire(current, 'racer')]);
  assert.ok((renewed === undefined) !== (taken === undefined), 'exactly one of the two');
  assert.equal(leaseFiles(dir).length, 1);
});

test('release: a standby may take the lease at once; releasing a lease already taken changes nothing', async () => {
  const dir = path.join(tempDir(), 'lease');
  const a = new FileLease(dir);
  const mine = (await a.acquire(undefined, 'a'))!;
  await a.release(mine);
  const seen = (await a.observe())!;
  assert.equal(seen.released, true);
  assert.equal(seen.epoch, mine.epoch);
  const taken = (await new FileLease(dir).acquire(seen, 'b'))!;
  assert.equal(taken.holder, 'b');
  await a.release(mine);
  assert.deepEqual(leaseFiles(dir), [taken.version]);
});

test('lease_dir: created when missing; a folder that cannot be written is reported at start', async (t) => {
  const dir = path.join(tempDir(), 'a', 'b');
  await new FileLease(dir).prepare();
  assert.ok(readdirSync(dir).length === 0);
  if (process.getuid?.() === 0) {
    t.diagnostic('running as root: permissions are not enforced');
    return;
  }
  const readOnly = path.join(tempDir(), 'ro');
  mkdirSync(readOnly, { mode: 0o555 });
  await assert.rejects(new FileLease(readOnly).prepare(), /EACCES/);
});
