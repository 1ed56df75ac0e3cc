// backbone_layout: describes one Backbone installation's folders (root, depths, state names,
// message suffix, folders to leave out) once, for every receiver that names it with
// `layout: backbone_layout` (or `layout: backbone_layout/<name>` for a second installation),
// and for the doctor. Like the Collector's extensions that others refer to (authenticators),
// it must be listed in service.extensions to be used. It runs nothing itself.
import type { ExtensionFactory, Lifecycle } from '../../component/component.ts';
import { type LayoutConfig, layoutConfigSchema } from '../../backbone/layout-config.ts';
import { LAYOUT_EXTENSION_TYPE } from '../../backbone/receiver-layout.ts';

const nothingToRun: Lifecycle = { start: async () => {}, shutdown: async () => {} };

export const backboneLayoutExtensionFactory: ExtensionFactory<LayoutConfig> = {
  kind: 'extension',
  type: LAYOUT_EXTENSION_TYPE,
  stability: 'alpha',
  description: 'Describes the Backbone folder tree once (root, folder levels, state names, message suffix, excluded folders) for the receivers that name it (layout: backbone_layout) and for the doctor; like every extension, it is enabled in service.extensions.',
  signals: [],
  configSchema: layoutConfigSchema,
  createExtension: () => nothingToRun,
};
