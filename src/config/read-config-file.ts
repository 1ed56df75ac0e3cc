// Reads a configuration file as text, refusing what cannot be one: a file larger than
// MAX_CONFIG_BYTES (a real configuration is a few KB; parsing many MB would stall the start), and
// bytes that are not UTF-8 (they would become U+FFFD in values, a password or a path that
// silently differs from the file).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { ConfigError } from './config-issue.ts';

export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_SIZE_TEXT = '4 MiB';

export function readConfigFile(file: string): string {
  let bytes: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > MAX_CONFIG_BYTES) throw tooLarge(file, size);
      // One byte more than the limit: a file that grows while it is read is still refused.
      bytes = Buffer.alloc(Math.min(size, MAX_CONFIG_BYTES) + 1);
      let length = 0;
      for (let read = 1; read > 0 && length < bytes.length; length += read) read = readSync(fd, bytes, length, bytes.length - length, null);
      if (length > MAX_CONFIG_BYTES) throw tooLarge(file, length);
      bytes = bytes.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(file, [{ path: [], message: `cannot read the configuration file: ${(error as Error).message}` }]);
  }
  if (!isUtf8(bytes)) throw notUtf8(file, bytes);
  return bytes.toString('utf8');
}

function tooLarge(file: string, size: number): ConfigError {
  const mib = (size / 1024 / 1024).toFixed(1);
  return new ConfigError(file, [{ path: [], message: `the file is ${size > MAX_CONFIG_BYTES + 1 ? `${mib} MiB` : 'larger than that'}; a configuration may be at most ${MAX_CONFIG_SIZE_TEXT} (is this the right file?)` }]);
}

/** Names the line and column of the first byte that is not part of a UTF-8 character. */
function notUtf8(file: string, bytes: Buffer): ConfigError {
  let line = 1;
  let column = 1;
  for (let at = 0; at < bytes.length;) {
    const length = [1, 2, 3, 4].find((n) => at + n <= bytes.length && isUtf8(bytes.subarray(at, at + n)));
    if (length === undefined) {
      return new ConfigError(file, [{
        path: [], line, column,
        message: `the file is not UTF-8 text (byte 0x${bytes[at]!.toString(16).padStart(2, '0')}): save it as UTF-8`,
      }]);
    }
    if (bytes[at] === 0x0a) { line++; column = 1; } else column++;
    at += length;
  }
  return new ConfigError(file, [{ path: [], message: 'the file is not UTF-8 text: save it as UTF-8' }]);
}
