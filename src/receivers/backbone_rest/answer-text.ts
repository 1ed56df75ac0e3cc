// The text of an answer. JSON is UTF-8 (RFC 8259); an answer with bytes that are not is
// decoded losslessly, each such byte kept as the lone surrogate U+DC80..U+DCFF (Python's
// "surrogateescape", which no UTF-8 text can decode to), so that the reader can say in
// which field they are (`\xff`, as file names that are not UTF-8 are shown) instead of
// passing U+FFFD on into attribute values.
import { isUtf8 } from 'node:buffer';
import { shownAnswerText } from './redact-answer.ts';

export interface InvalidBytes {
  count: number;
  /** Byte offset of the first one in the answer. */
  firstOffset: number;
}

export interface AnswerText {
  text: string;
  /** Set when the answer is not UTF-8. */
  invalid: InvalidBytes | undefined;
}

const ESCAPE_BASE = 0xdc00;
const ESCAPED = /[\uDC80-\uDCFF]/;
const ESCAPED_ALL = /[\uDC80-\uDCFF]/g;

export function decodeAnswer(bytes: Buffer): AnswerText {
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), invalid: undefined };
  const parts: string[] = [];
  let count = 0;
  let firstOffset = -1;
  let runStart = 0;
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    if (runStart < i) parts.push(bytes.toString('utf8', runStart, i));
    parts.push(String.fromCharCode(ESCAPE_BASE + bytes[i]!));
    if (firstOffset < 0) firstOffset = i;
    count++;
    i++;
    runStart = i;
  }
  if (runStart < bytes.length) parts.push(bytes.toString('utf8', runStart));
  return { text: parts.join(''), invalid: { count, firstOffset } };
}

/** Whether a string holds bytes that were not UTF-8 (only after decodeAnswer found some). */
export function hasEscapedBytes(value: string): boolean {
  return ESCAPED.test(value);
}

/**
 * The string as it may be shown in the log and on the status page: its escaped bytes as \xNN,
 * anything credential-like that the answer held [REDACTED], and cut to a length
 * (redact-answer.ts). Every failure message passes here before it is said (api-client.ts).
 */
export function showEscapedBytes(value: string): string {
  return shownAnswerText(value.replace(ESCAPED_ALL, (c) => `\\x${(c.charCodeAt(0) - ESCAPE_BASE).toString(16).padStart(2, '0')}`));
}

/** The length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0. */
function sequenceLength(bytes: Buffer, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf) => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 >= 0xe1 && b0 <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}
