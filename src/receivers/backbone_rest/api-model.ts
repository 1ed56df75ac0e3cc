// Tolerant reading of the Backbone REST API's JSON (../shared/spec/backbone.md §1). The
// vendor may change it at any time: unknown fields are ignored, unknown values pass through
// as text, a missing or mistyped field is left undefined (never guessed).

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
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text as the API spells it; numbers and booleans as text; anything else is missing. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

export function flag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  if (value === 0 || value === 1) return value === 1;
  return undefined;
}

export function count(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) return undefined;
  return Math.round(number);
}

/** A short description of a JSON value, for messages ("an object with keys a, b"). */
export function describeJson(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (isObject(value)) {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 5).join(', ');
    return keys.length === 0 ? 'an empty object' : `an object with keys ${shown}${keys.length > 5 ? ', ...' : ''}`;
  }
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** The Jira REST error texts in a JSON answer ({"errorMessages": [...]} or {"message": ...}). */
export function jiraErrorText(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const parts: string[] = [];
  if (Array.isArray(value.errorMessages)) parts.push(...value.errorMessages.map(text).filter((t): t is string => t !== undefined));
  if (isObject(value.errors)) {
    for (const [key, message] of Object.entries(value.errors)) {
      const t = text(message);
      if (t !== undefined) parts.push(`${key}: ${t}`);
    }
  }
  for (const key of ['message', 'error', 'errorMessage']) {
    const t = text(value[key]);
    if (t !== undefined) parts.push(t);
  }
  if (parts.length === 0) return undefined;
  const joined = parts.join('; ');
  return joined.length > 200 ? `${joined.slice(0, 199)}…` : joined;
}

function connector(value: unknown): ConnectorStatus | undefined {
  if (!isObject(value)) return undefined;
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
    online: flag(value.online),
    reconnecting: flag(value.reconnecting),
    issuesInError: count(value.issuesInError),
    routeStatus,
    processingStatus,
  };
}

/** The status block of one synchronization: { status, firstConnector, secondConnector }. */
export function parseStatusBlock(value: unknown): Parsed<StatusBlock> {
  if (!isObject(value)) return { ok: false, problem: `expected the status of a synchronization (an object), found ${describeJson(value)}` };
  // Tolerate one level of wrapping: { "status": { "status": "RUNNING", "firstConnector": ... } }.
  if (isObject(value.status) && value.firstConnector === undefined && value.secondConnector === undefined) {
    return parseStatusBlock(value.status);
  }
  const connectors: Partial<Record<Position, ConnectorStatus>> = {};
  for (const position of POSITIONS) {
    const c = connector(value[`${position}Connector`]);
    if (c) connectors[position] = c;
  }
  return { ok: true, value: { status: text(value.status), connectors } };
}

const LIST_KEYS = ['integrations', 'values', 'results', 'items', 'data'];

/** GET /integrations: an array of synchronizations (or, tolerated, an object holding one under a usual name). */
export function parseIntegrationList(value: unknown): Parsed<{ items: IntegrationItem[]; skipped: number }> {
  let list: unknown[] | undefined;
  if (Array.isArray(value)) list = value;
  else if (isObject(value)) list = LIST_KEYS.map((key) => value[key]).find(Array.isArray);
  if (!list) {
    const jira = jiraErrorText(value);
    return { ok: false, problem: `expected a list of integrations, found ${describeJson(value)}${jira ? ` ("${jira}")` : ''}` };
  }
  const items: IntegrationItem[] = [];
  let skipped = 0;
  for (const entry of list) {
    const key = isObject(entry) ? text(entry.integrationKey) ?? text(entry.key) : undefined;
    if (!isObject(entry) || key === undefined) {
      skipped++;
      continue;
    }
    let embedded: StatusBlock | undefined;
    if (isObject(entry.status)) {
      const parsed = parseStatusBlock(entry.status);
      if (parsed.ok) embedded = parsed.value;
    }
    const configuredConnectorKeys: Partial<Record<Position, string>> = {};
    for (const position of POSITIONS) {
      const configured = entry[`${position}Connector`];
      const k = isObject(configured) ? text(configured.connectorKey) : undefined;
      if (k !== undefined) configuredConnectorKeys[position] = k;
    }
    items.push({ key, embedded, configuredConnectorKeys });
  }
  return { ok: true, value: { items, skipped } };
}
