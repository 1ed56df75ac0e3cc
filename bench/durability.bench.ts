// What durable writes cost: the disk queue writes each request to a temporary file, fsyncs
// it, renames it and fsyncs the folder once per batch (disk-queue.ts); the checkpoint is
// written the same way. Measured against the same writes without fsync (what the agent did
// before), in the same run, on the disk under BENCH_DIR:
//   requests/s the disk queue takes (each a batch of moves, as the exporter makes them),
//   the moves/s that makes at the largest batch (2048 records), and
//   the time to write a checkpoint of 10,000 followed messages.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AgentLog } from '../src/diagnostics/agent-log.ts';
import { DiskQueue } from '../src/exporters/delivery/disk-queue.ts';
import type { Payload } from '../src/exporters/delivery/payload.ts';
import { realWatcherFs } from '../src/receivers/backbone_events/watcher-fs.ts';
import { benchRoot, formatTable, median, type Row, say, writeResults } from './bench-kit.ts';

const REQUESTS = 400;
const RECORDS = 20;
const RUNS = 3;
const root = path.join(benchRoot(), 'durability');

function payload(): Payload {
  // A request of 20 move records is about 2.5 KB compressed; the keys ride along.
  return {
    signal: 'logs', encoding: 'protobuf', compression: 'gzip', items: RECORDS, body: randomBytes(2500),
    uids: Array.from({ length: RECORDS }, () => randomBytes(16).toString('hex')),
  };
}

/** Requests per second through the disk queue (write, fsync, rename; folder fsync per request, as a batch of one). */
async function queueRate(): Promise<number> {
  const dir = path.join(root, 'queue');
  rmSync(dir, { recursive: true, force: true });
  const queue = new DiskQueue(dir, { items: 10_000_000, bytes: 1024 ** 3 }, new AgentLog({ level: 'error' }));
  const payloads = Array.from({ length: REQUESTS }, payload);
  const started = performance.now();
  for (const p of payloads) await queue.push(p);
  const seconds = (performance.now() - started) / 1000;
  await queue.close();
  rmSync(dir, { recursive: true, force: true });
  return REQUESTS / seconds;
}

/** The same bytes written as before: temporary file and rename, no fsync. */
function plainRate(): number {
  const dir = path.join(root, 'plain');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const payloads = Array.from({ length: REQUESTS }, payload);
  const started = performance.now();
  payloads.forEach((p, i) => {
    const file = path.join(dir, `${String(i).padStart(16, '0')}.otlp`);
    writeFileSync(`${file}.tmp`, Buffer.concat([Buffer.alloc(24), p.body, Buffer.from(p.uids!.join('\n'))]));
    renameSync(`${file}.tmp`, file);
  });
  const seconds = (performance.now() - started) / 1000;
  if (readdirSync(dir).length !== REQUESTS) throw new Error('plain writes went missing');
  rmSync(dir, { recursive: true, force: true });
  return REQUESTS / seconds;
}

const checkpointText = JSON.stringify({
  version: 2, layout: 'x', savedAtMs: Date.now(),
  entries: Array.from({ length: 100 }, (_, f) => [`INT-${f}/AP-1/receive`, Array.from({ length: 100 }, (_, i) => `${i}.bac`),
    Array.from({ length: 100 }, () => Date.now()), Array.from({ length: 100 }, (_, i) => 1_000_000 + i)]),
});

async function checkpointMs(durable: boolean): Promise<number> {
  const file = path.join(root, 'backbone_events.checkpoint.json');
  const started = performance.now();
  if (durable) await realWatcherFs.writeFileAtomic(file, checkpointText);
  else {
    writeFileSync(`${file}.tmp`, checkpointText);
    renameSync(`${file}.tmp`, file);
  }
  return performance.now() - started;
}

mkdirSync(root, { recursive: true });
const withFsync: number[] = [];
const without: number[] = [];
const cpDurable: number[] = [];
const cpPlain: number[] = [];
for (let run = 0; run < RUNS; run++) {
  without.push(plainRate());
  withFsync.push(await queueRate());
  for (let i = 0; i < 5; i++) {
    cpPlain.push(await checkpointMs(false));
    cpDurable.push(await checkpointMs(true));
  }
}
rmSync(root, { recursive: true, force: true });

const rate = median(withFsync);
const rows: Row[] = [
  {
    figure: 'disk queue, requests/s (write + fsync + rename + folder fsync)', agent: rate, baseline: median(without),
    baselineName: 'no fsync', unit: 'req/s', target: 25, targetKind: 'atLeast',
  },
  {
    figure: 'moves/s the disk queue takes at 2048 records per request', agent: rate * 2048, baseline: median(without) * 2048,
    baselineName: 'no fsync', unit: 'moves/s', target: 10_000, targetKind: 'atLeast',
  },
  {
    figure: 'checkpoint of 10,000 messages written (fsync of file and folder)', agent: median(cpDurable), baseline: median(cpPlain),
    baselineName: 'no fsync', unit: 'ms', target: 500, targetKind: 'absolute',
  },
];
say(formatTable(rows));
say(`results: ${writeResults('durability', rows, { requests: REQUESTS, recordsPerRequest: RECORDS, runs: RUNS })}`);
