// The backbone_folders receiver as users see it through OTLP: values follow the disk from
// scan to scan, problems are counted and said once, and nothing stops the agent.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { FoldersReceiver } from '../../../src/receivers/backbone_folders/receiver.ts';
import { OtlpReceiver } from '../../helpers/otlp-receiver.ts';
import { startAgent } from '../../helpers/run-agent.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const otlp = await new OtlpReceiver().start();
after(() => otlp.stop());

function agentYaml(root: string, extra = ''): string {
  return `receivers:
  backbone_folders:
    root: ${root}
    collection_interval: 1h
${extra}
exporters:
  otlphttp: { endpoint: "${otlp.url}" }
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp] }
    logs: { receivers: [backbone_folders], exporters: [otlphttp] }
`;
}

function value(metric: string, state: string, project = 'AP-1'): number | undefined {
  return otlp.latest(metric).find((p) => p.attributes['backbone.state'] === state && p.attributes['backbone.project'] === project)?.value;
}

test('values follow the disk from one scan to the next; folders that vanish stop being reported', async () => {
  otlp.clear();
  const root = tempDir();
  mkdirSync(path.join(root, 'INT-1/AP-1/receive/error'), { recursive: true });
  mkdirSync(path.join(root, 'INT-1/BP-2/receive'), { recursive: true });
  writeFileSync(path.join(root, 'INT-1/AP-1/receive/1.bac'), 'x');
  const agent = await startAgent(agentYaml(root));
  const receiver = agent.service.receiver('backbone_folders') as FoldersReceiver;
  await agent.service.flush();
  assert.equal(value('backbone.folder.messages', 'receive'), 1);
  assert.equal(value('backbone.folder.messages', 'error'), 0);

  mkdirSync(path.join(root, 'INT-1/AP-1/receive/error/PB-7'));
  renameSync(path.join(root, 'INT-1/AP-1/receive/1.bac'), path.join(root, 'INT-1/AP-1/receive/error/PB-7/1.bac'));
  rmSync(path.join(root, 'INT-1/BP-2'), { recursive: true });
  await receiver.scanOnce();
  await agent.service.flush();
  assert.equal(value('backbone.folder.messages', 'receive'), 0);
  assert.equal(value('backbone.folder.messages', 'error'), 1);
  assert.equal(value('backbone.folder.issues', 'error'), 1);
  assert.equal(value('backbone.folder.messages', 'receive', 'BP-2'), undefined, 'the removed project is gone');
  await agent.stop();
});

test('an unknown folder is reported once, however many scans see it', async () => {
  otlp.clear();
  const root = tempDir();
  mkdirSync(path.join(root, 'INT-1/AP-1/quarantine'), { recursive: true });
  const agent = await startAgent(agentYaml(root));
  const receiver = agent.service.receiver('backbone_folders') as FoldersReceiver;
  for (let i = 0; i < 3; i++) await receiver.scanOnce();
  await agent.service.flush();
  const records = otlp.logs.filter((r) => r.attributes['event.name'] === 'backbone.layout.unknown_folder');
  assert.equal(records.length, 1);
  assert.match(records[0]!.body, /INT-1\/AP-1\/quarantine matches no message state/);
  assert.equal(agent.logLines.filter((l) => l.includes('quarantine')).length, 1);
  await agent.stop();
});

test('a root that is missing at the start, then appears: said once naming the path, backbone.root.present 0 then 1, recovery said once', async () => {
  otlp.clear();
  const root = path.join(tempDir(), 'not-yet');
  const agent = await startAgent(agentYaml(root));
  const receiver = agent.service.receiver('backbone_folders') as FoldersReceiver;
  for (let i = 0; i < 3; i++) await receiver.scanOnce();
  await agent.service.flush();
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 0);
  const errors = otlp.latest('backbone.scan.errors').find((p) => p.attributes['error.type'] === 'ENOENT');
  assert.ok((errors?.value ?? 0) >= 3, 'each scan counts the missing root');
  const said = agent.logLines.filter((l) => l.includes(`the Backbone root ${root} does not exist`));
  assert.equal(said.length, 1, agent.logLines.join(''));
  assert.ok(!agent.logLines.some((l) => l.includes('ENOENT problem(s)')), 'not a vanished entry with an empty path');

  mkdirSync(path.join(root, 'INT-1/AP-1/receive'), { recursive: true });
  writeFileSync(path.join(root, 'INT-1/AP-1/receive/5.bac'), 'x');
  await receiver.scanOnce();
  await agent.service.flush();
  assert.equal(value('backbone.folder.messages', 'receive'), 1);
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 1);
  assert.equal(agent.logLines.filter((l) => l.includes(`the Backbone root ${root} is back`)).length, 1, 'the recovery is said once');
  await agent.stop();
});

test('a root moved away while running: the series keep their last values, backbone.root.present is 0, said once; back: 1 again', async () => {
  otlp.clear();
  const home = tempDir();
  const root = path.join(home, 'backbone-issue-sync');
  mkdirSync(path.join(root, 'INT-1/AP-1/receive'), { recursive: true });
  for (const name of ['1.bac', '2.bac']) writeFileSync(path.join(root, 'INT-1/AP-1/receive', name), 'x');
  const agent = await startAgent(agentYaml(root));
  const receiver = agent.service.receiver('backbone_folders') as FoldersReceiver;
  await agent.service.flush();
  assert.equal(value('backbone.folder.messages', 'receive'), 2);
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 1);

  renameSync(root, `${root}.away`);
  for (let i = 0; i < 3; i++) await receiver.scanOnce();
  otlp.clear();
  await agent.service.flush();
  assert.equal(value('backbone.folder.messages', 'receive'), 2, 'the last value is kept');
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 0);
  assert.equal(agent.logLines.filter((l) => l.includes(`the Backbone root ${root} does not exist`)).length, 1, agent.logLines.join(''));

  renameSync(`${root}.away`, root);
  rmSync(path.join(root, 'INT-1/AP-1/receive/2.bac'));
  await receiver.scanOnce();
  otlp.clear();
  await agent.service.flush();
  assert.equal(value('backbone.folder.messages', 'receive'), 1);
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 1);
  assert.equal(agent.logLines.filter((l) => l.includes(`the Backbone root ${root} is back`)).length, 1);
  await agent.stop();
});

test('an unmounted mount point (the root there but suddenly empty): backbone.root.present 0, one warning, the last values kept; mounted again: 1', async () => {
  otlp.clear();
  const home = tempDir();
  const root = path.join(home, 'backbone-issue-sync');
  mkdirSync(path.join(root, 'INT-1/AP-1/receive'), { recursive: true });
  writeFileSync(path.join(root, 'INT-1/AP-1/receive/1.bac'), 'x');
  const agent = await startAgent(agentYaml(root));
  const receiver = agent.service.receiver('backbone_folders') as FoldersReceiver;
  await agent.service.flush();
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 1);

  // What umount leaves: the mount point, an empty folder.
  renameSync(path.join(root, 'INT-1'), path.join(home, 'INT-1'));
  for (let i = 0; i < 3; i++) await receiver.scanOnce();
  otlp.clear();
  await agent.service.flush();
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 0);
  assert.equal(value('backbone.folder.messages', 'receive'), 1, 'the last value is kept');
  const said = agent.logLines.filter((l) => l.includes(`the Backbone root ${root} holds no integration folder any more (an unmounted mount point?)`));
  assert.equal(said.length, 1, agent.logLines.join(''));
  assert.match(said[0]!, /WARN/);

  renameSync(path.join(home, 'INT-1'), path.join(root, 'INT-1'));
  await receiver.scanOnce();
  otlp.clear();
  await agent.service.flush();
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 1);
  assert.equal(agent.logLines.filter((l) => l.includes(`the Backbone root ${root} is back`)).length, 1);
  await agent.stop();
});

test('a root empty from the start (a new installation) is present: nothing to warn about', async () => {
  otlp.clear();
  const root = tempDir();
  const agent = await startAgent(agentYaml(root));
  await agent.service.flush();
  assert.equal(otlp.latest('backbone.root.present')[0]?.value, 1);
  assert.equal(agent.logLines.filter((l) => l.includes('holds no integration folder')).length, 0);
  await agent.stop();
});

test('issue and other-file series only where there can be some: issues under error and missing, other files where Backbone puts them or where one was found', async () => {
  otlp.clear();
  const root = tempDir();
  for (const state of ['receive', 'receive/processed', 'receive/error/PB-1', 'receive/missing', 'receive/invalid', 'receive/waiting', 'send', 'sendfailed']) {
    mkdirSync(path.join(root, 'INT-1/AP-1', state), { recursive: true });
  }
  writeFileSync(path.join(root, 'INT-1/AP-1/receive/error/PB-1/1.bac'), 'x');
  const agent = await startAgent(agentYaml(root));
  const receiver = agent.service.receiver('backbone_folders') as FoldersReceiver;
  await agent.service.flush();
  const states = (metric: string) => otlp.latest(metric).map((p) => String(p.attributes['backbone.state'])).sort();
  assert.deepEqual(states('backbone.folder.messages'), ['error', 'invalid', 'missing', 'processed', 'receive', 'send', 'sendfailed', 'waiting']);
  assert.deepEqual(states('backbone.folder.issues'), ['error', 'missing']);
  assert.equal(value('backbone.folder.issues', 'error'), 1);
  assert.deepEqual(states('backbone.folder.other_files'), ['invalid', 'receive']);

  // A stray file where none belongs is reported, and its series stays once it is gone.
  writeFileSync(path.join(root, 'INT-1/AP-1/receive/processed/.nfs0001'), 'x');
  await receiver.scanOnce();
  otlp.clear();
  await agent.service.flush();
  assert.equal(value('backbone.folder.other_files', 'processed'), 1);
  rmSync(path.join(root, 'INT-1/AP-1/receive/processed/.nfs0001'));
  await receiver.scanOnce();
  otlp.clear();
  await agent.service.flush();
  assert.equal(value('backbone.folder.other_files', 'processed'), 0);
  await agent.stop();
});

test('a scan cut short by max_entries is counted and said, and keeps finished projects exact', async () => {
  otlp.clear();
  const root = tempDir();
  for (const project of ['AP-1', 'BP-2']) {
    mkdirSync(path.join(root, 'INT-1', project, 'receive'), { recursive: true });
    for (let i = 0; i < 20; i++) writeFileSync(path.join(root, 'INT-1', project, 'receive', `${i}.bac`), 'x');
  }
  const agent = await startAgent(agentYaml(root, '    max_entries: 30'));
  await agent.service.flush();
  assert.equal(value('backbone.folder.messages', 'receive', 'AP-1'), 20, 'the finished project is exact');
  assert.equal(value('backbone.folder.messages', 'receive', 'BP-2'), undefined, 'the unfinished one is not reported wrong');
  assert.equal(otlp.latest('backbone.scan.errors').find((p) => p.attributes['error.type'] === 'entry_limit')?.value, 1);
  assert.ok(agent.logLines.some((l) => l.includes('cut short') && l.includes('max_entries (30)')));
  await agent.stop();
});
