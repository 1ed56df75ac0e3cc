// Folder names made from component ids: two ids never get one folder (the old rule gave
// otlphttp/a:b and otlphttp/a_b one queue), the id can be read back, and what an earlier
// version left under the old name is found.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { idOfStorageName, legacyStorageName, MAX_STORAGE_NAME_BYTES, storageEntry, storageName, storageNameProblem } from '../../src/storage/storage-name.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const IDS = [
  'otlphttp', 'backbone_events', 'otlphttp/a:b', 'otlphttp/a_b', 'otlphttp/a.b', 'otlphttp/a-b', 'otlphttp/A', 'otlphttp/a',
  'otlphttp/a%2Fb', 'otlphttp/..', 'otlphttp/.hidden', 'logs/x', 'logs_x', 'grafana_cloud/Ünïcode', 'datadog/日本', 'debug/😀',
];

test('otlphttp/a:b and otlphttp/a_b get different folders (they shared one under the old rule)', () => {
  assert.equal(legacyStorageName('otlphttp/a:b'), legacyStorageName('otlphttp/a_b'));
  assert.notEqual(storageName('otlphttp/a:b'), storageName('otlphttp/a_b'));
  assert.equal(storageName('otlphttp/a:b'), 'otlphttp%2Fa%3Ab');
  assert.equal(storageName('otlphttp/a_b'), 'otlphttp%2Fa_b');
});

test('every id gets its own name, also where letter case is ignored, and reads back to its id', () => {
  const names = IDS.map(storageName);
  assert.equal(new Set(names).size, IDS.length);
  assert.equal(new Set(names.map((name) => name.toLowerCase())).size, IDS.length, 'two names differ in letter case only');
  IDS.forEach((id, i) => assert.equal(idOfStorageName(names[i]!), id));
  for (const name of names) {
    assert.match(name, /^(?:[a-z0-9_-]|%[0-9A-F]{2})+$/);
    assert.ok(!name.startsWith('.'));
  }
});

test('ids without a /name keep the name they had', () => {
  for (const id of ['otlphttp', 'backbone_events', 'grafana_cloud', 'logs', 'metrics']) assert.equal(storageName(id), legacyStorageName(id));
});

test('a name storageName() cannot have made reads back to nothing', () => {
  for (const name of ['otlphttp_a_b.lock', 'a%2', 'a%zz', '%61', 'A', 'a%2f', '%FF']) assert.equal(idOfStorageName(name), undefined, name);
});

test('an id too long for a file name is refused with its length', () => {
  assert.equal(storageNameProblem(`otlphttp/${'a'.repeat(150)}`), undefined);
  const problem = storageNameProblem(`otlphttp/${'Ä'.repeat(40)}`);
  assert.match(problem ?? '', new RegExp(`\\d+ bytes once escaped.*at most ${MAX_STORAGE_NAME_BYTES}`));
});

test('a queue folder named by the old rule is renamed to its new name once, with its contents', () => {
  const storage = tempDir();
  mkdirSync(path.join(storage, 'otlphttp_grafana', 'logs_x'), { recursive: true });
  writeFileSync(path.join(storage, 'otlphttp_grafana', 'logs_x', '1.otlp'), 'request');
  const renamed: string[] = [];
  const onRenamed = (from: string, to: string) => renamed.push(`${path.relative(storage, from)} -> ${path.relative(storage, to)}`);
  const exporterDir = storageEntry(storage, 'otlphttp/grafana', { onRenamed });
  const queueDir = storageEntry(exporterDir, 'logs/x', { onRenamed });
  assert.deepEqual(renamed, ['otlphttp_grafana -> otlphttp%2Fgrafana', 'otlphttp%2Fgrafana/logs_x -> otlphttp%2Fgrafana/logs%2Fx']);
  assert.equal(readFileSync(path.join(queueDir, '1.otlp'), 'utf8'), 'request');
  assert.deepEqual(readdirSync(storage), ['otlphttp%2Fgrafana']);
  // The next start finds the new name and says nothing.
  assert.equal(storageEntry(storage, 'otlphttp/grafana', { onRenamed }), exporterDir);
  assert.equal(renamed.length, 2);
});

test('a checkpoint file named by the old rule is renamed; one under the new name is never replaced', () => {
  const storage = tempDir();
  writeFileSync(path.join(storage, 'backbone_events_b.checkpoint.json'), 'old');
  const file = storageEntry(storage, 'backbone_events/b', { suffix: '.checkpoint.json' });
  assert.equal(path.basename(file), 'backbone_events%2Fb.checkpoint.json');
  assert.equal(readFileSync(file, 'utf8'), 'old');
  writeFileSync(path.join(storage, 'backbone_events_b.checkpoint.json'), 'older');
  storageEntry(storage, 'backbone_events/b', { suffix: '.checkpoint.json' });
  assert.equal(readFileSync(file, 'utf8'), 'old');
  assert.ok(existsSync(path.join(storage, 'backbone_events_b.checkpoint.json')));
});
