import path from 'node:path';
import * as z from 'zod';
import type { ComponentProblem } from '../../component/component.ts';
import { isInside } from '../../backbone/paths.ts';
import { layoutShape } from '../../backbone/layout-config.ts';
import { receiverLayoutShape, requireRootOrLayout } from '../../backbone/receiver-layout.ts';
import { STATES } from '../../backbone/states.ts';
import { durationIn } from '../../config/schema-types.ts';
import { DWELL_TIME_BOUNDARIES } from './telemetry.ts';

export { isInside };

const stateName = z.enum(STATES);

// The layout keys are the folder scanner's own, so both read the tree the same way.
const { root: _root, ...layoutKeys } = receiverLayoutShape;

const eventsShape = {
  root: receiverLayoutShape.root,
  /** native: file-system events plus periodic listings; poll: listings only; auto: poll on network file systems. */
  watch_method: z.enum(['native', 'poll', 'auto']).default('auto'),
  /** How often the move counters and the dwell-time histogram are collected and sent (each move's log record leaves as soon as it is found). */
  collection_interval: durationIn(30_000, { min: 1_000, max: 24 * 3_600_000 }),
  /** Poll mode: how often the state folders are listed. */
  poll_interval: durationIn(5_000, { min: 100, max: 3_600_000 }),
  /** Native mode: how often the state folders are listed anyway, to catch events the kernel dropped. */
  reconcile_interval: durationIn(30_000, { min: 1_000, max: 24 * 3_600_000 }),
  /** How long a message that vanished and was not found elsewhere is looked for before it counts as gone. */
  grace_period: durationIn(2_000, { min: 10, max: 600_000 }),
  /** Folder for the checkpoint (what was reported), so that moves made while the agent was stopped are reported after a restart. Never under the root. */
  storage: z.string().min(1, 'expected a folder for the checkpoint, found an empty value').optional(),
  /**
   * Moves kept in memory while they cannot be written down (the storage's disk is full) or are
   * refused downstream (a full disk queue, a memory_limiter), about 300 bytes each. Within it no
   * move is lost, however long that lasts; beyond it, moves are counted in
   * otelcol_exporter_enqueue_failed_log_records and said, with their time span.
   */
  max_held_moves: z.int().min(1_000).max(200_000, 'expected at most 200000 (the disk queue recognises the moves handed on again among its last 200,000 sent)').default(100_000),
  /** States whose folders are never listed or watched (they can hold millions of files): a message that moves into one is found by looking its name up there. */
  lookup_only_states: z.array(stateName).default(['processed']),
  /** States in which files that are not messages (no message_suffix) are followed too: stray files land in receive and are moved to invalid. */
  other_files_states: z.array(stateName).default(['receive', 'invalid']),
  /** A listed folder found with more files than this is no longer listed (as if lookup-only), with a warning. */
  max_folder_files: z.int().positive().default(250_000),
  ...layoutKeys,
  /** backbone.message.dwell_time: its histogram buckets. */
  dwell_time: z.strictObject({
    /** Bucket boundaries in seconds, increasing; each bucket is one series per project and from/to pair in Prometheus-style backends; [] keeps count and sum only. */
    boundaries: z.array(z.number().positive()).default([...DWELL_TIME_BOUNDARIES])
      .refine((list) => list.every((value, i) => i === 0 || value > list[i - 1]!), 'expected increasing boundaries in seconds, such as [10, 60, 3600]'),
  }).prefault({}),
};

function checkStorage(config: { storage?: string | undefined; root?: string | undefined }, ctx: z.RefinementCtx): void {
  const problem = storageProblem(config);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
}

/** As written in the configuration: root, or layout naming a backbone_layout extension. */
export const eventsSettingsSchema = requireRootOrLayout(z.strictObject(eventsShape).superRefine(checkStorage));
/** Without a layout extension (tests, tools): root required. */
export const eventsConfigSchema = z.strictObject({ ...eventsShape, root: layoutShape.root }).superRefine(checkStorage);

/** As written: the root may come from the layout extension. */
export type EventsSettings = z.infer<typeof eventsSettingsSchema>;
/** As the receiver runs it: the layout resolved (factory.ts). */
export type EventsConfig = EventsSettings & { root: string };

/** The checkpoint's folder must not lie under the root (checked again once a layout gave the root). */
export function storageProblem(config: { storage?: string | undefined; root?: string | undefined }): ComponentProblem | undefined {
  if (config.storage === undefined || config.root === undefined) return undefined;
  if (!isInside(path.resolve(config.storage), path.resolve(config.root))) return undefined;
  return { path: ['storage'], message: `storage must not be under the Backbone root (${config.root}): the agent never writes there` };
}
