// Configuration of leader election: the extension's keys and defaults, service.leader_election
// and the checks that need the whole file, and lease_dir never under a Backbone root.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { registry } from '../../src/components.ts';
import { ConfigError } from '../../src/config/config-issue.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { leaderElectionConfigSchema } from '../../src/extensions/leader_election/config.ts';
import { Leadership } from '../../src/extensions/leader_election/leadership.ts';
import type { AgentConfig } from '../../src/config/load-config.ts';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const base = (extra: string, service = '  extensions: [leader_election]\n') => `
receivers:
  backbone_events:
    root: /srv/jira-shared/data/backbone-issue-sync
  backbone_folders:
    root: /srv/jira-shared/data/backbone-issue-sync
exporters:
  debug: {}
extensions:
  leader_election:
    lease_dir: /srv/jira-shared/backbone-otel
${extra}
service:
${service}  pipelines:
    metrics:
      receivers: [backbone_events, backbone_folders]
      exporters: [debug]
`;

function problems(yaml: string): string[] {
  try {
    loadConfigText(yaml, 'agent.yaml', registry, {});
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.line ?? '?'}: ${i.message}`);
    throw error;
  }
  return [];
}

test('defaults: lease_duration 15s, renew_interval 5s; lease_dir is required', () => {
  const parsed = leaderElectionConfigSchema.parse({ lease_dir: '/x' });
  assert.equal(parsed.lease_duration, 15_000);
  assert.equal(parsed.renew_interval, 5_000);
  assert.equal(parsed.identity, undefined);
  assert.equal(leaderElectionConfigSchema.safeParse({}).success, false);
  assert.deepEqual(problems(base('')), []);
});

test('renew_interval must be at most half of lease_duration; identity must fit in a file name', () => {
  const found = problems(base('    lease_duration: 10s\n    renew_interval: 6s\n    identity: "node 1"'));
  assert.ok(found.some((p) => /^13: renew_interval \(6000 ms\) must be at most half of lease_duration/.test(p)), found.join('\n'));
  assert.ok(found.some((p) => /letters, digits, - and _ only/.test(p)), found.join('\n'));
});

test('service.leader_election: needs the extension, names defined receivers; one leader_election extension only', () => {
  const withoutExtension = problems(base('', '  leader_election: [backbone_events]\n'));
  assert.ok(withoutExtension.some((p) => /no leader_election extension runs/.test(p)), withoutExtension.join('\n'));
  const unknown = problems(base('', '  extensions: [leader_election]\n  leader_election: [backbone_events, backbone_evnets]\n'));
  assert.ok(unknown.some((p) => /receiver "backbone_evnets" is not defined under receivers/.test(p)), unknown.join('\n'));
  const two = problems(base('  leader_election/second:\n    lease_dir: /srv/other', '  extensions: [leader_election, leader_election/second]\n'));
  assert.ok(two.some((p) => /only one leader_election extension/.test(p)), two.join('\n'));
});

test('which receivers run on the leader only: the Backbone receivers by default, or the list given', () => {
  const log = new AgentLog({ sink: { write: () => {} } });
  // As the service finds it: the extension of service.extensions that offers leadership.
  const leadershipOf = (config: AgentConfig) => {
    const entry = config.service.extensions.map((id) => config.extensions.get(id)!).find((e) => e.factory.leadership);
    return entry ? Leadership.create({ receivers: config.receivers, elected: config.service.leader_election, log }) : undefined;
  };
  const byDefault = leadershipOf(loadConfigText(base(''), 'a.yaml', registry, {}))!;
  assert.ok(byDefault.elects('backbone_events') && byDefault.elects('backbone_folders'));
  const listed = leadershipOf(loadConfigText(base('', '  extensions: [leader_election]\n  leader_election: [backbone_events]\n'), 'a.yaml', registry, {}))!;
  assert.ok(listed.elects('backbone_events'));
  assert.ok(!listed.elects('backbone_folders'));
  assert.equal(leadershipOf(loadConfigText(base('', ''), 'a.yaml', registry, {})), undefined, 'off unless the extension runs');
});

test('lease_dir under a Backbone root: the configuration is refused, and the agent does not start', async () => {
  const home = tempDir();
  const root = path.join(home, 'data', 'backbone-issue-sync');
  const yaml = `
receivers:
  backbone_events:
    root: ${root}
    watch_method: poll
exporters:
  debug: {}
extensions:
  leader_election:
    lease_dir: ${path.join(root, 'lease')}
service:
  extensions: [leader_election]
  pipelines:
    logs:
      receivers: [backbone_events]
      exporters: [debug]
`;
  await assert.rejects(startAgent(yaml), new RegExp(`extensions\\.leader_election\\.lease_dir: lease_dir ${path.join(root, 'lease')} is under the Backbone root ${root} of receivers\\.backbone_events\\.root \\(line 4\\): the agent never writes there`));
});
