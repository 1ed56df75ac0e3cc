// One reported move of a message: its severity by destination (telemetry.md), its sentence,
// and its idempotency key (log.record.uid).
import { hash } from 'node:crypto';
import type { State } from '../../backbone/states.ts';
import type { Severity } from '../../telemetry/instruments.ts';

export type Endpoint = State | 'none';
export type DetectedBy = 'event' | 'scan' | 'restart';

export interface Transition {
  integration: string;
  project: string;
  message: string;
  from: Endpoint;
  to: Endpoint;
  /** The issue folder under error/ or missing/ (the destination's, else the origin's). */
  issue: string | undefined;
  /** Seconds in `from`; undefined where the message did not exist before. */
  dwellSeconds: number | undefined;
  detectedBy: DetectedBy;
  /** When the move happened, as well as known (ms since epoch). */
  timeMs: number;
  /** What identifies the move whichever way it was found (event, scan, restart): see moveUid. */
  identity: MoveIdentity;
}

/**
 * The facts of one move that every detection path reads the same way: the message's inode,
 * where it was and where it is (relative to the root; undefined for `none`), and a time the
 * file system keeps: the destination's ctime (a rename sets it) for moves and appearances,
 * for disappearances the time the message entered the state it left (kept in the checkpoint).
 */
export interface MoveIdentity {
  ino: number;
  fromRel: string | undefined;
  toRel: string | undefined;
  atMs: number;
}

/**
 * The move's log.record.uid: a hash of the root and the move's identity, so that the same
 * move reported again (a replay after kill -9, a roll-back after a full disk) carries the
 * same key, and the disk queue (and a backend that honours log.record.uid) drops the copy.
 */
export function moveUid(root: string, identity: MoveIdentity): string {
  const facts = JSON.stringify([root, identity.ino, identity.fromRel ?? null, identity.toRel ?? null, identity.atMs]);
  // crypto.hash: the same digest as createHash().update().digest(), a third of the time (no Hash object).
  return hash('sha256', facts, 'hex').slice(0, 32);
}

const WARN: ReadonlySet<Endpoint> = new Set<Endpoint>(['waiting', 'missing', 'offline', 'outdated']);
const ERROR: ReadonlySet<Endpoint> = new Set<Endpoint>(['error', 'sendfailed', 'invalid']);

export function severityOf(from: Endpoint, to: Endpoint): Severity {
  if (to === 'processed' || (from === 'send' && to === 'none')) return 'INFO';
  if (WARN.has(to)) return 'WARN';
  if (ERROR.has(to)) return 'ERROR';
  return 'INFO';
}

/** What a record's text is made of: a transition, and whether a restart found it after an unclean stop. */
export type Described = Omit<Transition, 'identity'> & { afterUncleanStop?: boolean };

export function describeTransition(t: Described): string {
  const subject = `Message ${t.message} of ${t.integration}/${t.project}`;
  const issue = t.issue === undefined ? '' : ` (issue ${t.issue})`;
  const after = t.dwellSeconds === undefined ? '' : ` after ${formatSeconds(t.dwellSeconds)}`;
  // Only after a clean stop is it known that the agent was stopped when the message moved.
  const when = t.detectedBy !== 'restart' ? '' : t.afterUncleanStop ? ' before the agent restarted (found at start, after an unclean stop)' : ' while the agent was stopped';
  if (t.from === 'none') return `${subject} appeared in ${t.to}${issue}${when}.`;
  if (t.to === 'none') {
    const gone = t.from === 'send' ? 'was sent (left send)' : `left ${t.from} and no longer exists`;
    return `${subject} ${gone}${issue}${after}${when}.`;
  }
  return `${subject} moved from ${t.from} to ${t.to}${issue}${after}${when}.`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
