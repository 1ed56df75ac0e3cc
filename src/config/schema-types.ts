// Building blocks for component config schemas (zod), shared by every component so that
// durations, endpoints and URLs are validated and reported the same way everywhere.
import * as z from 'zod';
import { formatDuration, parseDuration } from './duration.ts';

/** "30s" in YAML, milliseconds in code; print-config writes it back as "30s". */
export const duration = z.codec(
  z.string({ error: 'expected a duration such as 500ms, 30s or 5m' }),
  z.number(),
  {
    decode: (text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.issues.push({ code: 'custom', input: text, message: `expected a duration such as 500ms, 30s or 5m, found "${text}"` });
        return z.NEVER;
      }
      return ms;
    },
    encode: (ms) => formatDuration(ms),
  },
);

/** The smallest and largest value a duration key takes, in milliseconds. */
export interface DurationRange {
  min: number;
  max: number;
}

/**
 * What a duration key takes unless its schema says otherwise: above zero, at most a day. Timers
 * cannot wait longer than 2^31-1 ms (24.8 days): beyond that Node fires them at once, in a loop.
 */
export const DEFAULT_DURATION_RANGE: DurationRange = { min: 1, max: 24 * 3_600_000 };
const TIMER_LIMIT_MS = 2 ** 31 - 1;

export function formatRange(range: DurationRange): string {
  return `${formatDuration(range.min)} to ${formatDuration(range.max)}`;
}

/** A duration within `range`, with a default given in milliseconds; the range is in the docs. */
export function durationIn(defaultMs: number, range: DurationRange) {
  if (range.max > TIMER_LIMIT_MS || range.min > defaultMs || defaultMs > range.max) throw new Error(`bad duration range ${formatRange(range)} for a default of ${defaultMs} ms`);
  return duration.superRefine((ms, ctx) => {
    if (ms < range.min || ms > range.max) {
      ctx.addIssue({ code: 'custom', input: formatDuration(ms), message: `expected a duration from ${formatRange(range)}, found ${formatDuration(ms)}` });
    }
  }).default(defaultMs).meta({ 'x-duration-range': formatRange(range) });
}

/** A positive duration with a default given in milliseconds, within DEFAULT_DURATION_RANGE unless given one. */
export function positiveDuration(defaultMs: number, range: DurationRange = DEFAULT_DURATION_RANGE) {
  return durationIn(defaultMs, range);
}

/** "host:port" as the Collector writes listening endpoints. */
export const hostPort = z.string().refine((value) => {
  const match = /^(.*):(\d{1,5})$/.exec(value);
  return match !== null && Number(match[2]) <= 65535;
}, 'expected host:port, for example 127.0.0.1:9464');

export const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'expected an http:// or https:// URL');

export const stringMap = z.record(z.string(), z.string()).default({});


/**
 * A key that was taken once and is no longer: written, it is a configuration error that says
 * what to write instead (rather than "unknown key", which would leave the user guessing).
 */
export function retiredKey(instead: string) {
  return z.unknown().optional().superRefine((value, ctx) => {
    if (value !== undefined) ctx.addIssue({ code: 'custom', input: value, message: `no longer taken: ${instead}` });
  }).meta({ 'x-retired': instead });
}

/** What replaced export_interval, said where it is written. */
export const EXPORT_INTERVAL_RETIRED = 'metrics leave when a receiver collects them. To send less often, raise the receivers\' collection_interval (service.telemetry.metrics.interval for the agent\'s own); for fewer, larger requests, add a batch processor (docs/pipeline.md)';

/** The host and port of a host:port endpoint (an empty host listens on every address). */
export function splitHostPort(endpoint: string): { host: string; port: number } {
  const colon = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(endpoint.slice(colon + 1)) };
}
