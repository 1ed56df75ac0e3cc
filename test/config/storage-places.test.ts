// The agent's own folders (storage, lease_dir) checked by validate and run before anything
// starts, on real folders: a Backbone root reached through a symlink, a storage folder that
// leads into the root through one, and folders that do not exist yet. Each refusal exits 2
// with the key path, the line and the real paths.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

function cli(command: 'validate' | 'run', file: string) {
  const result = spawnSync(process.execPath, [CLI, command, '--config', file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

/** A Jira home with its Backbone folder, and a link to the home (as /opt/jira-home -> /srv/jira often is). */
function jiraHome(): { dir: string; root: string; linkedRoot: string } {
  const dir = tempDir();
  const root = path.join(dir, 'jira-home', 'data', 'backbone-issue-sync');
  mkdirSync(root, { recursive: true });
  symlinkSync(path.join(dir, 'jira-home'), path.join(dir, 'home-link'));
  return { dir, root, linkedRoot: path.join(dir, 'home-link', 'data', 'backbone-issue-sync') };
}

function refused(file: string, expected: string[]): void {
  for (const command of ['validate', 'run'] as const) {
    const result = cli(command, file);
    assert.equal(result.code, 2, `${command}: ${result.stdout}${result.stderr}`);
    for (const line of expected) assert.ok(result.stderr.includes(line), `${command}: expected\n  ${line}\nin\n${result.stderr}`);
  }
}

test('an exporter storage under a root written through a symlink is refused, also when the folder does not exist yet', () => {
  const { dir, root, linkedRoot } = jiraHome();
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(file, `receivers:
  backbone_folders:
    root: ${linkedRoot}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:4318
    storage: ${root}/agent/queue
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp] }
`);
  refused(file, [
    `${file}:7:14: exporters.otlphttp.storage: storage ${root}/agent/queue is under the Backbone root ${linkedRoot} (${root}) of receivers.backbone_folders.root (line 3): the agent never writes there`,
  ]);
  assert.deepEqual(readdirSync(root), [], 'something was written under the root');
});

test('a backbone_events storage and a lease_dir that lead into the root through a symlink are refused', () => {
  const { dir, root } = jiraHome();
  symlinkSync(root, path.join(dir, 'state'));
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(file, `receivers:
  backbone_events:
    root: ${root}
    storage: ${dir}/state/checkpoint
exporters:
  debug: {}
extensions:
  leader_election:
    lease_dir: ${dir}/state/../backbone-issue-sync/lease
service:
  extensions: [leader_election]
  pipelines:
    logs: { receivers: [backbone_events], exporters: [debug] }
`);
  refused(file, [
    `${file}:4:14: receivers.backbone_events.storage: storage ${dir}/state/checkpoint (${root}/checkpoint) is under the Backbone root ${root} of receivers.backbone_events.root (line 3): the agent never writes there`,
    `${file}:9:16: extensions.leader_election.lease_dir: lease_dir ${dir}/state/../backbone-issue-sync/lease (${root}/lease) is under the Backbone root ${root} of receivers.backbone_events.root (line 3): the agent never writes there`,
  ]);
  assert.deepEqual(readdirSync(root), []);
});

test('otlphttp/a:b and otlphttp/a_b on one storage folder are accepted: not refused, their folder names differ now (storage-name.ts)', () => {
  const { dir, root } = jiraHome();
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(file, `receivers:
  backbone_folders:
    root: ${root}
exporters:
  otlphttp/a:b:
    endpoint: http://127.0.0.1:4318
    storage: ${dir}/state
  otlphttp/a_b:
    endpoint: http://127.0.0.1:4319
    storage: ${dir}/state
service:
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [otlphttp/a:b, otlphttp/a_b] }
`);
  const result = cli('validate', file);
  assert.equal(result.code, 0, result.stderr);
});
