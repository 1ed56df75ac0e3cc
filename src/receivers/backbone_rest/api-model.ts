// Reading the Backbone REST API's JSON (version 1 of the API) into what the agent
// reports. The shape is checked (answer-shape.ts): unknown fields are ignored, missing ones
// stay undefined, unknown status values pass through as text; a value of the wrong type is a
// problem that names its JSON path, and the synchronization it belongs to is then not read
// from this answer at all (the receiver keeps its last good values and says so).
import type * as z from 'zod';
import {
  checkShape, connectorStatusShape, describeAnswerValue, findInvalidText, integrationEntryShape, type Path, problemText,
  type ShapeProblem, statusBlockShape,
} from './answer-shape.ts';
import { hasEscapedBytes, type InvalidBytes } from './answer-text.ts';

export const POSITIONS = ['first', 'second'] as const;
export type Position = (typeof POSITIONS)[number];
export const ROUTES = ['incoming', 'outgoing', 'external'] as const;
export type Route = (typeof ROUTES)[number];

export interface ConnectorStatus {
  key: string | undefined;
  online: boolean | undefined;
  reconnecting: boolean | undefined;
  issuesInError: number | undefined;
  routeStatus: Partial<Record<Route, string>>;
  processingStatus: Partial<Record<Route, string>>;
}

export interface StatusBlock {
  status: string | undefined;
  connectors: Partial<Record<Position, ConnectorStatus>>;
}

export interface IntegrationItem {
  key: string;
  /** The status block embedded in the list (older versions), if any. */
  embedded: StatusBlock | undefined;
  /** Keys of the configured connectors, where the status block lacks them. */
  configuredConnectorKeys: Partial<Record<Position, string>>;
  /** What is wrong with this entry; when any, nothing of it was read. */
  problems: ShapeProblem[];
}

export interface ListReading {
  items: IntegrationItem[];
  /** Every problem of the answer, in order. */
  problems: ShapeProblem[];
  /**
   * False when part of the answer could not be tied to a synchronization (the answer is not
   * a list, an entry has no usable integrationKey): a synchronization missing from the list
   * may then be in it.
   */
  complete: boolean;
}

export type StatusReading = { block: StatusBlock; problems: [] } | { block: undefined; problems: ShapeProblem[] };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text as the API spells it, trimmed; empty is missing. */
function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The Jira REST error texts in a JSON answer ({"errorMessages": [...]} or {"message": ...}). */
export function jiraErrorText(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const said = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? text(String(v)) : undefined);
  const parts: string[] = [];
  if (Array.isArray(value.errorMessages)) parts.push(...value.errorMessages.map(said).filter((t): t is string => t !== undefined));
  if (isObject(value.errors)) {
    for (const [key, message] of Object.entries(value.errors)) {
      const t = said(message);
      if (t !== undefined) parts.push(`${key}: ${t}`);
    }
  }
  for (const key of ['message', 'error', 'errorMessage']) {
    const t = said(value[key]);
    if (t !== undefined) parts.push(t);
  }
  if (parts.length === 0) return undefined;
  const joined = parts.join('; ');
  return joined.length > 200 ? `${joined.slice(0, 199)}…` : joined;
}

function connector(value: z.infer<typeof connectorStatusShape>): ConnectorStatus {
  const routeStatus: Partial<Record<Route, string>> = {};
  const processingStatus: Partial<Record<Route, string>> = {};
  for (const route of ROUTES) {
    const r = text(value[`${route}RouteStatus`]);
    if (r !== undefined) routeStatus[route] = r;
    const p = text(value[`${route}ProcessingStatus`]);
    if (p !== undefined) processingStatus[route] = p;
  }
  return {
    key: text(value.connectorKey),
    online: value.online,
    reconnecting: value.reconnecting,
    issuesInError: value.issuesInError,
    routeStatus,
    processingStatus,
  };
}

/** A status block { status, firstConnector, secondConnector } at `base` of the answer. */
function readStatusBlock(value: unknown, base: Path): StatusReading {
  // Tolerated: one level of wrapping, { "status": { "status": "RUNNING", "firstConnector": ... } }.
  if (isObject(value) && isObject(value.status) && value.firstConnector === undefined && value.secondConnector === undefined) {
    return readStatusBlock(value.status, [...base, 'status']);
  }
  const checked = checkShape(statusBlockShape, value, base);
  if (checked.value === undefined) return { block: undefined, problems: checked.problems };
  const connectors: Partial<Record<Position, ConnectorStatus>> = {};
  for (const position of POSITIONS) {
    const c = checked.value[`${position}Connector`];
    if (c) connectors[position] = connector(c);
  }
  return { block: { status: text(checked.value.status), connectors }, problems: [] };
}

/** GET /integrations/{key}/status: the status block (paths start at `status`). */
export function readStatusAnswer(value: unknown, invalid?: InvalidBytes): StatusReading {
  const base = ['status'];
  const utf8 = invalid ? findInvalidText(value, base, invalid) : [];
  const reading = readStatusBlock(value, base);
  if (utf8.length === 0) return reading;
  return { block: undefined, problems: [...utf8, ...reading.problems] };
}

const LIST_KEYS = ['integrations', 'values', 'results', 'items', 'data'];

/** GET /integrations: an array of synchronizations (or, tolerated, an object holding one under a usual name). */
export function readIntegrationList(value: unknown, invalid?: InvalidBytes): ListReading {
  let list: unknown[] | undefined;
  let root = 'integrations';
  if (Array.isArray(value)) {
    list = value;
  } else if (isObject(value)) {
    const key = LIST_KEYS.find((k) => Array.isArray(value[k]));
    if (key !== undefined) [list, root] = [value[key] as unknown[], key];
  }
  if (!list) {
    const jira = jiraErrorText(value);
    const problem = { path: '(the answer)', expected: 'a list of integrations', got: `${describeAnswerValue(value)}${jira ? ` ("${jira}")` : ''}` };
    return { items: [], problems: [problem], complete: false };
  }
  const items: IntegrationItem[] = [];
  const problems: ShapeProblem[] = [];
  let complete = true;
  list.forEach((entry, index) => {
    const base = [root, index];
    const item = readEntry(entry, base, invalid);
    problems.push(...item.problems);
    if (item.key === undefined) complete = false;
    else items.push({ ...item, key: item.key });
  });
  if (invalid && problems.length === 0) {
    // The bytes that are not UTF-8 are outside every entry (a wrapper's field): nothing read is affected.
    problems.push(...findInvalidText(value, [], invalid));
  }
  return { items, problems, complete };
}

function readEntry(entry: unknown, base: Path, invalid: InvalidBytes | undefined): Omit<IntegrationItem, 'key'> & { key: string | undefined } {
  const utf8 = invalid ? findInvalidText(entry, base, invalid) : [];
  const rawKey = isObject(entry) && typeof entry.integrationKey === 'string' && !hasEscapedBytes(entry.integrationKey)
    ? text(entry.integrationKey)
    : undefined;
  const checked = checkShape(integrationEntryShape, entry, base);
  const problems = [...utf8, ...checked.problems];
  let embedded: StatusBlock | undefined;
  if (isObject(entry)) {
    const status = entry.status;
    // A status given as text only (no connectors): /status is asked for the block.
    if (status !== undefined && typeof status !== 'string') {
      const reading = readStatusBlock(status, [...base, 'status']);
      if (reading.block) embedded = reading.block;
      else problems.push(...reading.problems);
    }
  }
  const configuredConnectorKeys: Partial<Record<Position, string>> = {};
  if (checked.value) {
    for (const position of POSITIONS) {
      const k = text(checked.value[`${position}Connector`]?.connectorKey);
      if (k !== undefined) configuredConnectorKeys[position] = k;
    }
  }
  if (problems.length > 0) return { key: rawKey, embedded: undefined, configuredConnectorKeys: {}, problems };
  return { key: rawKey, embedded, configuredConnectorKeys, problems: [] };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The first problem and how many more, for a message. */
export function problemsText(problems: readonly ShapeProblem[]): string {
  const more = problems.length - 1;
  return `${problemText(problems[0]!)}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'} in this answer)` : ''}`;
}

/** For doctor: the list, or what is wrong with it. */
export function parseIntegrationList(value: unknown): Parsed<{ items: IntegrationItem[]; skipped: number }> {
  const reading = readIntegrationList(value);
  if (reading.problems.length > 0) return { ok: false, problem: problemsText(reading.problems) };
  return { ok: true, value: { items: reading.items, skipped: 0 } };
}

/** For doctor: the status block, or what is wrong with it. */
export function parseStatusBlock(value: unknown): Parsed<StatusBlock> {
  const reading = readStatusAnswer(value);
  return reading.block ? { ok: true, value: reading.block } : { ok: false, problem: problemsText(reading.problems) };
}
