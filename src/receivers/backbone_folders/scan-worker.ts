// Runs in a worker thread: scans on request and posts the result back, so that the agent's
// event loop (exports, the health check, other receivers) never waits for the disk.
import { parentPort } from 'node:worker_threads';
import { scanBackboneRoot, type ScanOptions } from './scanner.ts';

parentPort?.on('message', (options: ScanOptions) => {
  try {
    parentPort!.postMessage({ ok: true, result: scanBackboneRoot(options) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
