// Fault injection for the tests that prove exactly-once (test/faults): with
// BACKBONE_OTEL_CRASH_AT=<point>:<n>, the agent kills itself with SIGKILL the n-th time it
// reaches <point>, so that a kill lands exactly between two writes that a random kill -9
// would hit only by luck. Unset (always, outside those tests), a call costs one comparison.
const setting = process.env.BACKBONE_OTEL_CRASH_AT;
const [point, nth] = setting === undefined || setting === '' ? [undefined, 0] : [setting.split(':')[0], Number(setting.split(':')[1] ?? 1)];
let reached = 0;

/** The named points, in the order of the writes they sit between (docs/operations.md, the table of crash points). */
export type CrashPoint =
  /** backbone_events: moves found, their journal line not yet written. */
  | 'moves-found'
  /** backbone_events: the journal line of a round is written and fsynced; its records not yet handed on. */
  | 'journal-written'
  /** A queue file is written and fsynced under its temporary name, not yet renamed. */
  | 'queue-written'
  /** A queue file is renamed into place; the folder is not yet fsynced. */
  | 'queue-renamed'
  /** The exporters accepted a round's records (fsynced in the disk queue); the receiver has not yet noted it. */
  | 'moves-accepted'
  /** The backend accepted a request; the queue file is not yet removed. */
  | 'queue-sent'
  /** backbone_events: a new checkpoint is written; the journal it replaces is not yet removed. */
  | 'checkpoint-written';

export function crashPoint(name: CrashPoint): void {
  if (point !== name) return;
  if (++reached === nth) process.kill(process.pid, 'SIGKILL');
}
