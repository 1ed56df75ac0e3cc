// Turns zod's issues into the messages users read: what was expected and what was found.
import type * as z from 'zod';

export function describeValue(value: unknown, secret = false): string {
  if (value === undefined) return 'nothing';
  if (secret && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && value !== '') return `a ${typeof value} (not shown: a secret)`;
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value === '' ? 'an empty string' : JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false',
  object: 'a mapping of keys to values', array: 'a list', record: 'a mapping of keys to values',
};

/** What went wrong with a value; `secret`: the value is never quoted (an API key written as a number). */
export function describeZodIssue(issue: z.core.$ZodIssue, input: unknown, secret = false): string {
  const message = describe(issue, input, secret);
  if (!secret || (typeof input !== 'string' && typeof input !== 'number') || input === '') return message;
  // A schema's own message may quote the value: not a secret's.
  return message.split(String(input)).join('[REDACTED]');
}

function describe(issue: z.core.$ZodIssue, input: unknown, secret: boolean): string {
  const shown = (value: unknown) => describeValue(value, secret);
  const custom = !issue.message.startsWith('Invalid') && !issue.message.startsWith('Too ');
  switch (issue.code) {
    case 'invalid_type': {
      if (custom) return input === undefined ? `missing: ${issue.message}` : `${issue.message}, found ${shown(input)}`;
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      return input === undefined ? `missing: expected ${expected}` : `expected ${expected}, found ${shown(input)}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => String(v)).join(' | ')}, found ${shown(input)}`;
    case 'too_small':
    case 'too_big':
      return custom ? issue.message : `${issue.message.replace(/^Too (small|big): /, '')}, found ${shown(input)}`;
    default:
      return issue.message;
  }
}

/** Known keys of the object schema found at `path` under `schema`, for "did you mean". */
export function knownKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let current = unwrap(schema);
  for (const part of path) {
    const def = defOf(current);
    if (!def) return [];
    if (def.type === 'object') current = unwrap((def.shape as Record<string, unknown>)[String(part)]);
    else if (def.type === 'record') current = unwrap(def.valueType);
    else if (def.type === 'array') current = unwrap(def.element);
    else return [];
  }
  const def = defOf(current);
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

type Def = { type: string; [key: string]: unknown };
function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if (!def) return current;
    if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(def.type)) current = def.innerType;
    else if (def.type === 'pipe') current = defOf(def.in)?.type === 'transform' ? def.out : def.in;
    else return current;
  }
  return current;
}

/** The closest known key, when one is close enough to be a likely typo. */
export function suggestKey(unknownKey: string, known: readonly string[]): string | undefined {
  const lower = unknownKey.toLowerCase();
  const prefixed = known.find((candidate) => candidate.toLowerCase().startsWith(lower) || lower.startsWith(candidate.toLowerCase()));
  if (prefixed !== undefined && lower.length >= 3) return prefixed;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(unknownKey.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(unknownKey.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
