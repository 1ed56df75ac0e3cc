// Exponential backoff with jitter, as the Collector's exporter helper computes it:
// wait = min(initial * multiplier^(attempt-1), max_interval), randomized by ± factor.
// A server's Retry-After is honoured: the wait is never shorter than what it asked for.
import type { RetrySettings } from './config.ts';

export function backoffDelay(settings: RetrySettings, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const base = Math.min(settings.initial_interval * settings.multiplier ** Math.max(0, attempt - 1), settings.max_interval);
  const spread = base * settings.randomization_factor;
  const jittered = base - spread + random() * 2 * spread;
  return Math.max(Math.round(jittered), retryAfterMs ?? 0);
}

/** Milliseconds from a Retry-After header: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
