// How a receiver that reads the Backbone tree gets its layout: from the backbone_layout
// extension it names (`layout:`), or, without one, from its own keys (root, states...), as
// before the extension existed. Both receivers (backbone_folders, backbone_events) resolve and
// claim their layout here, so that two receivers reading one root cannot read it differently.
import path from 'node:path';
import * as z from 'zod';
import type { Claim, ComponentProblem, ResolveContext, Resolved } from '../component/component.ts';
import { suggestKey } from '../config/zod-issues.ts';
import { LAYOUT_KEYS, type LayoutConfig, layoutConfigSchema, layoutDifferences, layoutShape } from './layout-config.ts';

/** The type of the extension a receiver's `layout:` names. */
export const LAYOUT_EXTENSION_TYPE = 'backbone_layout';

/** The layout keys of a receiver's own configuration. */
export const receiverLayoutShape = {
  /** JIRA_HOME/data/backbone-issue-sync (required without layout). */
  root: layoutShape.root.optional(),
  /** A backbone_layout extension that describes the tree ("backbone_layout", or "backbone_layout/<name>" for a second installation); root and the other layout keys then come from it and are not set here. */
  layout: z.string().min(1).optional(),
  integration_depth: layoutShape.integration_depth,
  project_depth: layoutShape.project_depth,
  states: layoutShape.states,
  message_suffix: layoutShape.message_suffix,
  exclude: layoutShape.exclude,
};

const ROOT_OR_LAYOUT = 'missing: expected the path of the Backbone folder (JIRA_HOME/data/backbone-issue-sync), or layout: naming a backbone_layout extension';

/**
 * A receiver's settings need root or layout. Checked with the schema, also when other keys are
 * wrong, so that one run reports every problem.
 */
export function requireRootOrLayout<T extends z.ZodType<{ root?: string | undefined; layout?: string | undefined }>>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null) return;
    if (value.root === undefined && value.layout === undefined) ctx.addIssue({ code: 'custom', path: ['root'], message: ROOT_OR_LAYOUT });
  }, { when: (payload) => typeof payload.value === 'object' && payload.value !== null }) as unknown as T;
}

type ReceiverLayoutSettings = Omit<LayoutConfig, 'root'> & { layout?: string | undefined; root?: string | undefined };

/** The receiver's configuration with the layout it reads the tree by filled in. */
export function resolveLayout<T extends ReceiverLayoutSettings>(config: T, context: ResolveContext): Resolved<T & { root: string }> {
  if (config.layout === undefined) {
    if (config.root !== undefined) return { config: { ...config, root: config.root } };
    return { problems: [{ path: ['root'], message: ROOT_OR_LAYOUT.replace('missing: ', '') }] };
  }
  const id = config.layout;
  const problems: ComponentProblem[] = [];
  for (const key of LAYOUT_KEYS) {
    if (context.written.has(key)) {
      problems.push({ path: [key], message: `${key} is set by the layout (extensions.${id}): set it there, not here` });
    }
  }
  const extension = context.extension(id);
  if (extension === undefined) {
    const layouts = context.extensionIds.filter((candidate) => context.extension(candidate)?.type === LAYOUT_EXTENSION_TYPE);
    const hint = suggestKey(id, layouts) ?? layouts[0];
    problems.push({
      path: ['layout'],
      message: `extension "${id}" is not defined under extensions` + (hint ? ` (did you mean "${hint}"?)` : '; define it there as a backbone_layout extension (root, states, exclude...)'),
    });
  } else if (extension.type !== LAYOUT_EXTENSION_TYPE) {
    problems.push({ path: ['layout'], message: `extension "${id}" is a ${extension.type} extension; expected a backbone_layout` });
  } else if (!extension.enabled) {
    problems.push({ path: ['layout'], message: `extension "${id}" is defined but not enabled: add it to service.extensions` });
  }
  if (problems.length > 0 || extension === undefined) return { problems };
  if (!extension.valid) return { problems: [] }; // its own problems are reported
  const layout = layoutConfigSchema.parse(extension.config);
  // print-config writes the name of the layout, not its keys (which the loader refuses next to it).
  return { config: { ...config, ...layout }, fromElsewhere: LAYOUT_KEYS };
}

/** The receiver reads its root with its layout: another receiver on the same root must read it alike. */
export function layoutClaim(config: LayoutConfig & { layout?: string | undefined }): Claim {
  return {
    resource: `Backbone root ${path.resolve(config.root)}`,
    path: [config.layout === undefined ? 'root' : 'layout'],
    value: config,
    differences: (other) => layoutDifferences(config, other.value as LayoutConfig),
    advice: 'describe the tree once in a backbone_layout extension and name it with layout: in both receivers',
  };
}
