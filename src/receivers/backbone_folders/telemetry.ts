// What the folder scanner emits: part of the public telemetry contract.
import { ATTR } from '../../telemetry/attributes.ts';
import type { ComponentTelemetry, EventDeclaration, MetricDeclaration } from '../../telemetry/declaration.ts';

const FOLDER = [ATTR.integration, ATTR.project, ATTR.state] as const;

export const folderMessages: MetricDeclaration = {
  name: 'backbone.folder.messages', kind: 'gauge', unit: '{message}', valueType: 'int', attributes: FOLDER,
  description: 'Message files (`.bac`) in the state folders of a project, as of the last completed scan.',
};
export const folderSize: MetricDeclaration = {
  name: 'backbone.folder.size', kind: 'gauge', unit: 'By', valueType: 'int', attributes: FOLDER,
  description: 'Total size of the files (messages and others) in the state folders of a project. Not reported for count-only states.',
};
export const folderOldestMessageAge: MetricDeclaration = {
  name: 'backbone.folder.oldest_message.age', kind: 'gauge', unit: 's', valueType: 'double', attributes: FOLDER,
  description: 'Age of the oldest message file (by modification time); 0 when there is none. Not reported for count-only states.',
};
export const folderIssues: MetricDeclaration = {
  name: 'backbone.folder.issues', kind: 'gauge', unit: '{issue}', valueType: 'int', attributes: FOLDER,
  description: 'Issue folders under `error` and `missing` (one folder per issue whose messages wait there). Reported for those two states only: no other state has issue folders.',
};
export const folderOtherFiles: MetricDeclaration = {
  name: 'backbone.folder.other_files', kind: 'gauge', unit: '{file}', valueType: 'int', attributes: FOLDER,
  description: 'Files in the state folders that are not message files (`.bac`). Reported where such files belong (`receive`, where they land; `invalid`, where Backbone moves them; `unknown`), and for any other folder from the first scan that finds one there.',
};
export const scanDuration: MetricDeclaration = {
  name: 'backbone.scan.duration', kind: 'gauge', unit: 's', valueType: 'double', attributes: [],
  description: 'Duration of the last complete scan of the Backbone root.',
};
export const rootPresent: MetricDeclaration = {
  name: 'backbone.root.present', kind: 'gauge', unit: '1', valueType: 'int', attributes: [],
  description: 'Whether the last scan could open the Backbone root: 1, or 0 when it does not exist (moved away, not mounted), cannot be read, or suddenly holds no integration folder where it held some (an unmounted mount point, which leaves an empty folder). While it is 0, the `backbone.folder.*` series keep their last values (they are not current) and the file watcher reports no move.',
};
export const scanErrors: MetricDeclaration = {
  name: 'backbone.scan.errors', kind: 'counter', unit: '{error}', valueType: 'int', attributes: [ATTR.errorType],
  description: 'Problems met while scanning: unreadable (`EACCES`) or vanished (`ENOENT`) entries, `symlink` (not followed), `timeout` and `entry_limit` (scan cut short).',
};

export const unknownFolder: EventDeclaration = {
  name: 'backbone.layout.unknown_folder',
  when: 'A folder under a project folder matches no state; its files are counted as state `unknown`. Once per folder.',
  severity: 'WARN',
  attributes: [ATTR.integration, ATTR.project, ATTR.path],
};

export const folderTelemetry: ComponentTelemetry = {
  component: 'backbone_folders',
  metrics: [folderMessages, folderSize, folderOldestMessageAge, folderIssues, folderOtherFiles, scanDuration, rootPresent, scanErrors],
  events: [unknownFolder],
};
