// One reported move of a message: its severity by destination (telemetry.md) and its sentence.
import type { State } from '../backbone_folders/states.ts';
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
}

const WARN: ReadonlySet<Endpoint> = new Set<Endpoint>(['waiting', 'missing', 'offline', 'outdated']);
const ERROR: ReadonlySet<Endpoint> = new Set<Endpoint>(['error', 'sendfailed', 'invalid']);

export function severityOf(from: Endpoint, to: Endpoint): Severity {
  if (to === 'processed' || (from === 'send' && to === 'none')) return 'INFO';
  if (WARN.has(to)) return 'WARN';
  if (ERROR.has(to)) return 'ERROR';
  return 'INFO';
}

export function describeTransition(t: Transition): string {
  const subject = `Message ${t.message} of ${t.integration}/${t.project}`;
  const issue = t.issue === undefined ? '' : ` (issue ${t.issue})`;
  const after = t.dwellSeconds === undefined ? '' : ` after ${formatSeconds(t.dwellSeconds)}`;
  const when = t.detectedBy === 'restart' ? ' while the agent was stopped' : '';
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
