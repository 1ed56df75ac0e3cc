// Reads a configuration file as text, refusing what cannot be one: a file larger than
// MAX_CONFIG_BYTES (a real configuration is a few KB; parsing many MB would stall the start), and
// bytes that are not UTF-8 (they would become U+FFFD in values, a password or a path that
// silently differs from the file).
// `-` is stdin. Stdin, a FIFO (mkfifo, or a shell's <(...)) and other files that are not
// regular ones are read to their end, whatever size they report (0): a writer may be slow,
// so their reading waits, and says once on stderr what it waits for, rather than hang silently.
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { ConfigError } from './config-issue.ts';

export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_SIZE_TEXT = '4 MiB';
/** Stdin by its names: `-`, and the paths that would reopen it (which fails for a socket). */
const STDIN_NAMES = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);
/** How long a FIFO may keep the reader waiting before it says so. */
const SAY_WAITING_AFTER_MS = 2_000;

export function readConfigFile(file: string): string {
  let bytes: Buffer;
  try {
    // Not blocking: opening a FIFO would otherwise wait, silently, for a writer. Stdin is
    // read as it is (a pipe, a socket, a terminal: /dev/stdin cannot reopen a socket).
    const fd = STDIN_NAMES.has(file) ? 0 : openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stat = fstatSync(fd);
      if (stat.isFile()) {
        const size = stat.size;
        if (size > MAX_CONFIG_BYTES) throw tooLarge(file, size);
        // One byte more than the limit: a file that grows while it is read is still refused.
        bytes = Buffer.alloc(Math.min(size, MAX_CONFIG_BYTES) + 1);
        let length = 0;
        for (let read = 1; read > 0 && length < bytes.length; length += read) read = readSync(fd, bytes, length, bytes.length - length, null);
        if (length > MAX_CONFIG_BYTES) throw tooLarge(file, length);
        bytes = bytes.subarray(0, length);
      } else {
        bytes = readToEnd(fd, file, stat.isFIFO() && !anonymousPipe(fd));
      }
    } finally {
      if (fd !== 0) closeSync(fd);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(file, [{ path: [], message: `cannot read the configuration file: ${(error as Error).message}` }]);
  }
  if (!isUtf8(bytes)) throw notUtf8(file, bytes);
  return bytes.toString('utf8');
}

/**
 * A pipe without a name (stdin from `cmd |`, a shell's `<(cmd)`): it had a writer from the
 * start, so an empty read is its end; only a named FIFO may still be waiting for one.
 */
function anonymousPipe(fd: number): boolean {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`).startsWith('pipe:');
  } catch {
    return false;
  }
}

/**
 * Reads a stream (a FIFO, a pipe, a terminal) opened without blocking to its end. A FIFO
 * without a writer reads as empty (0): the writer has not come yet, unless one was there
 * before (it answered "try again", EAGAIN, or sent data); then 0 is the end.
 */
function readToEnd(fd: number, file: string, fifo: boolean): Buffer {
  const chunks: Buffer[] = [];
  let length = 0;
  let writerSeen = false;
  const started = Date.now();
  let saidWaiting = false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const chunk = Buffer.alloc(64 * 1024);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      read = -1;
      writerSeen = true;
    }
    if (read > 0) {
      chunks.push(chunk.subarray(0, read));
      length += read;
      writerSeen = true;
      if (length > MAX_CONFIG_BYTES) throw tooLarge(file, length);
      continue;
    }
    if (read === 0 && (writerSeen || !fifo)) break;
    if (!saidWaiting && Date.now() - started > SAY_WAITING_AFTER_MS) {
      saidWaiting = true;
      const what = STDIN_NAMES.has(file) ? 'stdin' : fifo ? `the FIFO ${file}` : file;
      process.stderr.write(`waiting for the configuration on ${what}: it is read until the writer closes it (Ctrl-C stops)\n`);
    }
    // Nothing to read yet: a short sleep of this thread, which has nothing else to do while loading.
    Atomics.wait(pause, 0, 0, 20);
  }
  return Buffer.concat(chunks, length);
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
