// OTTL conditions (the Boolean Expressions of the Collector's pkg/ottl grammar) read into a
// tree. Written by hand as a small recursive-descent parser: the grammar is a dozen rules,
// and a hand-written parser gives errors that say what was expected at which column, with
// no generated code or dependency to carry.
//
//   condition  = or
//   or         = and { "or" and }
//   and        = term { "and" term }
//   term       = "not" term | "(" or ")" | value [ operator value ]
//   value      = string | int | float | "true" | "false" | "nil" | ENUM
//              | path | Converter "(" [ value { "," value } ] ")" { "[" key "]" }
//   path       = ident { "." ident } { "[" key "]" }
//   key        = string | int
//
// Parentheses, `not` and converter calls may nest MAX_NESTING deep: each level is a few calls deep in this
// parser, and thousands of them would overflow the stack (a RangeError instead of a
// configuration error); no condition a person writes comes near it.
//
// `not` binds tighter than `and`, and `and` tighter than `or`, as in OTTL. A term without an
// operator must be a boolean: `true`, `false` or a converter call (OTTL does not take a bare
// path as a condition).
import { OttlSyntaxError, type Token, tokenize } from './lexer.ts';

/** How deep parentheses and `not` may nest in one condition. */
export const MAX_NESTING = 100;

export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type ValueNode =
  | { kind: 'literal'; value: string | number | boolean | null; offset: number }
  | { kind: 'path'; segments: string[]; keys: (string | number)[]; offset: number }
  | { kind: 'enum'; name: string; offset: number }
  | { kind: 'call'; name: string; args: ValueNode[]; keys: (string | number)[]; offset: number };

export type ConditionNode =
  | { kind: 'or' | 'and'; left: ConditionNode; right: ConditionNode }
  | { kind: 'not'; operand: ConditionNode }
  | { kind: 'compare'; operator: ComparisonOperator; left: ValueNode; right: ValueNode; offset: number }
  | { kind: 'boolean'; value: ValueNode };

export function parseCondition(source: string): ConditionNode {
  const parser = new Parser(tokenize(source));
  if (parser.peek().kind === 'end') throw new OttlSyntaxError('empty condition: expected a comparison such as name == "x"', 0);
  const condition = parser.or();
  const rest = parser.peek();
  if (rest.kind !== 'end') {
    throw new OttlSyntaxError(`unexpected ${describe(rest)}: expected "and", "or" or the end of the condition`, rest.offset);
  }
  return condition;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end': return 'end of the condition';
    case 'string': return `string ${JSON.stringify(token.text)}`;
    case 'int':
    case 'float': return `number ${token.text}`;
    default: return `"${token.text}"`;
  }
}

const isUpper = (text: string) => /^[A-Z]/.test(text);

class Parser {
  private readonly tokens: Token[];
  private position = 0;
  private depth = 0;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'ident' && token.text === word;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private expectPunct(text: string, what: string): Token {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== text) throw new OttlSyntaxError(`unexpected ${describe(token)}: expected ${what}`, token.offset);
    return this.next();
  }

  or(): ConditionNode {
    let left = this.and();
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): ConditionNode {
    let left = this.term();
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'and', left, right: this.term() };
    }
    return left;
  }

  private term(): ConditionNode {
    if (this.isWord('not') || this.isPunct('(')) {
      const opening = this.next();
      if (++this.depth > MAX_NESTING) {
        throw new OttlSyntaxError(`the condition nests more than ${MAX_NESTING} levels deep (parentheses and "not"): write it flatter, or split it into several conditions`, opening.offset);
      }
      let node: ConditionNode;
      if (opening.text === 'not') {
        node = { kind: 'not', operand: this.term() };
      } else {
        node = this.or();
        this.expectPunct(')', '")" to close the "("');
      }
      this.depth--;
      return node;
    }
    const left = this.value();
    const token = this.peek();
    if (token.kind === 'op') {
      this.next();
      return { kind: 'compare', operator: token.text as ComparisonOperator, left, right: this.value(), offset: token.offset };
    }
    const isBoolean = (left.kind === 'literal' && typeof left.value === 'boolean') || left.kind === 'call';
    if (!isBoolean) {
      throw new OttlSyntaxError(`unexpected ${describe(token)}: expected a comparison operator (== != < <= > >=) after the value`, token.offset);
    }
    return { kind: 'boolean', value: left };
  }

  private value(): ValueNode {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { kind: 'literal', value: token.text, offset: token.offset };
      case 'int':
      case 'float':
        return { kind: 'literal', value: Number(token.text), offset: token.offset };
      case 'bytes':
        throw new OttlSyntaxError(`byte literals (${token.text}) are not supported by this agent: expected a string, number, boolean or nil`, token.offset);
      case 'ident':
        break;
      default:
        throw new OttlSyntaxError(`unexpected ${describe(token)}: expected a value (a path such as attributes["key"], a string, a number, true, false, nil, an enum or a converter call)`, token.offset);
    }
    const word = token.text;
    if (word === 'true' || word === 'false') return { kind: 'literal', value: word === 'true', offset: token.offset };
    if (word === 'nil') return { kind: 'literal', value: null, offset: token.offset };
    if (word === 'and' || word === 'or' || word === 'not') {
      throw new OttlSyntaxError(`unexpected "${word}": expected a value`, token.offset);
    }
    if (this.isPunct('(')) {
      if (!isUpper(word)) {
        throw new OttlSyntaxError(`"${word}(...)" is an editor: conditions take converters only (names starting with an uppercase letter, such as IsMatch)`, token.offset);
      }
      this.next();
      if (++this.depth > MAX_NESTING) {
        throw new OttlSyntaxError(`the condition nests more than ${MAX_NESTING} levels deep (converter calls inside converter calls): write it flatter`, token.offset);
      }
      const args: ValueNode[] = [];
      if (!this.isPunct(')')) {
        args.push(this.value());
        while (this.isPunct(',')) {
          this.next();
          args.push(this.value());
        }
      }
      this.expectPunct(')', `"," or ")" to close the arguments of ${word}`);
      this.depth--;
      return { kind: 'call', name: word, args, keys: this.keys(), offset: token.offset };
    }
    if (isUpper(word)) return { kind: 'enum', name: word, offset: token.offset };
    const segments = [word];
    while (this.isPunct('.')) {
      this.next();
      const part = this.next();
      if (part.kind !== 'ident' || isUpper(part.text)) {
        throw new OttlSyntaxError(`unexpected ${describe(part)}: expected a lowercase field name after "."`, part.offset);
      }
      segments.push(part.text);
    }
    return { kind: 'path', segments, keys: this.keys(), offset: token.offset };
  }

  private keys(): (string | number)[] {
    const keys: (string | number)[] = [];
    while (this.isPunct('[')) {
      this.next();
      const key = this.next();
      if (key.kind === 'string') keys.push(key.text);
      else if (key.kind === 'int') keys.push(Number(key.text));
      else throw new OttlSyntaxError(`unexpected ${describe(key)}: expected a key in double quotes, such as ["backbone.state"]`, key.offset);
      this.expectPunct(']', '"]" to close the key');
    }
    return keys;
  }
}
