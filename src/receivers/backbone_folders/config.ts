import * as z from 'zod';
import { layoutShape } from '../../backbone/layout-config.ts';
import { receiverLayoutShape, requireRootOrLayout } from '../../backbone/receiver-layout.ts';
import { STATES } from '../../backbone/states.ts';
import { durationIn } from '../../config/schema-types.ts';

const stateName = z.enum(STATES);

const { root: _root, ...layoutKeys } = receiverLayoutShape;

const foldersShape = {
  root: receiverLayoutShape.root,
  collection_interval: durationIn(30_000, { min: 1_000, max: 24 * 3_600_000 }),
  /** A scan that takes longer is cut short; folders it did not finish keep their last values. */
  timeout: durationIn(120_000, { min: 1_000, max: 3_600_000 }),
  /** At most this many directory entries per scan. */
  max_entries: z.int().positive().default(10_000_000),
  /** States whose files are counted by name only (no stat): no size, no age. */
  count_only_states: z.array(stateName).default(['processed']),
  ...layoutKeys,
};

/** As written in the configuration: root, or layout naming a backbone_layout extension. */
export const foldersSettingsSchema = requireRootOrLayout(z.strictObject(foldersShape));
/** Without a layout extension (tests, the doctor's defaults): root required. */
export const foldersConfigSchema = z.strictObject({ ...foldersShape, root: layoutShape.root });

/** As written: the root may come from the layout extension. */
export type FoldersSettings = z.infer<typeof foldersSettingsSchema>;
/** As the receiver runs it: the layout resolved (factory.ts). */
export type FoldersConfig = FoldersSettings & { root: string };
