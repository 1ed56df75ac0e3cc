// The settings that describe one Backbone installation's folders: where the root is, how deep
// the projects lie, which folder names stand for which state, what a message file ends with,
// and which folders to leave out. Written once in a backbone_layout extension that receivers
// name (`layout: backbone_layout`), or, as before, in each receiver; the keys are the same.
import * as z from 'zod';
import { excludeProblem } from './exclude.ts';
import { STATES } from './states.ts';
import type { LayoutSpec } from './tree.ts';

const stateName = z.enum(STATES);

export const layoutShape = {
  /** JIRA_HOME/data/backbone-issue-sync */
  root: z.string({ error: 'expected the path of the Backbone folder (JIRA_HOME/data/backbone-issue-sync)' })
    .min(1, 'expected the path of the Backbone folder (JIRA_HOME/data/backbone-issue-sync), found an empty value'),
  /** Folder levels from the root to the integration folders, and from those to the project folders. */
  integration_depth: z.int().min(1).max(5).default(1),
  project_depth: z.int().min(1).max(5).default(1),
  /** More folder names per state, added to the defaults; "send/failed" matches `failed` inside `send`. */
  states: z.partialRecord(stateName, z.array(z.string().min(1))).default({}),
  /** Files with this ending are messages. */
  message_suffix: z.string().min(1).default('.bac'),
  /** Folders left out at any level, never listed, counted or watched: names or globs with `*` and `?` ("lost+found", "*backup*", ".snapshot"), case-insensitive. */
  exclude: z.array(z.string().min(1).superRefine((pattern, ctx) => {
    const problem = excludeProblem(pattern);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })).default([]),
};

/** The layout keys, in the order they are documented. */
export const LAYOUT_KEYS = Object.keys(layoutShape) as (keyof typeof layoutShape)[];

export const layoutConfigSchema = z.strictObject(layoutShape);
export type LayoutConfig = z.infer<typeof layoutConfigSchema>;

/** The rules' part of a layout (the root aside). */
export function layoutSpec(config: Omit<LayoutConfig, 'root'>): LayoutSpec {
  return {
    stateNames: config.states,
    exclude: config.exclude,
    integrationDepth: config.integration_depth,
    projectDepth: config.project_depth,
    messageSuffix: config.message_suffix,
  };
}

/** The layout keys two configurations set differently ("integration_depth 1 vs 2"); empty when they agree. */
export function layoutDifferences(a: Omit<LayoutConfig, 'root'>, b: Omit<LayoutConfig, 'root'>): string[] {
  const out: string[] = [];
  for (const key of LAYOUT_KEYS) {
    if (key === 'root') continue;
    const left = JSON.stringify(normalised(key, a[key]));
    const right = JSON.stringify(normalised(key, b[key]));
    if (left !== right) out.push(`${key} ${JSON.stringify(a[key])} vs ${JSON.stringify(b[key])}`);
  }
  return out;
}

/** Order and case do not change what a list of names matches. */
function normalised(key: string, value: unknown): unknown {
  if (key === 'exclude') return [...(value as string[])].map((s) => s.toLowerCase()).sort();
  if (key === 'states') {
    const states = value as Partial<Record<string, string[]>>;
    return Object.fromEntries(Object.keys(states).sort().filter((s) => (states[s] ?? []).length > 0)
      .map((s) => [s, [...states[s]!].map((n) => n.toLowerCase()).sort()]));
  }
  return value;
}
