// A mover for the fault-injection tests: renames files one after the other (every
// `intervalMs`), as Backbone moves messages, and writes a journal line for each rename once it
// is made (the file's name, from, to and inode): the set of moves that really happened, to be
// compared with what the agent reported. Reads {moves, intervalMs, journal} as JSON on stdin.
import { appendFileSync, lstatSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';

interface Plan {
  moves: { from: string; to: string }[];
  intervalMs: number;
  journal: string;
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const plan = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Plan;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
for (const move of plan.moves) {
  mkdirSync(path.dirname(move.to), { recursive: true });
  renameSync(move.from, move.to);
  const ino = lstatSync(move.to).ino;
  appendFileSync(plan.journal, `${JSON.stringify({ name: path.basename(move.to), from: move.from, to: move.to, ino })}\n`);
  if (plan.intervalMs > 0) Atomics.wait(sleeper, 0, 0, plan.intervalMs);
}
process.stdout.write(JSON.stringify({ done: plan.moves.length }) + '\n');
