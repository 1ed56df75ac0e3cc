// Takes a storage folder's lock in a process of its own, as a second agent would:
// node folder-lock-child.ts DIR HEARTBEAT_MS STALE_AFTER_MS. Prints one JSON line per event
// ({"event":"held","pid":1,...}, {"event":"refused","message":...}, {"event":"lost","reason":...})
// and holds the lock until its stdin closes.
import { acquireFolderLock, FolderLockHeldError } from '../../src/storage/folder-lock.ts';

const [dir, heartbeat, stale] = process.argv.slice(2);
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

try {
  const lock = await acquireFolderLock(dir!, {
    purpose: 'disk queue of otlphttp in logs', heartbeatMs: Number(heartbeat), staleAfterMs: Number(stale),
    onLost: (reason) => say({ event: 'lost', reason }),
    onWait: (owner) => say({ event: 'waiting', owner }),
  });
  say({ event: 'held', pid: process.pid, instance: lock.owner.instance });
  // Held (the heartbeat's timer is unref'd) until the test closes stdin, then released.
  process.stdin.resume();
  process.stdin.on('end', () => {
    lock.releaseSync();
    process.exit(0);
  });
} catch (error) {
  if (!(error instanceof FolderLockHeldError)) throw error;
  say({ event: 'refused', pid: process.pid, message: error.message });
  process.exit(3);
}
