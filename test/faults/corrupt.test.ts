// Damaged files: queue files cut short or changed on disk are set aside and said, with the
// number of records they held (those are not sent, everything else is, once); a corrupt
// checkpoint means a fresh start, said, and the moves made meanwhile are not invented.
import assert from 'node:assert/strict';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { type FaultRig, startRig } from '../helpers/fault-rig.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Log records in the queue files, by file, from their headers. */
function queued(r: FaultRig): Map<string, number> {
  const items = new Map<string, number>();
  for (const name of r.queueFiles().filter((n) => n.endsWith('.otlp'))) {
    items.set(name, readFileSync(path.join(r.queueDir, name)).readUInt32LE(8));
  }
  return items;
}

test('a queue file cut short and one changed: set aside and said with their records; the rest arrives once', async () => {
  const r = await startRig(60);
  let agent = await r.start();
  await r.otlp.refuseConnections();
  await r.move(60, 10);
  await waitFor(() => [...queued(r).values()].reduce((a, b) => a + b, 0) === 60, 'every move queued on disk');
  await r.stop(agent);
  const files = [...queued(r)].sort();
  assert.ok(files.length >= 3, `several requests queued: ${files.length}`);
  const [cut, changed] = [files[0]!, files[1]!];
  truncateSync(path.join(r.queueDir, cut[0]), 40);
  const bytes = readFileSync(path.join(r.queueDir, changed[0]));
  bytes[30] = bytes[30]! ^ 0xff;
  writeFileSync(path.join(r.queueDir, changed[0]), bytes);

  await r.otlp.acceptConnections();
  agent = await r.start();
  const lost = cut[1] + changed[1];
  await waitFor(() => r.transitions().length === 60 - lost, `the rest delivered\n${r.report()}`);
  await r.stop(agent);
  const log = agent.stderr();
  for (const [name, items] of [cut, changed]) {
    assert.match(log, new RegExp(`${name.replace('.', '\\.')} is unreadable .*set aside as ${name.replace('.otlp', '\\.corrupt')}: its ${items} item\\(s\\) are not sent`));
  }
  const received = new Set(r.transitions().map((record) => String(record.attributes['backbone.message'])));
  const missing = new Set(r.moves().map((move) => move.name).filter((name) => !received.has(name)));
  assert.equal(missing.size, lost, 'what did not arrive is what the agent said it could not send');
  r.check(0, missing);
});

test('a corrupt checkpoint: a fresh start, said; moves made while stopped are not invented, later ones arrive once', async () => {
  const r = await startRig(60);
  let agent = await r.start();
  await r.move(20, 3);
  await r.allArrived();
  await r.stop(agent);
  const text = readFileSync(r.checkpointFile, 'utf8');
  writeFileSync(r.checkpointFile, text.slice(0, Math.floor(text.length / 2)));
  await r.move(20, 0);
  const whileStopped = new Set(r.moves().slice(20).map((move) => move.name));
  agent = await r.start();
  assert.match(agent.stderr(), /the checkpoint .* is corrupt .*fresh start.*moves made while the agent was stopped are not known/);
  await r.move(20, 3);
  await waitFor(() => r.transitions().length === 40, `the moves after the restart\n${r.report()}`);
  await r.stop(agent);
  r.check(0, whileStopped);
});
