// What a failing Jira (or a proxy in front of it) answers is quoted in the log and on the
// status page only after anything credential-like is removed, and cut to a length.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { showEscapedBytes } from '../../../src/receivers/backbone_rest/answer-text.ts';
import { MAX_SHOWN, redactCredentials, shownAnswerText } from '../../../src/receivers/backbone_rest/redact-answer.ts';

const BASIC = Buffer.from('monitor:s3cr3t-Passw0rd').toString('base64');
const PAT = 'NjE4MDQ5NzU2MTg1OkK1bWvP9Yq3Xz7Tt0mWc2cXxGq8';

test('echoed headers, schemes, named values, URLs with a password, JWTs and tokens become [REDACTED]', () => {
  const cases: [string, string][] = [
    [`Authorization: Basic ${BASIC}\r\nHost: jira`, 'Authorization: [REDACTED]\r\nHost: jira'],
    [`proxy-authorization=Bearer ${PAT}`, 'proxy-authorization=[REDACTED]'],
    [`Cookie: JSESSIONID=ABC123; seraph.rememberme.cookie=x`, 'Cookie: [REDACTED]'],
    [`X-Api-Token: abc\nX-Atlassian-Token: no-check`, 'X-Api-Token: [REDACTED]\nX-Atlassian-Token: no-check'],
    [`sent Basic ${BASIC} and Bearer ${PAT}.`, 'sent Basic [REDACTED] and Bearer [REDACTED].'],
    ['GET /rest?os_password=hunter2&jsessionid=XYZ&x=1', 'GET /rest?os_password=[REDACTED]&jsessionid=[REDACTED]&x=1'],
    ['{"password":"hunter2","token": "t0k", "user":"monitor"}', '{"password":"[REDACTED]","token": "[REDACTED]", "user":"monitor"}'],
    ['from https://monitor:hunter2@jira.example.com/jira', 'from https://[REDACTED]@jira.example.com/jira'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end', 'jwt [REDACTED] end'],
    [`token ${PAT}`, 'token [REDACTED]'],
    [`opaque ${PAT} here`, 'opaque [REDACTED] here'],
  ];
  for (const [input, expected] of cases) assert.equal(redactCredentials(input), expected, input);
});

test("the agent's own words stay: advice, URLs, basic as a word", () => {
  const own = [
    'GET https://jira.example.com/jira/plugins/servlet/backbone-issue-sync/api/1/integrations: credentials rejected (401)',
    'GET http://127.0.0.1:34067/jira/plugins/servlet/backbone-issue-sync/api/1/integrations/INT-16/status: server error 500',
    'request was GET /jira/plugins/servlet/backbone-issue-sync/api/1/integrations/INT-16/status',
    'Check auth.bearer.token: the personal access token may be mistyped, revoked or expired',
    'Check auth.basic.username and auth.basic.password (a changed password? a locked or deactivated user?)',
    'although the agent sends "X-Atlassian-Token: no-check": a proxy in front of Jira probably drops that header.',
    'Fix the credentials (auth.basic), then log in once in a browser as that user',
    'basic credentials were refused',
  ];
  for (const text of own) assert.equal(redactCredentials(text), text);
});

test('quoted passages and the whole text are cut, and a credential at a cut leaves no piece', () => {
  const long = `Jira says: "${'x'.repeat(3000)}". Then more.`;
  const shown = shownAnswerText(long);
  assert.match(shown, /^Jira says: "x{199}…"\. Then more\.$/);
  assert.equal(shownAnswerText('y '.repeat(3000)).length, MAX_SHOWN);
  const huge = `${'word '.repeat(819)}w ${PAT}${'z'.repeat(10)}`;
  assert.doesNotMatch(shownAnswerText(huge), /NjE4|OkK1/);
  // Linear enough: a megabyte of one long name-like run does not stall.
  const started = performance.now();
  shownAnswerText('a-'.repeat(500_000));
  assert.ok(performance.now() - started < 200);
});

test('every failure message passes showEscapedBytes: bytes as \\xNN, credentials redacted', () => {
  assert.equal(showEscapedBytes(`bad \udcff byte, Authorization: Basic ${BASIC}`), 'bad \\xff byte, Authorization: [REDACTED]');
});

test('line breaks and control characters are written out: a message stays one log line', () => {
  assert.equal(shownAnswerText('one\r\ntwo\nFAKE ERROR line\u001b[31m'), 'one\\ntwo\\nFAKE ERROR line\\x1b[31m');
});
