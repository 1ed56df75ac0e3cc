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

/** A positive duration with a default given in milliseconds. */
export function positiveDuration(defaultMs: number) {
  return duration.refine((ms) => ms > 0, 'expected a duration above zero').default(defaultMs);
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

