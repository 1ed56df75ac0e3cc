// validate looks at the tree too, when it can: the folders the layout leaves unknown and the
// copies it would count, as warnings (exit 0); a root it cannot read then is said to be unchecked.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, site, writeConfig } from '../doctor/fixture.ts';

const CONFIG = (root: string, layout = '') => `receivers:
  backbone_folders:
    root: ${root}
${layout}exporters: { debug: {} }
service: { pipelines: { metrics: { receivers: [backbone_folders], exporters: [debug] } } }
`;

test('validate names the folders of a readable root that the layout leaves unknown, and the copies it would count', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  mkdirSync(path.join(s.root, 'INT-10/AP-20/tmp'));
  mkdirSync(path.join(s.root, 'INT-9-backup/AP-1/receive'), { recursive: true });
  writeFileSync(path.join(s.root, 'INT-9-backup/AP-1/receive/1.bac'), 'm');
  const file = writeConfig(s, 'agent.yaml', CONFIG(s.root));
  const run = await runCli(['validate', '--config', file]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /: valid \(/);
  assert.deepEqual(run.stderr.trimEnd().split('\n'), [
    `warning: backbone_folders: 1 folder of ${s.root} matches no state, so its files count as "unknown": INT-10/AP-20/tmp`,
    'warning: backbone_folders: INT-9-backup looks like a copy (backup, snapshot) counted as Backbone\'s: exclude it',
    `warning: backbone-otel doctor --config ${file} prints a backbone_layout block that maps or leaves out each of them`,
  ]);

  // Mapped and left out: nothing more to say.
  const fixed = writeConfig(s, 'fixed.yaml', CONFIG(s.root, '    states: { processed: [tmp] }\n    exclude: ["*backup*"]\n'));
  const clean = await runCli(['validate', '--config', fixed]);
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(clean.stderr, '');
});

test('a root that does not exist at validation time is named, with where its path stops existing; its folders are unchecked, not an error', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  const missing = path.join(s.work, 'not-mounted');
  const run = await runCli(['validate', '--config', writeConfig(s, 'agent.yaml', CONFIG(missing))]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, `warning: backbone_folders: root ${missing} does not exist here: its folder ${s.work} exists; its folders were not checked against the layout\n`);

  // A misspelt JIRA_HOME: the folder that is not there, and the one probably meant.
  const misspelt = path.join(s.work, 'jra-home', 'data', 'backbone-issue-sync');
  const typo = await runCli(['validate', '--config', writeConfig(s, 'typo.yaml', CONFIG(misspelt))]);
  assert.equal(typo.code, 0, typo.stderr);
  assert.match(typo.stdout, /: valid \(/);
  assert.equal(typo.stderr, `warning: backbone_folders: root ${misspelt} does not exist here: nothing at ${path.join(s.work, 'jra-home')} ` +
    `(the nearest folder that exists is ${s.work}); ${s.home} exists (a typo?); its folders were not checked against the layout\n`);
});
