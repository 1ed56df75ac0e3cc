// `npm start | head`: when the reader of the demo's output goes away, writing to it fails with
// EPIPE. That is the user saying "enough": the demo stops as on Ctrl-C (flushes, removes its
// temporary folder, exits 0) instead of crashing with a stack trace and leaving the folder behind.

/** Calls `stop` once when stdout or stderr is closed by its reader. */
export function onClosedOutput(stop: () => void, streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  let stopped = false;
  const listener = (error: NodeJS.ErrnoException) => {
    // Later writes to the closed stream fail the same way: nothing more to do with them.
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    if (stopped) return;
    stopped = true;
    stop();
  };
  for (const stream of streams) stream.on('error', listener);
}
