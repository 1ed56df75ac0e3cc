// Which JIRA_HOME the .deb and .rpm find (deploy/packaging/scripts/common.sh, jira_home): the
// package adds its user to the group that owns it. $JIRA_HOME first, then jira.home of the
// Jira installer's jira-application.properties, then the installer's default; nothing when
// none of them is a folder here. The function runs in sh, as the maintainer scripts run it,
// with the installer's paths pointed at temporary files.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO } from '../deploy/support/agent-child.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { ok } from './support/system.ts';

const COMMON = path.join(REPO, 'deploy', 'packaging', 'scripts', 'common.sh');

function jiraHome(options: { env?: string; properties?: string; defaultHome: string }): string {
  const dir = tempDir('backbone-jira-home-');
  const properties = path.join(dir, 'jira-application.properties');
  if (options.properties !== undefined) writeFileSync(properties, options.properties);
  const script = `. "${COMMON}"; JIRA_PROPERTIES="${properties}"; DEFAULT_JIRA_HOME="${options.defaultHome}"; jira_home`;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (options.env !== undefined) env.JIRA_HOME = options.env;
  return ok('sh', ['-c', script], { env }).trim();
}

test('$JIRA_HOME, when it is a folder, comes first', () => {
  const home = tempDir('backbone-jira-');
  const other = tempDir('backbone-jira-');
  assert.equal(jiraHome({ env: home, properties: `jira.home = ${other}\n`, defaultHome: other }), home);
  // Not a folder: the next candidate.
  assert.equal(jiraHome({ env: path.join(home, 'missing'), properties: `jira.home = ${other}\n`, defaultHome: '/nonexistent' }), other);
});

test('jira.home of the installer\'s jira-application.properties, with its spacing and Windows line ends', () => {
  const home = path.join(tempDir('backbone-jira-'), 'data', 'jira');
  mkdirSync(home, { recursive: true });
  const properties = `# Do not modify this file unless instructed\r\n#jira.home = /old\r\njira.home = ${home}\r\n`;
  assert.equal(jiraHome({ properties, defaultHome: '/nonexistent' }), home);
  assert.equal(jiraHome({ properties: `jira.home:${home}\n`, defaultHome: '/nonexistent' }), home);
});

test('the installer\'s default when nothing else says; nothing when it is not here either', () => {
  const fallback = tempDir('backbone-jira-');
  assert.equal(jiraHome({ properties: 'jira.home = /nonexistent/jira\n', defaultHome: fallback }), fallback);
  assert.equal(jiraHome({ defaultHome: fallback }), fallback);
  assert.equal(jiraHome({ defaultHome: '/nonexistent' }), '');
});
