// The checkpoint: a corrupt or foreign one means a fresh start with a warning (never a crash),
// it is written atomically, and it can never be put under the Backbone root.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { registry } from '../../../src/components.ts';
import { loadConfigText } from '../../../src/config/load-config.ts';
import { checkpointPath, loadCheckpoint, saveCheckpoint } from '../../../src/receivers/backbone_events/checkpoint.ts';
import type { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { realWatcherFs } from '../../../src/receivers/backbone_events/watcher-fs.ts';
import { moveInOtherProcess } from '../../helpers/move-files.ts';
import { OtlpReceiver } from '../../helpers/otlp-receiver.ts';
import { startAgent } from '../../helpers/run-agent.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { treeSnapshot } from '../../helpers/tree-snapshot.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const otlp = new OtlpReceiver();
before(() => otlp.start());
after(() => otlp.stop());

function yaml(root: string, storage: string): string {
  return `
receivers:
  backbone_events:
    root: ${root}
    watch_method: poll
    poll_interval: 100ms
    grace_period: 300ms
    storage: ${storage}
exporters:
  otlphttp: { endpoint: "${otlp.url}", encoding: json }
service:
  pipelines:
    metrics: { receivers: [backbone_events], exporters: [otlphttp] }
    logs: { receivers: [backbone_events], exporters: [otlphttp] }
`;
}

function tree(): { root: string; storage: string; receive: string; processed: string } {
  const home = tempDir();
  const root = path.join(home, 'backbone-issue-sync');
  const receive = path.join(root, 'INT-1', 'AP-1', 'receive');
  const processed = path.join(receive, 'processed');
  mkdirSync(processed, { recursive: true });
  for (let i = 1; i <= 5; i++) writeFileSync(path.join(receive, `00000${i}.bac`), 'm');
  return { root, storage: path.join(home, 'state'), receive, processed };
}

for (const [what, content] of [
  ['not JSON', '{"version":1,"layout":"x","entries":[["INT-1/AP-1/rec'],
  ['JSON of the wrong shape', '{"version":1,"layout":"x","savedAtMs":"yesterday","entries":{}}'],
  ['binary garbage', '\u0000\u00ff\u0013garbage'],
] as const) {
  test(`a corrupt checkpoint (${what}) means a fresh start with a warning, and is replaced`, async () => {
    otlp.clear();
    const { root, storage, receive, processed } = tree();
    mkdirSync(storage, { recursive: true });
    const file = checkpointPath(storage, 'backbone_events');
    writeFileSync(file, content);

    const agent = await startAgent(yaml(root, storage));
    const receiver = agent.service.receiver('backbone_events') as EventsReceiver;
    assert.ok(agent.logLines.some((line) => line.includes('WARN') && line.includes('is corrupt') && line.includes('fresh start')), agent.logLines.join(''));
    // What is there is the starting point: nothing reported for it...
    await receiver.reconcileNow();
    assert.equal(receiver.reported, 0);
    // ...and moves are followed as usual.
    await moveInOtherProcess([{ op: 'rename', from: path.join(receive, '000001.bac'), to: path.join(processed, '000001.bac') }]);
    await waitFor(() => receiver.reported === 1, 'the move');
    await agent.stop();
    const records = otlp.logs.filter((r) => r.eventName === 'backbone.message.transition');
    assert.deepEqual(records.map((r) => [r.attributes['backbone.from_state'], r.attributes['backbone.to_state']]), [['receive', 'processed']]);

    const written = JSON.parse(readFileSync(file, 'utf8')) as { entries: [string, string[]][] };
    assert.deepEqual(written.entries.map(([folder, names]) => [folder, names.length]), [['INT-1/AP-1/receive', 4]], 'the checkpoint was replaced with a valid one');
    assert.deepEqual(readdirSync(storage).filter((name) => name !== path.basename(file)), [], 'no temporary file left');
  });
}

test('a checkpoint of another root or layout is not used', async () => {
  const { storage } = tree();
  const file = checkpointPath(storage, 'backbone_events');
  const entries = [{ rel: 'INT-1/AP-1/receive', names: ['1.bac'], since: [1], ino: [2] }];
  await saveCheckpoint(realWatcherFs, file, { version: 3 as const, layout: 'one layout', savedAtMs: 1, entries });
  const loaded = await loadCheckpoint(realWatcherFs, file, 'another layout');
  assert.equal(loaded.kind, 'fresh');
  const same = await loadCheckpoint(realWatcherFs, file, 'one layout');
  assert.equal(same.kind, 'loaded');
  if (same.kind === 'loaded') assert.deepEqual(same.checkpoint.entries, entries);
});

test('a version 1 checkpoint (one entry per message) is read: the moves made while stopped are reported once', async () => {
  otlp.clear();
  const { root, storage, receive, processed } = tree();
  const agent = await startAgent(yaml(root, storage));
  await agent.stop();
  const file = checkpointPath(storage, 'backbone_events');
  // What an agent before version 2 wrote for the same tree.
  const current = JSON.parse(readFileSync(file, 'utf8')) as { layout: string; savedAtMs: number; entries: [string, string[], number[], number[]][] };
  const v1 = current.entries.flatMap(([folder, names, since, ino]) => names.map((name, i) => [`${folder}/${name}`, since[i], ino[i]]));
  writeFileSync(file, JSON.stringify({ version: 1, layout: current.layout, savedAtMs: current.savedAtMs, entries: v1 }));
  await moveInOtherProcess([{ op: 'rename', from: path.join(receive, '000002.bac'), to: path.join(processed, '000002.bac') }]);

  const again = await startAgent(yaml(root, storage));
  const receiver = again.service.receiver('backbone_events') as EventsReceiver;
  assert.ok(again.logLines.some((line) => line.includes('read what was reported') && line.includes('5 message(s) known')), again.logLines.join(''));
  await waitFor(() => receiver.reported === 1, 'the move made while stopped');
  await receiver.reconcileNow();
  await again.stop();
  const records = otlp.logs.filter((r) => r.eventName === 'backbone.message.transition');
  assert.deepEqual(records.map((r) => [r.attributes['backbone.message'], r.attributes['backbone.from_state'], r.attributes['backbone.to_state'], r.attributes['backbone.detected_by']]),
    [['000002.bac', 'receive', 'processed', 'restart']]);
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { version: number }).version, 3, 'rewritten as version 3');
});

test('checkpoints of two receivers (backbone_events/a and /b) do not overwrite each other', () => {
  assert.notEqual(checkpointPath('/s', 'backbone_events/a'), checkpointPath('/s', 'backbone_events/b'));
  assert.equal(path.dirname(checkpointPath('/s', 'backbone_events/a')), '/s');
});

test('storage under the Backbone root is refused by the configuration check', () => {
  const { root } = tree();
  assert.throws(
    () => loadConfigText(yaml(root, path.join(root, 'agent')), 'test.yaml', registry, {}),
    (error: Error) => /storage/.test(error.message) && /must not be under the Backbone root/.test(error.message),
  );
});

test('storage that leads under the root through a symbolic link is refused when the configuration is read, and nothing is written', async () => {
  const { root } = tree();
  const home = tempDir();
  symlinkSync(path.join(root, 'INT-1'), path.join(home, 'link'));
  const before = treeSnapshot(root);
  await assert.rejects(
    startAgent(yaml(root, path.join(home, 'link', 'state'))),
    (error: Error) => /test\.yaml:\d+:\d+: receivers\.backbone_events\.storage: storage .+link\/state \(.+INT-1\/state\) is under the Backbone root/.test(error.message),
  );
  assert.deepEqual(treeSnapshot(root), before);
});
