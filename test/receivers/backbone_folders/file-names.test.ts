// File names are bytes: names that are not valid UTF-8 (a partner writing Latin-1, say) are
// counted, stat'ed and named in a readable form that maps back to the exact bytes. The files
// are real, made with Buffer paths.
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bytesOfReadable, readableBytes } from '../../../src/backbone/file-names.ts';
import { folderKey, scanBackboneRoot } from '../../../src/receivers/backbone_folders/scanner.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
/** receive/\xff\xfe-latin1-\xe9.bac */
const LATIN1 = bytes([0xff, 0xfe], '-latin1-', [0xe9], '.bac');

test('the readable form: valid UTF-8 as is, other bytes as \\xNN, a backslash as \\\\; and back to the same bytes', () => {
  assert.equal(readableBytes(LATIN1), '\\xff\\xfe-latin1-\\xe9.bac');
  assert.equal(readableBytes(bytes('ümlaut-😀 a\\b.bac')), 'ümlaut-😀 a\\\\b.bac');
  // An overlong '/' and a lone surrogate (CESU) are not UTF-8 either.
  assert.equal(readableBytes(bytes([0xc0, 0xaf, 0xed, 0xa0, 0x80])), '\\xc0\\xaf\\xed\\xa0\\x80');
  // A name that looks like an escape is told apart from one: its backslash is doubled.
  assert.equal(readableBytes(bytes('\\xff.bac')), '\\\\xff.bac');
  for (const name of [LATIN1, bytes('\\xff.bac'), bytes([0xe2, 0x82], 'x', [0xf0, 0x9f, 0x98]), bytes('\uFFFD.bac'), bytes([0x5c, 0xff, 0x5c])]) {
    assert.deepEqual(bytesOfReadable(readableBytes(name)), name, readableBytes(name));
  }
});

test('the scanner counts, sizes and ages files and folders whose names are not UTF-8', () => {
  const root = tempDir();
  const receive = path.join(root, 'INT-1', 'AP-1', 'receive');
  mkdirSync(path.join(receive, 'processed'), { recursive: true });
  const receiveBytes = Buffer.from(receive);
  const slash = Buffer.from('/');
  writeFileSync(Buffer.concat([receiveBytes, slash, LATIN1]), 'abc');
  writeFileSync(Buffer.concat([receiveBytes, slash, bytes([0xfe], '.bac')]), 'de');
  writeFileSync(path.join(receive, 'plain.bac'), 'f');
  writeFileSync(Buffer.concat([receiveBytes, slash, bytes('processed/', [0xff], '.bac')]), 'x');
  const old = new Date('2026-01-01T00:00:00Z');
  utimesSync(Buffer.concat([receiveBytes, slash, LATIN1]), old, old);
  // A project folder whose name is not UTF-8 either.
  const odd = Buffer.concat([Buffer.from(path.join(root, 'INT-1')), slash, bytes('AP-', [0xe9])]);
  mkdirSync(Buffer.concat([odd, bytes('/receive')]), { recursive: true });
  writeFileSync(Buffer.concat([odd, bytes('/receive/', [0xff], '.bac')]), '1234');

  const result = scanBackboneRoot({
    root, stateNames: {}, countOnlyStates: ['processed'], integrationDepth: 1, projectDepth: 1,
    messageSuffix: '.bac', timeoutMs: 60_000, maxEntries: 1_000_000,
  });
  assert.deepEqual(result.problems, [], 'nothing vanished: every name can be stat\'ed');
  const stats = result.folders.get(folderKey('INT-1', 'AP-1', 'receive'))!;
  assert.equal(stats.messages, 3);
  assert.equal(stats.bytes, 6);
  assert.equal(stats.oldestMessageMtimeMs, old.getTime(), 'its age comes from its own stat');
  assert.equal(result.folders.get(folderKey('INT-1', 'AP-1', 'processed'))?.messages, 1);
  const oddStats = result.folders.get(folderKey('INT-1', 'AP-\\xe9', 'receive'));
  assert.equal(oddStats?.messages, 1, [...result.folders.keys()].join('\n'));
  assert.equal(oddStats?.bytes, 4);
});
