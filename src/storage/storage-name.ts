// The name a component's state takes in a folder (its disk queue's folder, its checkpoint's
// file), made from its id so that two ids never share one: the old rule (every character but
// letters, digits, . _ - became _) gave otlphttp/a:b and otlphttp/a_b one queue folder. Here
// lowercase letters, digits, _ and - stay as they are and every other byte of the id's UTF-8
// (uppercase letters, /, :, ., %...) becomes %XX. The mapping is one-to-one, also on file
// systems that ignore letter case (every name it makes is lowercase but for the hex digits of
// an escape, which are always uppercase), and the id can be read back (idOfStorageName). No
// name starts with a dot or is . or .. (a dot is escaped). Ids without a /name (otlphttp,
// backbone_events) keep the name they had.
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';

const KEPT = /^[a-z0-9_-]$/;
const ESCAPE = /^%[0-9A-F]{2}$/;

/** Longest name made, in bytes: room is left for a suffix (".epoch-000000000001.checkpoint.json") within the usual 255. */
export const MAX_STORAGE_NAME_BYTES = 200;

/** The file or folder name for a component (or pipeline) id; one-to-one. */
export function storageName(id: string): string {
  let out = '';
  for (const byte of Buffer.from(id, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += KEPT.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The id a name made by storageName() stands for; undefined when storageName() cannot have made it. */
export function idOfStorageName(name: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < name.length;) {
    const char = name[i]!;
    if (KEPT.test(char)) {
      bytes.push(char.charCodeAt(0));
      i += 1;
      continue;
    }
    const escape = name.slice(i, i + 3);
    if (!ESCAPE.test(escape)) return undefined;
    const byte = Number.parseInt(escape.slice(1), 16);
    // A byte that would have been kept is never escaped: such a name was not made here.
    if (KEPT.test(String.fromCharCode(byte))) return undefined;
    bytes.push(byte);
    i += 3;
  }
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    const text = decoder.decode(Uint8Array.from(bytes));
    return storageName(text) === name ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Why an id cannot name a file (too long once escaped); undefined when it can. */
export function storageNameProblem(id: string): string | undefined {
  const length = Buffer.byteLength(storageName(id));
  if (length <= MAX_STORAGE_NAME_BYTES) return undefined;
  return `"${id}" is too long to name the folder of its state: ${length} bytes once escaped (each byte of its UTF-8 other than a-z, 0-9, _ and - takes 3: %XX), at most ${MAX_STORAGE_NAME_BYTES}; choose a shorter name`;
}

/** The name the agent gave before storageName(): not one-to-one, so only ever looked for, never made. */
export function legacyStorageName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

export interface StorageEntryOptions {
  /** Appended to the name: ".checkpoint.json" for a file; nothing for a folder. */
  suffix?: string;
  /** Said once, when a folder or file named by the old rule is renamed to its new name. */
  onRenamed?: (from: string, to: string) => void;
}

/**
 * The path of a component's state in `parent`: parent/storageName(id)+suffix. When only the
 * name the old rule gave exists there, it is renamed to the new one first (once: after that,
 * the new name exists), so that an upgraded agent finds what an earlier version left.
 * If two ids of one configuration had the same old name, they shared that folder before, and
 * the first of them to start takes it over.
 */
export function storageEntry(parent: string, id: string, options: StorageEntryOptions = {}): string {
  const suffix = options.suffix ?? '';
  const target = path.join(parent, storageName(id) + suffix);
  const legacy = path.join(parent, legacyStorageName(id) + suffix);
  if (legacy === target || existsSync(target) || !existsSync(legacy)) return target;
  try {
    renameSync(legacy, target);
  } catch (error) {
    // Taken by another component (or agent) at the same moment: whichever renamed it has it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EEXIST' || code === 'ENOTEMPTY') return target;
    throw error;
  }
  options.onRenamed?.(legacy, target);
  return target;
}
