import path from 'node:path';
import * as z from 'zod';
import { durationIn } from '../../config/schema-types.ts';
import { foldersConfigSchema } from '../backbone_folders/config.ts';
import { STATES } from '../backbone_folders/states.ts';
import { DWELL_TIME_BOUNDARIES } from './telemetry.ts';

const stateName = z.enum(STATES);
// The layout settings are the folder scanner's own, so both read the tree the same way.
const layout = foldersConfigSchema.shape;

export const eventsConfigSchema = z.strictObject({
  /** JIRA_HOME/data/backbone-issue-sync */
  root: layout.root,
  /** native: file-system events plus periodic listings; poll: listings only; auto: poll on network file systems. */
  watch_method: z.enum(['native', 'poll', 'auto']).default('auto'),
  /** Poll mode: how often the state folders are listed. */
  poll_interval: durationIn(5_000, { min: 100, max: 3_600_000 }),
  /** Native mode: how often the state folders are listed anyway, to catch events the kernel dropped. */
  reconcile_interval: durationIn(30_000, { min: 1_000, max: 24 * 3_600_000 }),
  /** How long a message that vanished and was not found elsewhere is looked for before it counts as gone. */
  grace_period: durationIn(2_000, { min: 10, max: 600_000 }),
  /** Folder for the checkpoint (what was reported), so that moves made while the agent was stopped are reported after a restart. Never under the root. */
  storage: z.string().min(1, 'expected a folder for the checkpoint, found an empty value').optional(),
  /** States whose folders are never listed or watched (they can hold millions of files): a message that moves into one is found by looking its name up there. */
  lookup_only_states: z.array(stateName).default(['processed']),
  /** States in which files that are not messages (no message_suffix) are followed too: stray files land in receive and are moved to invalid. */
  other_files_states: z.array(stateName).default(['receive', 'invalid']),
  /** A listed folder found with more files than this is no longer listed (as if lookup-only), with a warning. */
  max_folder_files: z.int().positive().default(250_000),
  integration_depth: layout.integration_depth,
  project_depth: layout.project_depth,
  states: layout.states,
  message_suffix: layout.message_suffix,
  /** backbone.message.dwell_time: its histogram buckets. */
  dwell_time: z.strictObject({
    /** Bucket boundaries in seconds, increasing; each bucket is one series per project and from/to pair in Prometheus-style backends; [] keeps count and sum only. */
    boundaries: z.array(z.number().positive()).default([...DWELL_TIME_BOUNDARIES])
      .refine((list) => list.every((value, i) => i === 0 || value > list[i - 1]!), 'expected increasing boundaries in seconds, such as [10, 60, 3600]'),
  }).prefault({}),
}).superRefine((config, ctx) => {
  if (config.storage !== undefined && isInside(path.resolve(config.storage), path.resolve(config.root))) {
    ctx.addIssue({
      code: 'custom', path: ['storage'],
      message: `storage must not be under the Backbone root (${config.root}): the agent never writes there`,
    });
  }
});

export type EventsConfig = z.infer<typeof eventsConfigSchema>;

/** True when `child` is `parent` or lies below it. */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
