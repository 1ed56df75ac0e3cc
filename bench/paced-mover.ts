// The throughput benchmark's mover, a process of its own as Backbone is:
//   node bench/paced-mover.ts PLAN.json
// renames the plan's messages at a steady rate (moves per second, spread evenly, not in
// bursts) and writes the time of every rename (ms since the epoch, as Float64) to
// PLAN.json.times. The plan is made by throughputPlan(), which the benchmark shares.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface MovePlan {
  /** Project folders (…/INT-n/AP-n); messages are dealt out over them in turn. */
  projects: string[];
  /** Messages, named `${prefix}${i}.bac`, waiting in receive/ of their project. */
  count: number;
  prefix: string;
  /** Moves per second. */
  rate: number;
}

/**
 * Where message i goes, as Backbone spreads them: 7 in 10 to processed (a lookup-only state,
 * never listed), 1 to waiting, 1 to error/<issue> (50 issue folders, made on the way, as
 * Backbone makes them), 1 to outdated.
 */
export function destination(i: number): { folder: string; state: string } {
  const kind = i % 10;
  if (kind < 7) return { folder: 'receive/processed', state: 'processed' };
  if (kind === 7) return { folder: 'receive/waiting', state: 'waiting' };
  if (kind === 8) return { folder: `receive/error/PB-${i % 50}`, state: 'error' };
  return { folder: 'receive/outdated', state: 'outdated' };
}

export function messageAt(plan: MovePlan, i: number): { name: string; project: string } {
  return { name: `${plan.prefix}${i}.bac`, project: plan.projects[i % plan.projects.length]! };
}

const now = () => performance.timeOrigin + performance.now();

if (import.meta.main) {
  const file = process.argv[2]!;
  const plan = JSON.parse(readFileSync(file, 'utf8')) as MovePlan;
  const times = new Float64Array(plan.count);
  const made = new Set<string>();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const interval = 1000 / plan.rate;
  const start = now();
  for (let i = 0; i < plan.count; i++) {
    const due = start + i * interval;
    const wait = due - now();
    if (wait > 0.2) Atomics.wait(sleeper, 0, 0, wait);
    const { name, project } = messageAt(plan, i);
    const to = path.join(project, destination(i).folder);
    if (!made.has(to)) {
      mkdirSync(to, { recursive: true });
      made.add(to);
    }
    renameSync(path.join(project, 'receive', name), path.join(to, name));
    times[i] = now();
  }
  writeFileSync(`${file}.times`, times);
}
