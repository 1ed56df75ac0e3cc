// One contender for a file lease, in a process of its own (leader election stress tests):
// node elector-child.ts LEASE_DIR LEASE_MS RENEW_MS OUT_FILE
// Appends to OUT_FILE, synchronously: `start <epoch> <ms>` when its term begins, `held <epoch> <ms>`
// every few ms while it holds (the time is read before asking, so it is never later than the
// moment the term was known to hold), `end <epoch> <ms>` when the term ends.
import { appendFileSync } from 'node:fs';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { LeaderElector } from '../../src/extensions/leader_election/elector.ts';
import { FileLease } from '../../src/extensions/leader_election/lease.ts';

const [leaseDir, leaseMs, renewMs, out] = process.argv.slice(2);
const elector = new LeaderElector({
  backend: new FileLease(leaseDir!), identity: `c${process.pid}`, leaseDurationMs: Number(leaseMs), renewIntervalMs: Number(renewMs),
  log: new AgentLog({ level: 'warn' }),
});
let serial: number | undefined;
let epoch = 0;
elector.onChange((change) => {
  appendFileSync(out!, `${change.leader ? 'start' : 'end'} ${change.term.epoch} ${Date.now()}\n`);
  serial = change.leader ? change.term.serial : undefined;
  epoch = change.term.epoch;
});
setInterval(() => {
  const at = Date.now();
  if (serial !== undefined && elector.holds(serial)) appendFileSync(out!, `held ${epoch} ${at}\n`);
}, 3);
process.on('SIGTERM', () => { void elector.stop().then(() => process.exit(0)); });
await elector.start();
