// The main thread's side of scan-worker.ts: one worker, one scan at a time. A worker stuck in a
// system call (a hung NFS server) is abandoned after the scan timeout plus a grace period, and a
// new one is started for the next scan. Between scans far apart (collection_interval is 30 s
// and more in the examples) the worker is not kept: an idle worker is a V8 isolate of its own,
// about 10 MB of resident memory (docs/performance.md, "memory"), against some 30 ms to start
// one for the next scan.
import type { Worker } from 'node:worker_threads';
import type { ScanOptions, ScanResult } from './scanner.ts';

const GRACE_MS = 5_000;
/** A worker no scan asked for this long is ended; the next scan starts a new one. */
const IDLE_MS = 5_000;

type Reply = { ok: true; result: ScanResult } | { ok: false; error: string };

export class ScanThreadStuck extends Error {}

export class ScanThread {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly idleMs: number;

  constructor(options: { idleMs?: number } = {}) {
    this.idleMs = options.idleMs ?? IDLE_MS;
  }

  /** True while a worker is resident (tests). */
  get resident(): boolean {
    return this.worker !== undefined;
  }

  scan(options: ScanOptions): Promise<ScanResult> {
    clearTimeout(this.idleTimer);
    const worker = (this.worker ??= this.spawn());
    return new Promise<ScanResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.discard(worker);
        reject(new ScanThreadStuck(`no answer from the file system within ${options.timeoutMs + GRACE_MS} ms`));
      }, options.timeoutMs + GRACE_MS);
      const onMessage = (reply: Reply) => {
        cleanup();
        this.endWhenIdle(worker);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error));
      };
      const onError = (error: Error) => {
        cleanup();
        this.discard(worker);
        reject(error);
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(options);
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private spawn(): Worker {
    // Built to JavaScript (npm run build) the worker is scan-worker.js. A small young
    // generation keeps the worker's memory low: it makes short-lived garbage only.
    const file = import.meta.url.endsWith('.ts') ? './scan-worker.ts' : './scan-worker.js';
    // node:worker_threads is taken when the first worker starts: most installations never start one (scan-placement.ts).
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const worker = new Worker(new URL(file, import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    worker.unref();
    return worker;
  }

  private endWhenIdle(worker: Worker): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.worker === worker) this.discard(worker);
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private discard(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
  }
}
