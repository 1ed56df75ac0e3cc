// The layout as discovered, on simulated trees: alias names (and the name each state folder
// was recognised by), configured names, unknown folders with their paths, file counts and the
// mapping lines to add, folder levels that are off, an empty root, files lying in project folders.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { State } from '../../src/backbone/states.ts';
import type { FolderMap, MappedFolder } from '../../src/doctor/folder-map.ts';
import { guessState, layoutBlock } from '../../src/doctor/layout-block.ts';
import { check, checksOf, type JsonReport, runDoctor, site, writeConfig, type Site } from './fixture.ts';
import { yamlName } from '../../src/doctor/layout-block.ts';

async function doctorOn(s: Site, folders: string): Promise<{ report: JsonReport; text: string }> {
  const file = writeConfig(s, `layout-${Math.random().toString(36).slice(2)}.yaml`, `receivers:
  backbone_folders:
    root: ${s.root}
${folders}
exporters: { debug: {} }
service: { pipelines: { metrics: { receivers: [backbone_folders], exporters: [debug] } } }
`);
  const report = JSON.parse((await runDoctor({ config: file, json: true })).out) as JsonReport;
  const text = (await runDoctor({ config: file })).out;
  return { report, text };
}

test('alias names: every state with the folder and the name it was recognised by', async () => {
  const s = site({ layout: 'aliases', integrations: 1, projectsPerIntegration: 2 });
  const { report, text } = await doctorOn(s, '');
  const states = check(report, 'layout.states');
  assert.equal(states.message, "10 of 10 states recognised by their folder's name:");
  assert.deepEqual(states.lines!.map((l) => l.split(/\s{2,}/).slice(0, 4).join(' | ')), [
    'state | folder | matched | found in',
    'receive | Incoming/ | "incoming" | 2/2 projects',
    'processed | Incoming/Applied/ | "applied" | 2/2 projects',
    'error | Incoming/Errors/ | "errors" | 2/2 projects',
    'missing | Incoming/MISSING/ | "missing" | 2/2 projects',
    'waiting | Incoming/pending/ | "pending" | 2/2 projects',
    'offline | Incoming/Offline/ | "offline" | 2/2 projects',
    'invalid | Incoming/invalid/ | "invalid" | 2/2 projects',
    'outdated | Incoming/obsolete/ | "obsolete" | 2/2 projects',
    'send | outbox/ | "outbox" | 2/2 projects',
    'sendfailed | outbox/failed/ | "send/failed" | 2/2 projects',
  ]);
  // The message counts are the scanner's, per state over all projects.
  const errors = s.tree.expected.filter((e) => e.state === 'error');
  const messages = errors.reduce((sum, e) => sum + e.messages, 0);
  const issues = errors.reduce((sum, e) => sum + e.issues, 0);
  assert.match(text, new RegExp(`error +Incoming/Errors/ +"errors" +2/2 projects +${messages} messages?, ${issues} issues?\\n`));
  assert.equal(check(report, 'layout.unknown').status, 'ok');
});

test('unknown folders: each with its path and file count, and the mapping lines; a configured name maps', async () => {
  const s = site({ layout: 'aliases', integrations: 1, projectsPerIntegration: 1, unknownFolders: true });
  writeFileSync(path.join(s.root, 'INT-10/AP-20/Incoming/tmp/upload.part'), 'x');
  const { report, text } = await doctorOn(s, '');
  const unknown = check(report, 'layout.unknown');
  assert.equal(unknown.status, 'warn');
  assert.equal(unknown.message, '2 folders match no state: their files count as state "unknown".');
  assert.deepEqual(unknown.lines, [
    'INT-10/AP-20/Incoming/tmp  2 files',
    'INT-10/AP-20/archive       1 file',
    'backbone_layout:  # under extensions: and service.extensions; receivers: layout:',
    `  root: ${yamlName(s.root)}`,
    '  states:',
    '    processed: [archive]    # guessed from the name: check',
    '    # STATE: [receive/tmp]  # put its state for STATE, then uncomment',
  ]);
  assert.match(text, /^ {10}INT-10\/AP-20\/archive {7}1 file$/m);

  // Mapped as suggested, in a configuration that already maps another name.
  const mapped = await doctorOn(s, '    states: { processed: [old], receive: [receive/tmp] }\n');
  const lines = check(mapped.report, 'layout.states').lines!.join('\n');
  assert.match(lines, /^receive +Incoming\/tmp\/ +"receive\/tmp" +1\/1 projects$/m);
  const stillUnknown = check(mapped.report, 'layout.unknown');
  assert.deepEqual(stillUnknown.lines, [
    'INT-10/AP-20/archive  1 file',
    'backbone_layout:  # under extensions: and service.extensions; receivers: layout:',
    `  root: ${yamlName(s.root)}`,
    '  states:',
    '    receive: [receive/tmp]',
    '    processed: [old, archive]  # guessed from the name: check',
  ]);
});

test('guesses use where a folder stands: failed inside or beside send is sendfailed, inside or beside receive error', () => {
  const none = new Set<State>();
  assert.deepEqual(guessState('failed', 'send', none), { state: 'sendfailed', byPlace: true });
  assert.deepEqual(guessState('Failed', undefined, new Set<State>(['send', 'receive'])), { state: 'sendfailed', byPlace: true });
  assert.deepEqual(guessState('failed', 'receive', none), { state: 'error', byPlace: true });
  assert.deepEqual(guessState('failed', undefined, new Set<State>(['receive'])), { state: 'error', byPlace: true });
  assert.deepEqual(guessState('retry', 'send', none), { state: 'sendfailed', byPlace: true });
  assert.deepEqual(guessState('send-failures', undefined, none), { state: 'sendfailed', byPlace: false });
  assert.deepEqual(guessState('Archive', undefined, none), { state: 'processed', byPlace: false });
  assert.equal(guessState('in progress', undefined, none), undefined);
});

test('the suggested block: guesses by place unmarked, by name marked to check, the rest commented out, comments aligned', () => {
  const folder = (rel: string, parentState: MappedFolder['parentState'], state: State = 'unknown', alias?: string): MappedFolder => ({
    rel, integration: 'INT-1', project: 'AP-1', inProject: rel.split('/').slice(2).join('/'), state, alias,
    parentState, listed: true, files: 1, messages: 1, issueFolders: 0,
  });
  const map: FolderMap = {
    integrations: [{ name: 'INT-1', rel: 'INT-1' }, { name: 'INT-2.bak', rel: 'INT-2.bak' }],
    projects: [{ integration: 'INT-1', project: 'AP-1', rel: 'INT-1/AP-1', files: 0 }],
    folders: [
      folder('INT-1/AP-1/Send', undefined, 'send', 'send'), folder('INT-1/AP-1/receive', undefined, 'receive', 'receive'),
      folder('INT-1/AP-1/failed', undefined), folder('INT-1/AP-1/receive/failed', 'receive'), folder('INT-1/AP-1/Archive', undefined),
      folder('INT-1/AP-1/a-much-longer-folder-name-than-the-others', undefined), folder('INT-1/AP-1/receive/backup-2024', 'receive'),
    ],
    problems: [], excluded: [], cutShort: undefined,
  };
  const block = layoutBlock(map, { root: '/srv/b', integrationDepth: 1, projectDepth: 1, messageSuffix: '.bac', states: { error: ['errs'] }, exclude: [] });
  assert.deepEqual(block.lines, [
    'backbone_layout:',
    '  root: /srv/b',
    '  states:',
    '    processed: [Archive]                                  # guessed from the name: check',
    '    error: [errs, receive/failed]',
    '    sendfailed: [failed]',
    '    # STATE: [a-much-longer-folder-name-than-the-others]  # put its state for STATE, then uncomment',
    `  exclude: ["*.bak", "*backup*"]                          # copies, not Backbone's: INT-2.bak, INT-1/AP-1/receive/backup-2024`,
  ]);
});

test('folder levels that are off: no integration keys, no state folder in the projects; right with the depths set', async () => {
  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  mkdirSync(path.join(s.root, 'nodes/INT-9/AP-1/stuff'), { recursive: true });
  mkdirSync(path.join(s.root, 'nodes/INT-8/sync/AP-2/receive'), { recursive: true });
  const { report } = await doctorOn(s, '');
  const integrations = check(report, 'layout.integrations');
  assert.equal(integrations.status, 'warn');
  assert.match(integrations.message, /1 folder at the integration level does not look like an integration key \(such as INT-16\): nodes\./);
  const bare = check(report, 'layout.projects');
  assert.equal(bare.status, 'warn');
  assert.equal(bare.message, 'no state folder recognised in 1 project folder: nodes/INT-9.');
  assert.match(bare.fix!, /^Check the folder levels \(integration_depth 1, project_depth 1\)/);
  // A state folder below unknown ones: the mapping is not the fix, the levels are.
  assert.match(check(report, 'layout.unknown').fix!,
    /nodes\/INT-8\/sync, nodes\/INT-8\/sync\/AP-2 hold state folders: if they are part of the path to the projects, set the folder levels instead/);

  const deep = site({ integrations: 0, projectsPerIntegration: 1 });
  mkdirSync(path.join(deep.root, 'node-1/INT-9/sync/AP-1/receive'), { recursive: true });
  const right = await doctorOn(deep, '    integration_depth: 2\n    project_depth: 2\n');
  assert.equal(check(right.report, 'layout.integrations').message, '1 integration, 1 project: INT-9 (AP-1).');
  assert.equal(checksOf(right.report).find((c) => c.id === 'layout.projects'), undefined);
});

test('an empty root, and files lying in a project folder itself', async () => {
  const empty = site({ integrations: 0 });
  const none = check((await doctorOn(empty, '')).report, 'layout.integrations');
  assert.equal(none.status, 'warn');
  assert.equal(none.message, 'no integration folder under the root: the agent has nothing to count yet.');

  const s = site({ integrations: 1, projectsPerIntegration: 1 });
  writeFileSync(path.join(s.root, 'INT-10/AP-20/stray.bac'), 'x');
  const loose = check((await doctorOn(s, '')).report, 'layout.unknown');
  assert.equal(loose.status, 'warn');
  assert.deepEqual(loose.lines, ['INT-10/AP-20/ itself holds 1 file (counted as unknown)']);
});

test('the states table stays aligned whatever the length of the folder names', async () => {
  const s = site({ layout: 'aliases', integrations: 1, projectsPerIntegration: 1 });
  const long = 'a-receive-folder-with-a-name-much-longer-than-any-column-was-meant-for';
  mkdirSync(path.join(s.root, 'INT-10/AP-20', long));
  const { text } = await doctorOn(s, `    states: { receive: [${long}] }\n`);
  const rows = text.split('\n').filter((line) => / \d+\/\d+ projects/.test(line) || /found in/.test(line));
  assert.ok(rows.some((line) => line.includes(long)), 'the long name is in the table');
  const column = (line: string) => line.search(/ (\d+\/\d+ projects|found in)/);
  assert.deepEqual(new Set(rows.map(column)).size, 1, rows.join('\n'));
  const matched = (line: string) => line.search(/ "[^"]*"| matched/);
  assert.deepEqual(new Set(rows.map(matched)).size, 1, rows.join('\n'));
});
