// The documented shape of the Backbone REST API's answers (version 1 of the API),
// and what is wrong when an answer does not have it, as `<JSON path>: expected <what>, got
// <value>`. Fields may be missing and unknown fields are ignored (the vendor may change the
// API at any time); a field the agent reads that is present must have its documented type
// (null is not "missing": it is a wrong type). Status values are any text: Backbone knows
// more statuses than its documentation, and new ones pass through as they come.
import * as z from 'zod';
import { hasEscapedBytes, type InvalidBytes, showEscapedBytes } from './answer-text.ts';

export interface ShapeProblem {
  /** `integrations[3].status.firstConnector.online` */
  path: string;
  expected: string;
  got: string;
}

export function problemText(problem: ShapeProblem): string {
  return `${problem.path}: expected ${problem.expected}, got ${problem.got}`;
}

// `error` is what the message says was expected.
const statusText = z.string({ error: 'a string' });
const flag = z.boolean({ error: 'a boolean (true or false)' });
const count = z.int({ error: 'a whole number ≥ 0' }).nonnegative({ error: 'a whole number ≥ 0' });
const key = z.string({ error: 'a non-empty string' }).refine((s) => s.trim() !== '', { error: 'a non-empty string' });

export const connectorStatusShape = z.object({
  connectorKey: key.optional(),
  online: flag.optional(),
  reconnecting: flag.optional(),
  issuesInError: count.optional(),
  incomingRouteStatus: statusText.optional(),
  outgoingRouteStatus: statusText.optional(),
  externalRouteStatus: statusText.optional(),
  incomingProcessingStatus: statusText.optional(),
  outgoingProcessingStatus: statusText.optional(),
  externalProcessingStatus: statusText.optional(),
}, { error: 'an object (the status of a connector)' });

export const statusBlockShape = z.object({
  status: statusText.optional(),
  firstConnector: connectorStatusShape.optional(),
  secondConnector: connectorStatusShape.optional(),
}, { error: 'an object (the status of a synchronization)' });

const configuredConnectorShape = z.object({ connectorKey: key.optional() }, { error: 'an object (a connector)' });

/** One entry of GET /integrations, without its `status` (an object or, tolerated, a text: read apart). */
export const integrationEntryShape = z.object({
  integrationKey: key,
  firstConnector: configuredConnectorShape.optional(),
  secondConnector: configuredConnectorShape.optional(),
}, { error: 'an object (a synchronization)' });

export type Path = readonly (string | number)[];

/** The value if it has the shape, else the problems (with the path below `base`). */
export function checkShape<T>(shape: z.ZodType<T>, value: unknown, base: Path): { value: T; problems: [] } | { value: undefined; problems: ShapeProblem[] } {
  const result = shape.safeParse(value, { reportInput: true });
  if (result.success) return { value: result.data, problems: [] };
  return {
    value: undefined,
    problems: result.error.issues.map((issue) => ({
      path: jsonPath([...base, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))]),
      expected: issue.message,
      got: describeAnswerValue('input' in issue ? issue.input : undefined),
    })),
  };
}

/**
 * Text below `value` (keys included) that holds bytes which were not UTF-8; only looked for
 * when decodeAnswer found some. Every field counts, read by the agent or not: the answer is
 * not the text Backbone meant to send.
 */
export function findInvalidText(value: unknown, base: Path, invalid: InvalidBytes): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const where = `${invalid.count} byte${invalid.count === 1 ? '' : 's'} of the answer ${invalid.count === 1 ? 'is' : 'are'} not UTF-8, the first at offset ${invalid.firstOffset}`;
  const visit = (node: unknown, path: Path) => {
    if (typeof node === 'string') {
      if (hasEscapedBytes(node)) problems.push({ path: jsonPath(path), expected: 'UTF-8 text', got: `${describeAnswerValue(node)} (${where})` });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index]));
    } else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        if (hasEscapedBytes(k)) problems.push({ path: jsonPath(path), expected: 'keys in UTF-8', got: `the key ${describeAnswerValue(k)} (${where})` });
        visit(v, [...path, k]);
      }
    }
  };
  visit(value, base);
  return problems;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `integrations[3].status.firstConnector.online`; keys that are not identifiers as ["a key"]. */
export function jsonPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${quote(part)}]`;
  }
  return out === '' ? '(the answer)' : out;
}

const SHOWN = 60;

/** A JSON string as it would be written, bytes that were not UTF-8 as \xNN, long ones shortened. */
function quote(value: string): string {
  const cut = value.length > SHOWN ? `${value.slice(0, SHOWN - 1)}…` : value;
  return JSON.stringify(cut).replace(/\\udc([89a-f][0-9a-f])/g, '\\x$1');
}

/** A JSON value in a message: strings quoted, numbers as they are, containers by their size. */
export function describeAnswerValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).map(showEscapedBytes);
    const shown = keys.slice(0, 5).join(', ');
    return keys.length === 0 ? 'an empty object' : `an object with keys ${shown}${keys.length > 5 ? ', ...' : ''}`;
  }
  return String(value);
}
