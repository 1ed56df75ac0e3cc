// File names are bytes, not text: Linux allows any byte but '/' and NUL, and a partner system
// may well write `\xff\xfe-latin1-\xe9.bac`. Node.js decodes names as UTF-8 and puts U+FFFD
// where bytes are not valid UTF-8, which loses them: such a name cannot be opened again.
//
// The agent keeps every name as a string: the name itself when it is valid UTF-8 (the common
// case, at no cost), otherwise NUL (which no file name holds) followed by its readable form.
// The readable form is what users see (`backbone.message`, `backbone.path`, integration and
// project names): valid UTF-8 as is, each byte that is not part of valid UTF-8 as `\xNN`, a
// backslash as `\\`; it maps back to the exact bytes, so such a name can be opened again.
// Listing stays streamed and string-based; only a folder that holds such a name is read once
// more with Buffer names, for those names alone.
import { type Dirent, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

/** Starts a name kept in readable form (its bytes are not valid UTF-8). */
const MARK = '\u0000';
const REPLACEMENT = '\uFFFD';

/** A name as a listing decoded it may have lost bytes: it is read again with Buffer names. */
export function mayBeLossy(name: string): boolean {
  return name.includes(REPLACEMENT);
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  let length: number;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) length = 3;
  else if (lead >= 0xf0 && lead <= 0xf4) length = 4;
  else return 0;
  if (i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  const second = bytes[i + 1]!;
  // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not valid UTF-8.
  if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return 0;
  return length;
}

/** The readable form of a name's bytes: valid UTF-8 as is, other bytes as \xNN, backslash as \\. */
export function readableBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      out += `\\x${bytes[i]!.toString(16).padStart(2, '0')}`;
      i++;
    } else {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + i, length).toString('utf8');
      out += text === '\\' ? '\\\\' : text;
      i += length;
    }
  }
  return out;
}

/** The bytes a readable form stands for (the inverse of readableBytes). */
export function bytesOfReadable(readable: string): Buffer {
  const parts: Buffer[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') parts.push(Buffer.from(text, 'utf8'));
    text = '';
  };
  for (let i = 0; i < readable.length; i++) {
    const c = readable[i]!;
    if (c === '\\' && readable[i + 1] === '\\') {
      text += '\\';
      i++;
    } else if (c === '\\' && readable[i + 1] === 'x' && /^[0-9a-f]{2}$/.test(readable.slice(i + 2, i + 4))) {
      flush();
      parts.push(Buffer.from([Number.parseInt(readable.slice(i + 2, i + 4), 16)]));
      i += 3;
    } else {
      text += c;
    }
  }
  flush();
  return Buffer.concat(parts);
}

/** The name the agent keeps for a name's bytes. */
export function nameOfBytes(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return mayBeLossy(text) ? MARK + readableBytes(bytes) : text;
}

/** What users see of a kept name (one path segment). */
export function readableName(name: string): string {
  if (name.startsWith(MARK)) return name.slice(1);
  return name.includes('\\') ? name.replaceAll('\\', '\\\\') : name;
}

/** What users see of a kept relative path (segments separated by '/'). */
export function readablePath(rel: string): string {
  return rel.includes(MARK) || rel.includes('\\') ? rel.split('/').map(readableName).join('/') : rel;
}

/** The path to hand to the file system: the string itself, or its bytes when it holds a name kept in readable form. */
export function fsPath(path: string): string | Buffer {
  if (!path.includes(MARK)) return path;
  const parts: Buffer[] = [];
  path.split('/').forEach((segment, index) => {
    if (index > 0) parts.push(Buffer.from('/'));
    parts.push(segment.startsWith(MARK) ? bytesOfReadable(segment.slice(1)) : Buffer.from(segment, 'utf8'));
  });
  return Buffer.concat(parts);
}

export interface NamedEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

function named(entry: Dirent<Buffer>): NamedEntry {
  const name = nameOfBytes(entry.name);
  return { name, isFile: () => entry.isFile(), isDirectory: () => entry.isDirectory(), isSymbolicLink: () => entry.isSymbolicLink() };
}

/** The entries of a folder whose names a string listing may have lost (read with Buffer names). */
export function lossyEntriesSync(folder: string): NamedEntry[] {
  return readdirSync(fsPath(folder), { encoding: 'buffer', withFileTypes: true })
    .filter((entry) => mayBeLossy(entry.name.toString('utf8'))).map(named);
}

export async function lossyEntries(folder: string): Promise<NamedEntry[]> {
  return (await readdir(fsPath(folder), { encoding: 'buffer', withFileTypes: true }))
    .filter((entry) => mayBeLossy(entry.name.toString('utf8'))).map(named);
}
