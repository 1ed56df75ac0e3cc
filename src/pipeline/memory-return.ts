// Gives the pages V8 no longer uses back to the system. V8 keeps the pages its heap gave up in
// a pool for reuse, and returns them only under memory pressure (a "last resort" collection):
// after a burst of garbage (a status page of 800 projects, a scrape, a listing of a big
// folder) the heap shrinks and the process keeps its RSS. Measured: a 1.4 MB text built ten
// times left RSS at 154 MB with 18 MB of heap; the last-resort collection took it to 66 MB. In
// the status-page bench (800 projects) it takes the agent from 243 to 169 MB.
//
// Every 5 s the agent looks at the memory outside the heap (RSS minus heap minus external
// memory). The first time after the start, and then whenever it grew by 16 MB since it was
// last lowest, it runs that collection (some 60 ms at 50 MB of heap), unless the event loop
// was busy more than a quarter of those seconds: the collection pauses it (at 4,000 moves a
// second such a pause showed in the lag's p99), and under load the pool is reused anyway. In the idle bench the first one takes 4 MB off.
// It needs `gc`, which the agent's own V8 settings expose (src/cli/v8-settings.ts); without
// it, nothing is done.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

const CHECK_EVERY_MS = 5_000;
const GROWTH_BYTES = 16 * 1024 * 1024;
const BUSY_ABOVE = 0.25;

type CollectGarbage = (options: typeof LAST_RESORT) => void;
/** V8's collection under memory pressure: the one that gives pooled pages back. */
const LAST_RESORT = { type: 'major', execution: 'sync', flavor: 'last-resort' } as const;
const exposedGc = (): CollectGarbage | undefined => (globalThis as { gc?: CollectGarbage }).gc;

export interface MemoryReturn {
  /** Looks now; what it returned, when it ran (tests, and the interval). */
  check(): { rssBefore: number; rssAfter: number; ms: number } | undefined;
  stop(): void;
}

const outsideHeap = (): { rss: number; outside: number } => {
  const usage = process.memoryUsage();
  return { rss: usage.rss, outside: usage.rss - usage.heapTotal - usage.external };
};

/**
 * Runs that collection now, when `gc` is exposed. The agent calls it once before its components
 * start: what loading the modules and the configuration left is returned before the first
 * listings and scans come on top of it (the peak RSS).
 */
export function returnMemoryNow(): void {
  exposedGc()?.(LAST_RESORT);
}

/** Starts looking every few seconds; undefined when `gc` is not exposed. */
export function startMemoryReturn(options: { everyMs?: number; growthBytes?: number; busyAbove?: number } = {}): MemoryReturn | undefined {
  const gc = exposedGc();
  if (typeof gc !== 'function') return undefined;
  const growth = options.growthBytes ?? GROWTH_BYTES;
  const busyAbove = options.busyAbove ?? BUSY_ABOVE;
  let lowest = outsideHeap().outside;
  let loop: EventLoopUtilization = performance.eventLoopUtilization();
  // The start is a burst too (modules compiled, first listings and polls): the first look returns what it left.
  let first = true;
  const check: MemoryReturn['check'] = () => {
    const now = outsideHeap();
    const busy = performance.eventLoopUtilization(loop).utilization;
    loop = performance.eventLoopUtilization();
    if (now.outside < lowest) lowest = now.outside;
    if ((!first && now.outside - lowest < growth) || busy > busyAbove) return undefined;
    first = false;
    const started = performance.now();
    gc(LAST_RESORT);
    const after = outsideHeap();
    lowest = after.outside;
    return { rssBefore: now.rss, rssAfter: after.rss, ms: performance.now() - started };
  };
  const timer = setInterval(check, options.everyMs ?? CHECK_EVERY_MS);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
