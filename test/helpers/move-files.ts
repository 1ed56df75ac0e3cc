// Runs file operations in a child process (mover-child.ts) and waits until it is done.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type MoveOp =
  | { op: 'rename'; from: string; to: string }
  | { op: 'create'; path: string; content?: string }
  | { op: 'remove'; path: string }
  | { op: 'mkdir'; path: string };

const CHILD = fileURLToPath(new URL('./mover-child.ts', import.meta.url));

export async function moveInOtherProcess(ops: readonly MoveOp[]): Promise<void> {
  const child = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdin.end(JSON.stringify(ops));
  const code = await exited;
  if (code !== 0) throw new Error(`mover exited with ${code}: ${output}`);
}
