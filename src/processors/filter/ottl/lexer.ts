// Tokens of OTTL conditions, as the OpenTelemetry Collector's pkg/ottl grammar has them:
// double-quoted strings, ints and floats (with an optional sign), identifiers (lowercase
// ones name paths and keywords, uppercase ones enums and converters), comparison operators,
// parentheses, brackets, dots and commas. Every token keeps its offset in the condition, so
// that an error can point at the column where it is.

export type TokenKind = 'string' | 'int' | 'float' | 'bytes' | 'ident' | 'op' | 'punct' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text as written (for strings: the value, with escapes resolved). */
  text: string;
  /** Where it starts in the condition, counted in characters from 0. */
  offset: number;
}

/** A condition that cannot be read, with the offset of what was wrong. */
export class OttlSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'OttlSyntaxError';
    this.offset = offset;
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r' };
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;
const PUNCTUATION = '()[],.';

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new OttlSyntaxError('unterminated string: expected a closing "', start);
        const ch = source[i]!;
        if (ch === '"') break;
        if (ch === '\\') {
          const escaped = ESCAPES[source[i + 1] ?? ''];
          if (escaped === undefined) throw new OttlSyntaxError(`unknown escape \\${source[i + 1] ?? ''} in a string: expected \\" \\\\ \\n \\t or \\r`, i);
          value += escaped;
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      tokens.push({ kind: 'string', text: value, offset: start });
      i++;
      continue;
    }
    const bytes = /^0x[0-9a-fA-F]+/.exec(source.slice(i));
    if (bytes) {
      tokens.push({ kind: 'bytes', text: bytes[0], offset: start });
      i += bytes[0].length;
      continue;
    }
    // A sign belongs to a number only where no value stands before it (`x -1` is not OTTL anyway).
    const number = /^[-+]?(\d*\.\d+|\d+)/.exec(source.slice(i));
    if (number && (c !== '-' && c !== '+' || !endsValue(tokens.at(-1)))) {
      tokens.push({ kind: number[1]!.includes('.') ? 'float' : 'int', text: number[0], offset: start });
      i += number[0].length;
      if (/[A-Za-z_]/.test(source[i] ?? '')) throw new OttlSyntaxError(`unexpected "${source[i]}" right after the number ${number[0]}`, i);
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], offset: start });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, offset: start });
      i += op.length;
      continue;
    }
    if (PUNCTUATION.includes(c)) {
      tokens.push({ kind: 'punct', text: c, offset: start });
      i++;
      continue;
    }
    if (c === '=') throw new OttlSyntaxError('unexpected "=": expected == to compare', start);
    if (c === "'") throw new OttlSyntaxError("unexpected ': strings are written in double quotes", start);
    throw new OttlSyntaxError(`unexpected character "${c}"`, start);
  }
  tokens.push({ kind: 'end', text: '', offset: source.length });
  return tokens;
}

function endsValue(token: Token | undefined): boolean {
  if (!token) return false;
  if (token.kind === 'punct') return token.text === ')' || token.text === ']';
  if (token.kind === 'ident') return !KEYWORDS.has(token.text);
  return token.kind !== 'op';
}

const KEYWORDS = new Set(['and', 'or', 'not']);
