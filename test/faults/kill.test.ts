// kill -9 while messages move: at random moments (seeds printed, several runs), and exactly at
// the named points between the writes (queue file written / renamed / sent, checkpoint
// committed / written). After each kill the agent starts again; at the end the records
// received are the moves made, each once (the one re-send allowed per kill: a request the
// backend accepted just before it, sent again byte for byte).
import { test } from 'node:test';
import { seededRandom, startRig } from '../helpers/fault-rig.ts';
import { waitFor } from '../helpers/wait-for.ts';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('kill -9 at random moments in a stream of moves: every move once', async (t) => {
  const seeds = (process.env.FAULT_SEEDS ?? `${Date.now() % 100_000},${(Date.now() * 7) % 100_000}`).split(',').map(Number);
  for (const seed of seeds) {
    t.diagnostic(`seed ${seed} (FAULT_SEEDS=${seed} repeats this run)`);
    const random = seededRandom(seed);
    const r = await startRig(160);
    let agent = await r.start();
    let kills = 0;
    // Two streams of 80 moves, each cut by a kill at a random moment (the checkpoint is
    // written about once a second, the queue every 200 ms: anywhere between or during them).
    for (let stream = 0; stream < 2; stream++) {
      const moving = r.move(80, 5);
      // A kill (at a random moment) while moves are made...
      await delay(Math.floor(random() * 1200));
      await r.kill(agent);
      kills++;
      // ...and some made while the agent is down, reported as restart.
      await moving;
      agent = await r.start();
    }
    await r.allArrived();
    await r.stop(agent);
    const { duplicates } = r.check(kills);
    t.diagnostic(`seed ${seed}: ${r.moves().length} moves, ${kills} kills, ${duplicates} record(s) re-sent in whole requests`);
  }
});

test('kill -9 at each point between the writes: every move once', async (t) => {
  const r = await startRig(500);
  const points = ['moves-found:2', 'journal-written:2', 'queue-written:2', 'queue-renamed:2', 'moves-accepted:2', 'queue-sent:1', 'checkpoint-written:1'];
  let agent = await r.start();
  await r.stop(agent);
  for (const point of points) {
    agent = await r.start({ BACKBONE_OTEL_CRASH_AT: point }, true);
    const moving = r.move(60, 10);
    await waitFor(() => agent.child.signalCode === 'SIGKILL', `the agent to kill itself at ${point}\n${agent.stderr()}`, 20_000);
    await moving;
    t.diagnostic(`killed at ${point}`);
  }
  agent = await r.start();
  await r.allArrived();
  await r.stop(agent);
  // A kill can fall after the backend accepted the request in flight and before the agent
  // removed its file: queue-sent on purpose, the other points when an answer is on its way
  // (more likely on a loaded machine). The queue sends one request at a time, so at most one
  // whole request per kill comes again, byte for byte (docs/operations.md, step 6).
  const { duplicates } = r.check(points.length);
  t.diagnostic(`${r.moves().length} moves, ${duplicates} record(s) re-sent in one whole request`);
});
