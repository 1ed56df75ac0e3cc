// A separate process that moves files as Backbone does (renames; creates and deletes for
// messages arriving and leaving), so that the agent under test sees another process's changes.
// Reads a JSON array of MoveOp from stdin; prints {"done": n} when finished.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MoveOp } from './move-files.ts';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const ops = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MoveOp[];
for (const op of ops) {
  switch (op.op) {
    case 'rename':
      mkdirSync(path.dirname(op.to), { recursive: true });
      renameSync(op.from, op.to);
      break;
    case 'create':
      mkdirSync(path.dirname(op.path), { recursive: true });
      writeFileSync(op.path, op.content ?? 'message');
      break;
    case 'remove':
      rmSync(op.path, { force: true, recursive: true });
      break;
    case 'mkdir':
      mkdirSync(op.path, { recursive: true });
      break;
  }
}
process.stdout.write(JSON.stringify({ done: ops.length }) + '\n');
