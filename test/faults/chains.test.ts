// Messages that move two and three times (receive -> waiting -> processed; receive -> error/ISSUE
// -> processed; back and forth), under kill -9 at random moments and at every named write point,
// and a new project folder filled and moved at once. Each run is compared with the mover's
// journal by chains (helpers/chains.ts): per message, the records link its first state to its
// last, with no branch; only a restart may stand for several moves, and nothing is reported
// twice under different keys.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { type checkChains, waitForChains } from '../helpers/chains.ts';
import { type FaultRig, seededRandom, startRig } from '../helpers/fault-rig.ts';
import { waitFor } from '../helpers/wait-for.ts';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The routes of message i: three patterns, by i. */
function route(i: number): string[] {
  switch (i % 3) {
    case 0: return ['receive', 'waiting', 'processed'];
    case 1: return ['receive', 'error/ISS-1', 'processed'];
    default: return ['receive', 'waiting', 'receive', 'waiting', 'processed'];
  }
}

/** Hop `hop` of every message that has one, in message order. */
function phase(r: FaultRig, count: number, hop: number): { from: string; to: string }[] {
  const moves: { from: string; to: string }[] = [];
  for (let i = 0; i < count; i++) {
    const steps = route(i);
    if (hop + 1 < steps.length) moves.push({ from: r.at(i, steps[hop]!), to: r.at(i, steps[hop + 1]!) });
  }
  return moves;
}

async function allChained(r: FaultRig, resends: number): Promise<ReturnType<typeof checkChains>> {
  const report = await waitForChains(r);
  r.checkResends(resends);
  return report;
}

test('kill -9 at random moments while messages move two and three times: every chain whole, nothing under another key', async (t) => {
  const seeds = (process.env.FAULT_SEEDS ?? `${Date.now() % 100_000}`).split(',').map(Number);
  for (const seed of seeds) {
    t.diagnostic(`seed ${seed} (FAULT_SEEDS=${seed} repeats this run)`);
    const random = seededRandom(seed);
    const count = 90;
    const r = await startRig(count);
    let agent = await r.start();
    let kills = 0;
    for (let hop = 0; hop < 4; hop++) {
      const moving = r.moveFiles(phase(r, count, hop), 6);
      await delay(Math.floor(random() * 500));
      await r.kill(agent);
      kills++;
      await moving;
      agent = await r.start();
      // Some time between phases, so that moves made well before the next kill are found one by one.
      await delay(300);
    }
    const report = await allChained(r, kills);
    await r.stop(agent);
    t.diagnostic(`seed ${seed}: ${r.moves().length} moves of ${report.messages} messages, ${report.records} records, ${kills} kills, ${report.collapsed} restart record(s) standing for several moves`);
  }
});

test('kill -9 at each named write point while messages move twice: every chain whole', async (t) => {
  const count = 60;
  const r = await startRig(count);
  const points = ['moves-found:2', 'journal-written:2', 'queue-written:2', 'queue-renamed:2', 'moves-accepted:2', 'queue-sent:1', 'checkpoint-written:1'];
  let agent = await r.start();
  await r.stop(agent);
  let hop = 0;
  for (const point of points) {
    agent = await r.start({ BACKBONE_OTEL_CRASH_AT: point }, true);
    // Half the messages take their next hop (two phases per route length, cycled).
    const moves = phase(r, count, hop % 4);
    hop++;
    const moving = r.moveFiles(moves, 10);
    await waitFor(() => agent.child.signalCode === 'SIGKILL', `the agent to kill itself at ${point}\n${agent.stderr()}`, 20_000);
    await moving;
    t.diagnostic(`killed at ${point}`);
    if (hop === 4) break;
  }
  agent = await r.start();
  const report = await allChained(r, points.length);
  await r.stop(agent);
  t.diagnostic(`${r.moves().length} moves, ${report.records} records, ${report.collapsed} restart record(s) standing for several moves`);
});

test('a new project folder whose files appear and move at once: each file appears, then moves, once', async () => {
  // Native mode: the case where watches are added after the folder is seen.
  const r = await startRig(2, { watchMethod: 'native' });
  const agent = await r.start();
  const project = path.join(r.root, 'INT-16', 'AP-77');
  const names = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(6, '0')}.new`);
  mkdirSync(path.join(project, 'receive', 'waiting'), { recursive: true });
  for (const name of names) writeFileSync(path.join(project, 'receive', name), 'message');
  const moves = names.map((name) => ({ from: path.join(project, 'receive', name), to: path.join(project, 'receive', 'waiting', name) }));
  await r.moveFiles(moves, 0);
  await waitFor(() => {
    const seen = new Set(r.transitions().filter((rec) => rec.attributes['backbone.project'] === 'AP-77' && rec.attributes['backbone.to_state'] === 'waiting').map((rec) => rec.attributes['backbone.message']));
    return names.every((name) => seen.has(name));
  }, `every new message reported in waiting\n${r.report()}`, 20_000);
  const records = r.transitions().filter((rec) => rec.attributes['backbone.project'] === 'AP-77');
  for (const name of names) {
    const mine = records.filter((rec) => rec.attributes['backbone.message'] === name)
      .map((rec) => `${String(rec.attributes['backbone.from_state'])}->${String(rec.attributes['backbone.to_state'])}`).sort();
    // Either seen in receive first (then the move), or only once it was in waiting: never both, never twice.
    assert.ok(
      JSON.stringify(mine) === JSON.stringify(['none->receive', 'receive->waiting']) || JSON.stringify(mine) === JSON.stringify(['none->waiting']),
      `${name}: ${mine.join(', ')}`,
    );
  }
  await r.stop(agent);
});
