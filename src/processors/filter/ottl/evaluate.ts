// Parsed OTTL conditions turned into predicates over one kind of item (a log record, a
// metric, a data point). What a path means is the context's business (contexts.ts): a small
// table of fields, so that the same evaluator works on whatever shape the data has, as long
// as the context can read name, attributes, resource attributes, severity or body from it.
// Paths, enums and converters are checked while compiling, so that a condition that names a
// field the context lacks is a configuration error, not a surprise at run time.
import type { RE2JS } from 're2js';
import { re2 } from '../re2.ts';
import { OttlSyntaxError } from './lexer.ts';
import { type ComparisonOperator, type ConditionNode, parseCondition, type ValueNode } from './parser.ts';

export interface OttlField<T> {
  read(item: T): unknown;
  /** A map (attributes): takes a key, as attributes["backbone.state"]. */
  map?: boolean;
}

export interface OttlContext<T> {
  /** As the Collector's filter processor names it: log_record, metric, datapoint. */
  name: string;
  /** The context's own path prefix, which may be written or left out (log.attributes = attributes). */
  prefix: string;
  /** Paths the context knows, by their dotted name ("attributes", "resource.attributes", "metric.name"). */
  fields: Readonly<Record<string, OttlField<T>>>;
  enums: Readonly<Record<string, number>>;
}

export type Predicate<T> = (item: T) => boolean;
type Getter<T> = (item: T) => unknown;

export function compileCondition<T>(source: string, context: OttlContext<T>): Predicate<T> {
  return compileNode(parseCondition(source), context);
}

function compileNode<T>(node: ConditionNode, context: OttlContext<T>): Predicate<T> {
  switch (node.kind) {
    case 'or': {
      const operands = chain(node, 'or').map((operand) => compileNode(operand, context));
      return (item) => operands.some((matches) => matches(item));
    }
    case 'and': {
      const operands = chain(node, 'and').map((operand) => compileNode(operand, context));
      return (item) => operands.every((matches) => matches(item));
    }
    case 'not': {
      const operand = compileNode(node.operand, context);
      return (item) => !operand(item);
    }
    case 'compare': {
      const left = compileValue(node.left, context);
      const right = compileValue(node.right, context);
      const operator = node.operator;
      return (item) => compare(operator, left(item), right(item));
    }
    case 'boolean': {
      const value = compileValue(node.value, context);
      return (item) => value(item) === true;
    }
  }
}

/**
 * `a or b or c …` as the list [a, b, c, …], read without recursion: the parser builds such a
 * chain as a left-leaning tree as deep as the chain is long, which recursing into would
 * overflow the stack for a few thousand terms.
 */
function chain(node: ConditionNode, kind: 'or' | 'and'): ConditionNode[] {
  const operands: ConditionNode[] = [];
  let current = node;
  while (current.kind === kind) {
    operands.push(current.right);
    current = current.left;
  }
  operands.push(current);
  return operands.reverse();
}

function compileValue<T>(node: ValueNode, context: OttlContext<T>): Getter<T> {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'enum': {
      const value = context.enums[node.name];
      if (value === undefined) {
        throw new OttlSyntaxError(`unknown enum ${node.name} in the ${context.name} context: expected one of ${Object.keys(context.enums).join(', ')}`, node.offset);
      }
      return () => value;
    }
    case 'path':
      return compilePath(node, context);
    case 'call':
      return index(compileCall(node, context), node.keys);
  }
}

function compilePath<T>(node: Extract<ValueNode, { kind: 'path' }>, context: OttlContext<T>): Getter<T> {
  const segments = node.segments[0] === context.prefix && node.segments.length > 1 ? node.segments.slice(1) : node.segments;
  const name = segments.join('.');
  const field = context.fields[name];
  if (!field) {
    const known = Object.entries(context.fields).map(([path, f]) => (f.map ? `${path}["…"]` : path));
    throw new OttlSyntaxError(`unknown path ${node.segments.join('.')} in the ${context.name} context: expected one of ${known.join(', ')}`, node.offset);
  }
  if (node.keys.length > 0 && !field.map) throw new OttlSyntaxError(`${name} takes no key: only maps (attributes) do`, node.offset);
  return index(field.read, node.keys);
}

function index<T>(getter: Getter<T>, keys: readonly (string | number)[]): Getter<T> {
  if (keys.length === 0) return getter;
  return (item) => {
    let value = getter(item);
    for (const key of keys) {
      if (value === null || typeof value !== 'object') return null;
      value = (value as Record<string | number, unknown>)[key];
    }
    return value ?? null;
  };
}

/** Converters a condition may call; the Collector has many more (ottlfuncs), these are the ones filters need here. */
function compileCall<T>(node: Extract<ValueNode, { kind: 'call' }>, context: OttlContext<T>): Getter<T> {
  if (node.name === 'IsMatch') {
    const [target, pattern] = node.args;
    if (node.args.length !== 2 || !target || !pattern) {
      throw new OttlSyntaxError(`IsMatch takes 2 arguments (target, "regex"), found ${node.args.length}`, node.offset);
    }
    if (pattern.kind !== 'literal' || typeof pattern.value !== 'string') {
      throw new OttlSyntaxError('the pattern of IsMatch must be a string in double quotes, such as "^backbone\\\\."', pattern.offset);
    }
    const regex = compileRegex(pattern.value, pattern.offset);
    const read = compileValue(target, context);
    return (item) => {
      const value = read(item);
      return value === null || value === undefined ? false : regex.test(typeof value === 'string' ? value : stringOf(value));
    };
  }
  throw new OttlSyntaxError(`unknown converter ${node.name}: expected IsMatch`, node.offset);
}

/**
 * IsMatch's patterns are RE2, as in the Collector (Go's regexp): matched in time linear in the
 * text, whatever the pattern, so that no pattern can stall the agent on a long name (a
 * JavaScript RegExp backtracks: "(a+)+$" takes seconds on 30 characters). re2js is RE2 in
 * plain JavaScript. RE2 refuses what needs backtracking (backreferences, lookarounds) and
 * nesting deeper than 1000, with a message that says which; (?i) and the other flags work as in Go.
 */
function compileRegex(pattern: string, offset: number): RE2JS {
  const { RE2JS, RE2JSException } = re2();
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    if (!(error instanceof RE2JSException) && !(error instanceof RangeError)) throw error;
    const reason = error instanceof RangeError ? 'expression nests too deeply' : error.message.replace(/^error parsing regexp: /, '');
    const hint = /\\[1-9]|\(\?(?:[=!]|<[=!])/.test(pattern) ? ' (IsMatch uses RE2, as the Collector does: no backreferences or lookarounds)' : '';
    throw new OttlSyntaxError(`invalid regular expression ${JSON.stringify(cut(pattern))}: ${reason}${hint}`, offset);
  }
}

/** A pattern quoted in a message: a pathological one may be thousands of characters long. */
function cut(pattern: string): string {
  return pattern.length > 80 ? `${pattern.slice(0, 79)}…` : pattern;
}

/** As IsMatch converts what is not a string: numbers and booleans as written, maps and lists as JSON. */
function stringOf(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * OTTL's comparison rules: values of different types are "not equal" (== is false, != true,
 * every ordering false), nil equals only nil, numbers compare as numbers (int or float),
 * strings by their characters, false is less than true; maps and lists are only equal to
 * themselves. Never an error.
 */
export function compare(operator: ComparisonOperator, left: unknown, right: unknown): boolean {
  const a = left === undefined ? null : left;
  const b = right === undefined ? null : right;
  const comparable = a !== null && b !== null && typeof a === typeof b && (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean');
  if (!comparable) {
    const equal = a === b;
    if (operator === '==') return equal;
    if (operator === '!=') return !equal;
    return false;
  }
  const x = a as number | string | boolean;
  const y = b as number | string | boolean;
  switch (operator) {
    case '==': return x === y;
    case '!=': return x !== y;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    case '>=': return x >= y;
  }
}
