// The elector's timing over a lease backend: a standby takes over only after the lease went
// unrenewed for lease_duration, within lease_duration + renew_interval; a leader's term ends at
// its deadline even while a renewal hangs, and stays ended; a renewal that finds another
// holder ends it at once; stop and resign hand the lease over. Then the whole over the file
// lease, between processes that are paused and killed at random: never two holders at once.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { LeaderElector, type LeadershipChange } from '../../src/extensions/leader_election/elector.ts';
import type { LeaseBackend, LeaseRecord } from '../../src/extensions/leader_election/lease.ts';
import { seededRandom } from '../../src/simulator/random.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** A lease in memory with the file lease's semantics, whose renewals can be made to hang. */
class MemoryLease implements LeaseBackend {
  readonly description = 'memory lease';
  current: (LeaseRecord & { counter: number }) | undefined;
  /** Holders whose renewals hang until `unhang()`. */
  readonly hanging = new Set<string>();
  private readonly waiting: (() => void)[] = [];
  releases = 0;

  async prepare(): Promise<void> {}
  async observe(): Promise<LeaseRecord | undefined> {
    return this.current === undefined ? undefined : { ...this.current };
  }
  async acquire(seen: LeaseRecord | undefined, identity: string): Promise<LeaseRecord | undefined> {
    if (seen?.version !== this.current?.version) return undefined;
    const counter = (this.current?.counter ?? 0) + 1;
    this.current = { version: `v${counter}`, counter, epoch: counter, holder: identity, released: false };
    return { ...this.current };
  }
  async renew(mine: LeaseRecord): Promise<LeaseRecord | undefined> {
    if (this.hanging.has(mine.holder)) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.current?.version !== mine.version) return undefined;
    const counter = this.current.counter + 1;
    this.current = { ...this.current, version: `v${counter}`, counter };
    return { ...this.current };
  }
  async release(mine: LeaseRecord): Promise<void> {
    this.releases++;
    if (this.current?.version !== mine.version) return;
    const counter = this.current.counter + 1;
    this.current = { ...this.current, version: `v${counter}`, counter, released: true };
  }
  unhang(): void {
    this.hanging.clear();
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

const D = 300;
const R = 60;
const quiet = new AgentLog({ level: 'error' });
const electors: LeaderElector[] = [];
after(async () => {
  await Promise.all(electors.map((e) => e.stop()));
});

function elector(backend: LeaseBackend, identity: string): { elector: LeaderElector; changes: (LeadershipChange & { at: number })[] } {
  const e = new LeaderElector({ backend, identity, leaseDurationMs: D, renewIntervalMs: R, log: quiet });
  electors.push(e);
  const changes: (LeadershipChange & { at: number })[] = [];
  e.onChange((change) => changes.push({ ...change, at: performance.now() }));
  return { elector: e, changes };
}

test('a standby waits while the leader renews, and takes over within lease_duration + renew_interval once it stops', async () => {
  const backend = new MemoryLease();
  const a = elector(backend, 'a');
  const b = elector(backend, 'b');
  await a.elector.start();
  assert.equal(a.elector.leader, true);
  await b.elector.start();
  assert.equal(b.elector.leader, false);
  // Several lease durations of renewals: the standby stays a standby.
  const renewedUntil = performance.now() + 3 * D;
  await waitFor(() => performance.now() > renewedUntil, 'time to pass');
  assert.equal(b.changes.length, 0);
  assert.equal(a.elector.leader, true);

  // The leader hangs: its renewals never complete (a dead process, a file server that does not answer).
  const lastVersion = backend.current!.version;
  backend.hanging.add('a');
  const hungAt = performance.now();
  await waitFor(() => b.elector.leader, 'b to take over');
  const aEnd = a.changes.find((c) => !c.leader)!;
  const bStart = b.changes.find((c) => c.leader)!;
  assert.ok(aEnd, 'the hung leader saw its term end');
  assert.equal(aEnd.leader === false && aEnd.handedOver, false);
  assert.ok(aEnd.at <= bStart.at, 'the old term ended before the new one began');
  assert.ok(bStart.at - hungAt <= D + R, `takeover ${Math.round(bStart.at - hungAt)} ms after the last renewal began`);
  assert.ok(bStart.term.epoch > aEnd.term.epoch);
  assert.equal(bStart.leader && bStart.term.previousEpoch, aEnd.term.epoch);
  assert.notEqual(backend.current!.version, lastVersion);

  // The hung renewal completes at last: it finds the lease taken; the term stays over.
  backend.unhang();
  await waitFor(() => a.changes.length === 2 && !a.elector.leader && b.elector.leader, 'nothing changes');
  assert.equal(a.elector.holds(aEnd.term.serial), false);
});

test('a term ends at its deadline and stays ended, even when a hung renewal succeeds afterwards; that lease is released', async () => {
  const backend = new MemoryLease();
  const a = elector(backend, 'a');
  await a.elector.start();
  const term = a.elector.current()!;
  backend.hanging.add('a');
  await waitFor(() => a.changes.some((c) => !c.leader), 'the term to end at its deadline');
  assert.equal(a.elector.holds(term.serial), false);
  const releasesBefore = backend.releases;
  backend.unhang();
  // The renewal succeeded (nobody else took the lease), but the term it belonged to is over.
  await waitFor(() => backend.releases > releasesBefore, 'the renewed lease given up');
  assert.equal(a.elector.holds(term.serial), false);
  // Free again: the agent takes it, as a new term.
  await waitFor(() => a.elector.leader, 'a new term');
  assert.ok(a.elector.current()!.epoch > term.epoch);
});

test('a renewal that finds another holder ends the term at once', async () => {
  const backend = new MemoryLease();
  const a = elector(backend, 'a');
  await a.elector.start();
  const term = a.elector.current()!;
  backend.current = { version: 'v99', counter: 99, epoch: 99, holder: 'intruder', released: false };
  const changedAt = performance.now();
  await waitFor(() => !a.elector.leader, 'the term to end');
  const end = a.changes.at(-1)!;
  assert.ok(!end.leader && /another agent took the lease over/.test(end.reason));
  assert.ok(performance.now() - changedAt < D, 'before the deadline');
  assert.equal(a.elector.holds(term.serial), false);
});

test('stop hands the lease over: a standby takes it at once; resign holds the agent back', async () => {
  const backend = new MemoryLease();
  const a = elector(backend, 'a');
  const b = elector(backend, 'b');
  await a.elector.start();
  await b.elector.start();
  const stoppedAt = performance.now();
  await a.elector.stop();
  const handedOver = a.changes.at(-1)!;
  assert.ok(!handedOver.leader && handedOver.handedOver);
  await waitFor(() => b.elector.leader, 'b to take over');
  assert.ok(performance.now() - stoppedAt < D / 2, 'without waiting for the lease to expire');

  const c = elector(backend, 'c');
  await c.elector.start();
  await b.elector.resign('could not start', 4 * D);
  await waitFor(() => c.elector.leader, 'c to take over');
  const resignedAt = performance.now();
  await c.elector.stop();
  await waitFor(() => b.elector.leader, 'b to come back after its hold-off');
  assert.ok(performance.now() - resignedAt >= 2 * D, 'not before the hold-off');
});

test('over the file lease, between processes paused and killed at random: never two holders at once, and always one again', async () => {
  const dir = tempDir();
  const leaseDir = path.join(dir, 'lease');
  const child = fileURLToPath(new URL('../helpers/elector-child.ts', import.meta.url));
  const leaseMs = 400;
  const renewMs = 100;
  const outputs: string[] = [];
  const running: ChildProcess[] = [];
  const paused = new Set<ChildProcess>();
  const launch = () => {
    const out = path.join(dir, `c${outputs.length}.log`);
    outputs.push(out);
    const proc = spawn(process.execPath, [child, leaseDir, String(leaseMs), String(renewMs), out], { stdio: 'ignore' });
    running.push(proc);
    return proc;
  };
  after(() => {
    for (const proc of running) {
      proc.kill('SIGCONT');
      proc.kill('SIGKILL');
    }
  });
  for (let i = 0; i < 4; i++) launch();

  const random = seededRandom(17);
  const holderNow = () => running.find((proc, i) => {
    if (paused.has(proc) || proc.exitCode !== null || proc.signalCode !== null || !existsSync(outputs[i]!)) return false;
    const lines = readFileSync(outputs[i]!, 'utf8').trim().split('\n');
    return lines.some((l) => l.startsWith('start')) && !lines.at(-1)!.startsWith('end');
  });
  const until = Date.now() + 6000;
  let disturbances = 0;
  while (Date.now() < until) {
    const holder = await waitFor(holderNow, 'a holder', 5000);
    await new Promise((resolve) => setTimeout(resolve, 150 + random() * 250));
    disturbances++;
    if (random() < 0.25) {
      holder.kill('SIGKILL');
      launch();
      continue;
    }
    // A pause shorter or longer than the lease.
    holder.kill('SIGSTOP');
    paused.add(holder);
    setTimeout(() => { holder.kill('SIGCONT'); paused.delete(holder); }, 100 + random() * 800).unref();
  }
  await waitFor(() => paused.size === 0, 'all resumed');
  await waitFor(holderNow, 'a holder at the end', 5000);
  for (const proc of running) {
    proc.kill('SIGCONT');
    proc.kill('SIGKILL');
  }

  // Every term as its holder saw it hold: from the first to the last moment it was sure.
  const terms: { who: number; epoch: number; from: number; to: number }[] = [];
  outputs.forEach((file, who) => {
    if (!existsSync(file)) return;
    const byEpoch = new Map<number, number[]>();
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const [kind, epoch, at] = line.split(' ');
      if (kind !== 'held') continue;
      byEpoch.set(Number(epoch), [...(byEpoch.get(Number(epoch)) ?? []), Number(at)]);
    }
    for (const [epoch, times] of byEpoch) terms.push({ who, epoch, from: Math.min(...times), to: Math.max(...times) });
  });
  terms.sort((x, y) => x.from - y.from);
  assert.ok(terms.length >= 4, `leadership changed hands (${terms.length} terms, ${disturbances} disturbances)`);
  for (let i = 1; i < terms.length; i++) {
    const [previous, next] = [terms[i - 1]!, terms[i]!];
    assert.ok(next.from > previous.to, `two holders at once: ${JSON.stringify(previous)} and ${JSON.stringify(next)}`);
    assert.ok(next.epoch > previous.epoch, `epochs grow: ${JSON.stringify(previous)} then ${JSON.stringify(next)}`);
  }
});

test('a standby whose takeover gate is closed leaves a free lease to another, and takes it once the gate opens', async () => {
  const backend = new MemoryLease();
  const a = elector(backend, 'a');
  const b = elector(backend, 'b');
  const c = elector(backend, 'c');
  await a.elector.start();
  assert.equal(a.elector.leader, true);
  let bMay = false;
  let bAsked = 0;
  b.elector.setTakeoverGate(() => { bAsked++; return bMay; });
  await b.elector.start();
  await c.elector.start();

  // The leader hands over: of the two standbys, the one whose gate is open takes it.
  await a.elector.resign('its Jira does not answer', 60_000);
  await waitFor(() => c.elector.leader, 'c to take the released lease');
  assert.equal(b.elector.leader, false);

  // c stops too: b, its gate closed, looks at the free lease and leaves it; opened, it takes it.
  await c.elector.stop();
  const asked = bAsked;
  await waitFor(() => bAsked >= asked + 2, 'b to look at the free lease twice');
  assert.equal(b.elector.leader, false);
  assert.equal(backend.current?.released, true);
  bMay = true;
  await waitFor(() => b.elector.leader, 'b to take the lease once its gate opens');
});
