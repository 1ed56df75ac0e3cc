// The status_page extension's configuration: where the page is served, who may read it, and
// what counts as "old" for a waiting message. Bound to loopback unless basic auth is set: the
// page shows integration keys, project keys and message names, which are not for everyone.
import * as z from 'zod';
import { durationIn, hostPort } from '../../config/schema-types.ts';
import { splitHostPort } from '../../config/schema-types.ts';

/** How many recent message moves the page keeps (newest first); memory is bounded by it. */
export const MAX_RECENT_MOVES = 500;

export const statusPageConfigSchema = z.strictObject({
  /** Where the page is served (kubectl port-forward reaches 127.0.0.1 inside the pod). */
  endpoint: hostPort.default('127.0.0.1:55679'),
  /** Basic auth; required when the endpoint is not a loopback address. */
  auth: z.strictObject({
    basic: z.strictObject({
      username: z.string().min(1, 'expected a user name'),
      password: z.string().min(8, 'expected a password of at least 8 characters'),
    }),
  }).optional(),
  /** A state whose oldest message is older than this is marked as needing attention. */
  age_threshold: durationIn(3_600_000, { min: 1000, max: 7 * 86_400_000 }),
  /** Recent message moves kept for the page, newest first. */
  recent_moves: z.number().int().min(1).max(MAX_RECENT_MOVES).default(MAX_RECENT_MOVES),
}).superRefine((config, ctx) => {
  if (config.auth === undefined && !isLoopback(splitHostPort(config.endpoint).host)) {
    ctx.addIssue({
      code: 'custom', path: ['endpoint'], input: config.endpoint,
      message: `the status page shows integration, project and message names: it answers on a loopback address only (127.0.0.1:55679; reach it with kubectl port-forward or an SSH tunnel) unless auth.basic is set; found ${config.endpoint}`,
    });
  }
});

export type StatusPageConfig = z.infer<typeof statusPageConfigSchema>;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
