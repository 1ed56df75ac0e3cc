// The file of one queued request, as the disk queue writes it and reads it back.
//
// Format (little-endian): "BBQ2", signal (0 metrics, 1 logs), encoding (0 protobuf, 1 json),
// compression (0 none, 1 gzip), 0, items (u32), body length (u32), CRC-32 of the body and the
// keys (u32), keys length (u32), body, keys (the records' log.record.uid, ASCII, one per line).
// "BBQ1" files (no keys, 20-byte header) of earlier versions are still read. A file that does
// not match is set aside by the queue (*.corrupt) and reported.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Compression, Encoding, Payload, SignalKind } from './payload.ts';

const MAGIC_V1 = 'BBQ1';
const MAGIC = 'BBQ2';
const HEADER_V1 = 20;
export const HEADER = 24;
export const SUFFIX = '.otlp';
const SIGNALS: SignalKind[] = ['metrics', 'logs'];
const ENCODINGS: Encoding[] = ['protobuf', 'json'];
const COMPRESSIONS: Compression[] = ['none', 'gzip'];

/** What a queue file's header says. */
export interface FileHeader {
  signal: SignalKind;
  encoding: Encoding;
  compression: Compression;
  items: number;
  bytes: number;
  uids: string[];
}

/** The whole file of a request: header, body, keys. */
export function encodeFrame(payload: Payload): Buffer {
  const uids = payload.uids ?? [];
  const keys = Buffer.from(uids.length === 0 ? '' : `${uids.join('\n')}\n`, 'latin1');
  const header = Buffer.alloc(HEADER);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt8(SIGNALS.indexOf(payload.signal), 4);
  header.writeUInt8(ENCODINGS.indexOf(payload.encoding), 5);
  header.writeUInt8(COMPRESSIONS.indexOf(payload.compression), 6);
  header.writeUInt32LE(payload.items, 8);
  header.writeUInt32LE(payload.body.byteLength, 12);
  header.writeUInt32LE(crc32(keys, crc32(payload.body)), 16);
  header.writeUInt32LE(keys.byteLength, 20);
  return Buffer.concat([header, payload.body, keys]);
}

/** The name of the file of request `seq`. */
export function fileName(seq: number): string {
  return `${String(seq).padStart(16, '0')}${SUFFIX}`;
}

/** The header (and keys) of a queue file, or why it cannot be used. */
export function readHeader(file: string): FileHeader | string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const header = Buffer.alloc(HEADER);
    if (size < HEADER_V1 || readSync(fd, header, 0, Math.min(HEADER, size), 0) < HEADER_V1) return 'it is too short';
    const magic = header.toString('latin1', 0, 4);
    if (magic !== MAGIC && magic !== MAGIC_V1) return 'it is not a queue file of this agent';
    const signal = SIGNALS[header.readUInt8(4)];
    const encoding = ENCODINGS[header.readUInt8(5)];
    const compression = COMPRESSIONS[header.readUInt8(6)];
    const bytes = header.readUInt32LE(12);
    if (!signal || !encoding || !compression) return 'its header is damaged';
    const items = header.readUInt32LE(8);
    if (magic === MAGIC_V1) {
      if (size !== HEADER_V1 + bytes) return `it holds ${size - HEADER_V1} bytes where its header says ${bytes}`;
      return { signal, encoding, compression, items, bytes, uids: [] };
    }
    if (size < HEADER) return 'it is too short';
    const keyBytes = header.readUInt32LE(20);
    if (size !== HEADER + bytes + keyBytes) return `it holds ${size - HEADER} bytes where its header says ${bytes + keyBytes}`;
    const keys = Buffer.alloc(keyBytes);
    readSync(fd, keys, 0, keyBytes, HEADER + bytes);
    return { signal, encoding, compression, items, bytes, uids: splitKeys(keys) };
  } catch (error) {
    return (error as Error).message;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The item count a damaged file's header still tells, if it does. */
export function itemsInHeader(file: string): number | undefined {
  try {
    const data = readFileSync(file);
    return data.length >= 12 && [MAGIC, MAGIC_V1].includes(data.toString('latin1', 0, 4)) ? data.readUInt32LE(8) : undefined;
  } catch {
    return undefined;
  }
}

function splitKeys(keys: Buffer): string[] {
  return keys.length === 0 ? [] : keys.toString('latin1').split('\n').filter((line) => line !== '');
}

/** The body of a whole queue file, checked against its checksum; or why it cannot be used. */
export function checkFrame(data: Buffer): { body: Buffer; uids: string[] } | string {
  const magic = data.length >= 4 ? data.toString('latin1', 0, 4) : '';
  if (magic === MAGIC_V1 && data.length >= HEADER_V1) {
    const body = data.subarray(HEADER_V1);
    if (body.length !== data.readUInt32LE(12) || crc32(body) !== data.readUInt32LE(16)) return 'its content does not match its checksum';
    return { body, uids: [] };
  }
  if (magic !== MAGIC || data.length < HEADER) return 'its content does not match its checksum';
  const bytes = data.readUInt32LE(12);
  const keyBytes = data.readUInt32LE(20);
  if (data.length !== HEADER + bytes + keyBytes) return 'its content does not match its checksum';
  const body = data.subarray(HEADER, HEADER + bytes);
  const keys = data.subarray(HEADER + bytes);
  if (crc32(keys, crc32(body)) !== data.readUInt32LE(16)) return 'its content does not match its checksum';
  return { body, uids: splitKeys(keys) };
}

/** The keys of a queue file (empty when it cannot be read). */
export function readKeys(file: string): string[] {
  const header = readHeader(file);
  return typeof header === 'string' ? [] : header.uids;
}
