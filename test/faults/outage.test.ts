// A backend outage with the disk queue: kill -9 during it and a restart during it; then a
// backend that hangs, answers 429 with Retry-After and 503; and one that answers 500, which
// OTLP says must not be retried: the agent drops that request and says what it could not send.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRig } from '../helpers/fault-rig.ts';
import { waitFor } from '../helpers/wait-for.ts';

test('an outage: kill -9 during it, a restart during it, then recovery: every move once', async () => {
  const r = await startRig(150);
  let agent = await r.start();
  await r.otlp.refuseConnections();
  const moving = r.move(60, 5);
  await waitFor(() => r.queueFiles().some((name) => name.endsWith('.otlp')), 'requests waiting on disk');
  await r.kill(agent);
  await moving;
  agent = await r.start();
  await r.move(60, 2);
  await r.stop(agent);
  agent = await r.start();
  await r.move(30, 2);
  await r.otlp.acceptConnections();
  await r.allArrived();
  await r.stop(agent);
  r.check(0);
  assert.match(r.lives.at(-1)!.stderr(), /sending log records to .* works again/);
});

test('a backend that hangs, answers 429 with Retry-After, then 503: every move once', async () => {
  const r = await startRig(80);
  const agent = await r.start();
  r.otlp.script.push('hang', { status: 429, retryAfter: '1' }, 503, 503);
  await r.move(80, 3);
  await r.allArrived();
  await r.stop(agent);
  r.check(0);
  const answers = r.otlp.attempts.filter((a) => a.path.endsWith('/v1/logs')).map((a) => a.answer).slice(0, 4);
  assert.deepEqual(answers, ['hang', 429, 503, 503]);
  assert.match(agent.stderr(), /no answer within 1000 ms/);
});

test('a backend that answers 500: that request is dropped (OTLP: not retried), said and counted; every other move once', async () => {
  const r = await startRig(60);
  const agent = await r.start();
  r.otlp.script.push(500);
  await r.move(60, 3);
  await waitFor(() => r.transitions().length + (r.otlp.attempts.find((a) => a.answer === 500)?.items ?? 0) >= 60, `the rest delivered\n${r.report()}`);
  await r.stop(agent);
  const refused = r.otlp.attempts.find((a) => a.answer === 500)!.items;
  assert.ok(refused > 0);
  const received = new Set(r.transitions().map((record) => String(record.attributes['backbone.message'])));
  const missing = new Set(r.moves().map((move) => move.name).filter((name) => !received.has(name)));
  assert.equal(missing.size, refused, 'what is missing is exactly what the backend refused');
  r.check(0, missing);
  assert.match(agent.stderr(), /refused log records: 500/);
  assert.match(agent.stderr(), new RegExp(`since start: ${60 - refused} log records sent, ${refused} dropped`));
});
