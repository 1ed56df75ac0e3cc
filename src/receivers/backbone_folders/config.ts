import * as z from 'zod';
import { durationIn } from '../../config/schema-types.ts';
import { STATES, type KnownState } from './states.ts';

const stateName = z.enum(STATES);

export const foldersConfigSchema = z.strictObject({
  /** JIRA_HOME/data/backbone-issue-sync */
  root: z.string({ error: 'expected the path of the Backbone folder (JIRA_HOME/data/backbone-issue-sync)' })
    .min(1, 'expected the path of the Backbone folder (JIRA_HOME/data/backbone-issue-sync), found an empty value'),
  collection_interval: durationIn(30_000, { min: 1_000, max: 24 * 3_600_000 }),
  /** A scan that takes longer is cut short; folders it did not finish keep their last values. */
  timeout: durationIn(120_000, { min: 1_000, max: 3_600_000 }),
  /** At most this many directory entries per scan. */
  max_entries: z.int().positive().default(10_000_000),
  /** States whose files are counted by name only (no stat): no size, no age. */
  count_only_states: z.array(stateName).default(['processed']),
  /** Folder levels from the root to the integration folders, and from those to the project folders. */
  integration_depth: z.int().min(1).max(5).default(1),
  project_depth: z.int().min(1).max(5).default(1),
  /** More folder names per state, added to the defaults; "send/failed" matches `failed` inside `send`. */
  states: z.partialRecord(stateName, z.array(z.string().min(1))).default({}),
  /** Files with this ending are messages. */
  message_suffix: z.string().min(1).default('.bac'),
});

export type FoldersConfig = z.infer<typeof foldersConfigSchema>;
export type StateAliases = Partial<Record<KnownState, string[]>>;
