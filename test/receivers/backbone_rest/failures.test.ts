// Every way the Backbone REST API (or the Jira in front of it) can fail, over real HTTP
// against the simulated API: the agent keeps running, backbone.api.up is 0, exactly one
// backbone.api.error log record (ERROR) and one agent-log line say what is wrong and what
// to do, nothing more is said while the failure persists, and recovery is noticed. (Answers
// that are JSON of the wrong shape, 'not-a-list' among them: bad-answers.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type EndpointKind, type Misbehaviour, SimulatedBackboneApi, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import { freePort } from '../../helpers/free-port.ts';
import { basicReceiver, events, type RestAgent, series, startRestAgent } from './harness.ts';

interface Case {
  mode: Misbehaviour;
  only?: EndpointKind;
  errorType: string;
  statusCode?: number;
  message: RegExp;
  /** The failure takes the whole timeout: poll it fewer times. */
  slow?: boolean;
}

const CASES: Case[] = [
  { mode: 'unauthorized', errorType: '401', statusCode: 401, message: /credentials rejected \(401\).*auth\.basic\.username and auth\.basic\.password/ },
  { mode: 'captcha', errorType: 'captcha', statusCode: 401, message: /demands a CAPTCHA.*log in once in a browser/ },
  { mode: 'forbidden', errorType: '403', statusCode: 403, message: /access denied \(403\): listing all integrations needs a Jira administrator.*project administrator.*project_keys/ },
  { mode: 'xsrf', errorType: '403', statusCode: 403, message: /XSRF check failed \(403\).*proxy.*drops that header/ },
  { mode: 'not-found', errorType: '404', statusCode: 404, message: /not found \(404\): either endpoint is not the Jira base URL.*context path.*or Backbone Issue Sync is not installed/ },
  { mode: 'login-page', errorType: 'login_page', statusCode: 200, message: /Jira answered with its login page \(HTML, status 200\) instead of JSON/ },
  { mode: 'html-page', errorType: 'html_page', statusCode: 200, message: /answered with an HTML page \("Welcome to nginx!"\) instead of JSON/ },
  { mode: 'redirect-login', errorType: 'login_redirect', statusCode: 302, message: /Jira redirected to its login page \(http:\/\/127\.0\.0\.1:\d+\/jira\/login\.jsp\)/ },
  { mode: 'redirect-https', errorType: 'redirect', statusCode: 301, message: /redirect \(301\) to https:\/\/jira\.example\.com\/jira\/plugins.*Set endpoint to the address Jira redirects to/ },
  { mode: 'server-error', errorType: '500', statusCode: 500, message: /server error 500 \("Oops - an error has occurred"\).*atlassian-jira\.log/ },
  { mode: 'unavailable', errorType: '503', statusCode: 503, message: /server error 503.*starting, stopping, in maintenance or overloaded/ },
  { mode: 'bad-gateway', errorType: '502', statusCode: 502, message: /server error 502.*proxy or load balancer/ },
  { mode: 'rate-limited', errorType: '429', statusCode: 429, message: /rate-limiting this user \(429\) \(Retry-After: 60\)/ },
  { mode: 'hang', errorType: 'timeout', slow: true, message: /Jira accepted the connection but sent no answer within timeout \(500ms\)/ },
  { mode: 'close', errorType: 'ECONNRESET', message: /closed the connection without answering/ },
  { mode: 'invalid-json', errorType: 'invalid_json', statusCode: 200, message: /the answer is not valid JSON \(Unexpected token/ },
  { mode: 'truncated-json', errorType: 'invalid_json', statusCode: 200, message: /not valid JSON .*it ends in the middle, a truncated answer/ },
  { mode: 'cut-body', errorType: 'truncated', statusCode: 200, message: /the connection closed after \d+ bytes of the answer, before it was complete/ },
  { mode: 'huge-body', errorType: 'response_too_large', statusCode: 200, message: /larger than max_response_size \(64 KiB\)/ },
  { mode: 'slow-body', errorType: 'timeout', statusCode: 200, slow: true, message: /the answer did not complete within timeout \(500ms\): \d+ bytes arrived.*endlessly slow/ },
  { mode: 'empty-body', errorType: 'invalid_json', statusCode: 200, message: /answered 200 with an empty body where JSON/ },
];

const api = new SimulatedBackboneApi({
  contextPath: '/jira',
  embedStatus: false,
  integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30'), sampleIntegration('INT-17', 'CP-1', 'DP-2')],
});
let h: RestAgent;

before(async () => {
  await api.start();
  h = await startRestAgent({
    receiver: basicReceiver(api).replace('timeout: 5s', 'timeout: 500ms') + '    max_response_size: 65536\n',
  });
});
after(async () => {
  await h?.stop();
  await api.stop();
});

function errorLines(from: number): string[] {
  return h.agent.logLines.slice(from).filter((line) => / ERROR /.test(line));
}

describe('each failure mode: api.up 0, one clear record and one log line, silence while it persists, recovery', () => {
  for (const c of CASES) {
    test(`${c.mode}${c.only ? ` (${c.only} only)` : ''}`, async () => {
      const mark = h.agent.logLines.length;
      api.misbehave(c.mode, c.only);
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
      const records = events(h.otlp, 'backbone.api.error');
      assert.equal(records.length, 1, records.map((r) => r.body).join('\n'));
      const record = records[0]!;
      assert.equal(record.severityText, 'ERROR');
      assert.equal(record.severityNumber, 17);
      assert.match(record.body, c.message);
      assert.match(record.body, /^GET http:\/\/127\.0\.0\.1:\d+\/jira\/plugins\/servlet\/backbone-issue-sync\/api\/1\//);
      assert.equal(record.attributes['error.type'], c.errorType);
      assert.equal(record.attributes['http.request.method'], 'GET');
      assert.equal(record.attributes['url.template'], '/integrations');
      assert.equal(record.attributes['http.response.status_code'], c.statusCode);
      // Whatever the list could not say is left out, not kept from before.
      assert.deepEqual(series(h.otlp, 'backbone.integration.status'), []);
      assert.deepEqual(series(h.otlp, 'backbone.connector.online'), []);
      const failed = h.otlp.points.filter((p) => p.metric === 'backbone.api.request.duration' && p.attributes['error.type'] === c.errorType);
      assert.ok(failed.length > 0, 'the request duration carries error.type');

      const lines = errorLines(mark);
      assert.equal(lines.length, 1, lines.join(''));
      assert.ok(lines[0]!.includes(record.body.slice(0, 60)), `${lines[0]} says ${record.body}`);

      for (let i = 0; i < (c.slow ? 1 : 3); i++) {
        await h.step();
        assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
        assert.deepEqual(events(h.otlp, 'backbone.api.error'), [], 'not repeated while it persists');
      }
      assert.equal(errorLines(mark).length, 1, 'one agent-log line while it persists');

      api.behave();
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
      assert.deepEqual(events(h.otlp, 'backbone.api.error'), []);
      assert.equal(series(h.otlp, 'backbone.integration.status').length, 2, 'data again');
      const was = c.errorType === String(c.statusCode) ? `HTTP ${c.statusCode}` : c.errorType;
      const over = h.agent.logLines.slice(mark).filter((l) => / INFO .*the Backbone REST API works again after \d+s/.test(l));
      assert.equal(over.length, 1, h.agent.logLines.slice(mark).join(''));
      assert.match(over[0]!, new RegExp(`\\(was: ${was}( at \\/integrations)?\\)`));
      assert.equal(h.receiver().lastPoll().failures.length, 0);
    });
  }
});

describe('failures of one endpoint', () => {
  test('/status failing for every integration: one record naming the count, list data stays out of the metrics', async () => {
    const mark = h.agent.logLines.length;
    api.misbehave('server-error', 'status');
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
    const records = events(h.otlp, 'backbone.api.error');
    assert.equal(records.length, 1);
    assert.equal(records[0]!.attributes['url.template'], '/integrations/{integrationKey}/status');
    assert.match(records[0]!.body, /\/api\/1\/integrations\/INT-1[67]\/status: server error 500.*\(2 requests to \/integrations\/\{integrationKey\}\/status failed this way\)/);
    assert.deepEqual(series(h.otlp, 'backbone.integration.status'), []);
    await h.step();
    assert.deepEqual(events(h.otlp, 'backbone.api.error'), []);
    assert.equal(errorLines(mark).length, 1);
    api.behave();
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
    assert.deepEqual(h.otlp.logs, [], 'statuses as before the gap: no change events');
  });

  test('/health missing (404): says to set health_check: false; integration data still flows', async () => {
    api.misbehave('not-found', 'health');
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
    const records = events(h.otlp, 'backbone.api.error');
    assert.equal(records.length, 1);
    assert.equal(records[0]!.attributes['url.template'], '/health');
    assert.match(records[0]!.body, /\/health: not found \(404\): this Backbone Issue Sync version may have no \/health endpoint\. Set health_check: false/);
    assert.equal(series(h.otlp, 'backbone.integration.status').length, 2);
    api.behave();
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
  });

  test('a different failure is a new record; the same failure after recovery is a new record', async () => {
    api.misbehave('unauthorized');
    await h.step();
    api.misbehave('server-error');
    await h.step();
    assert.deepEqual(events(h.otlp, 'backbone.api.error').map((r) => r.attributes['error.type']), ['500']);
    api.behave();
    await h.step();
    api.misbehave('server-error');
    await h.step();
    assert.deepEqual(events(h.otlp, 'backbone.api.error').map((r) => r.attributes['error.type']), ['500']);
    api.behave();
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
  });
});

describe('no Jira at all', () => {
  test('connection refused: api.up 0, one record, the agent keeps running and polls on', async () => {
    const port = await freePort();
    const down = await startRestAgent({
      receiver: `
    endpoint: http://127.0.0.1:${port}/jira
    auth:
      bearer:
        token: \${env:JIRA_TOKEN}
    collection_interval: 1h
`,
    });
    try {
      // The first poll (at start) already failed; the harness' poll and this step persist.
      await down.step();
      await down.step();
      assert.deepEqual(series(down.otlp, 'backbone.api.up'), [' -> 0']);
      assert.equal(down.receiver().lastPoll().polls, 4);
      const all = down.agent.logLines.filter((l) => / ERROR /.test(l));
      assert.equal(all.length, 1, all.join(''));
      assert.match(all[0]!, new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}: nothing listens there\\. Is Jira running, and are host and port in endpoint right\\? \\(the other request of this poll failed the same way\\)`));
    } finally {
      await down.stop();
    }
  });
});
