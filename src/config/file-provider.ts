// ${file:PATH} in configuration values, as the OpenTelemetry Collector's file provider: the
// value is the file's content. For secrets that arrive as files: a Kubernetes Secret mounted
// as a volume (/etc/backbone-otel/secrets/jira-token), a systemd credential
// (LoadCredential=, /run/credentials/backbone-otel-agent.service/NAME), a Docker secret
// (/run/secrets/NAME). One line end at the end of the file is not part of the value
// (`echo token > file` writes one); a relative PATH is taken from the configuration file's
// folder. A secret is short: a file over MAX_REFERENCED_BYTES, or one that is not UTF-8
// text, is refused rather than pasted into a value.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';

export const MAX_REFERENCED_BYTES = 64 * 1024;

export type ReferencedFile = { value: string } | { problem: string };

export function readReferencedFile(file: string, configFile: string): ReferencedFile {
  const where = path.resolve(path.dirname(configFile), file);
  let bytes: Buffer;
  try {
    const fd = openSync(where, 'r');
    try {
      if (!fstatSync(fd).isFile()) return { problem: `${where} is not a file` };
      bytes = Buffer.alloc(MAX_REFERENCED_BYTES + 1);
      let length = 0;
      for (let read = 1; read > 0 && length < bytes.length; length += read) read = readSync(fd, bytes, length, bytes.length - length, null);
      if (length > MAX_REFERENCED_BYTES) return { problem: `${where} is larger than ${MAX_REFERENCED_BYTES / 1024} KiB: a value read from a file is a secret or a short text (is this the right file?)` };
      bytes = bytes.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'the agent\'s user may not read it' : (error as Error).message;
    return { problem: `cannot read ${where}: ${why}` };
  }
  if (!isUtf8(bytes)) return { problem: `${where} is not UTF-8 text` };
  return { value: bytes.toString('utf8').replace(/\r?\n$/, '') };
}
