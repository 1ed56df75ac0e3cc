// Authentication and permissions against the simulated Jira: Basic and Bearer, Jira
// administrators and project administrators (with and without project_keys), and the
// credentials never showing up in anything the agent writes: its log, the exported log
// records and metric points, print-config, configuration errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registry } from '../../../src/components.ts';
import { loadConfigText } from '../../../src/config/load-config.ts';
import { printConfig } from '../../../src/config/print-config.ts';
import { DEFAULT_USER, SimulatedBackboneApi, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import { basicReceiver, events, PASSWORD, type RestAgent, series, startRestAgent, TOKEN, USER } from './harness.ts';

const PROJECT_ADMIN = { username: 'ap-admin', password: 'pa55-for-AP', projectAdminOf: ['AP', 'BP'] };
const api = new SimulatedBackboneApi({
  users: [DEFAULT_USER, PROJECT_ADMIN],
  embedStatus: false,
  integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30'), sampleIntegration('INT-17', 'CP-1', 'DP-2')],
});

/** Everything any agent of this file wrote or sent, to look for credentials in at the end. */
const outputs: string[] = [];
const SECRETS = [
  PASSWORD, TOKEN, PROJECT_ADMIN.password, 'wrong-token-value', 'wrong-pa55word',
  Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  Buffer.from(`${PROJECT_ADMIN.username}:${PROJECT_ADMIN.password}`).toString('base64'),
  Buffer.from(`${USER}:wrong-pa55word`).toString('base64'),
];

before(async () => {
  await api.start();
});
after(async () => {
  await api.stop();
});

async function withAgent(receiver: string, env: Record<string, string>, check: (h: RestAgent) => Promise<void>): Promise<void> {
  const h = await startRestAgent({ receiver, env });
  try {
    await check(h);
  } finally {
    await h.stop();
    outputs.push(...h.agent.logLines, JSON.stringify(h.otlp.logs), JSON.stringify(h.otlp.points));
  }
}

function bearer(more = ''): string {
  return `
    endpoint: ${api.url}
    auth:
      bearer:
        token: \${env:JIRA_TOKEN}
    collection_interval: 1h
${more}`;
}

function projectAdmin(keys: string[] | undefined): string {
  return `
    endpoint: ${api.url}
    auth:
      basic:
        username: ${PROJECT_ADMIN.username}
        password: \${env:PA_PASSWORD}
    collection_interval: 1h
${keys ? `    project_keys: [${keys.join(', ')}]\n` : ''}`;
}

function statusSeries(h: RestAgent): string[] {
  return series(h.otlp, 'backbone.integration.status');
}

describe('Basic and Bearer', () => {
  test('a personal access token (Bearer) is accepted', async () => {
    const seen = api.requests.length;
    await withAgent(bearer(), {}, async (h) => {
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
      assert.equal(statusSeries(h).length, 2);
    });
    const sent = api.requests.slice(seen);
    assert.ok(sent.length > 0 && sent.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
  });

  test('a wrong token: 401, and the message points at auth.bearer.token', async () => {
    await withAgent(bearer(), { JIRA_TOKEN: 'wrong-token-value' }, async (h) => {
      const records = events(h.otlp, 'backbone.api.error');
      assert.equal(records.length, 1);
      assert.match(records[0]!.body, /credentials rejected \(401\).*Check auth\.bearer\.token: the personal access token may be mistyped, revoked or expired/);
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
    });
  });

  test('a wrong password: 401, and the message points at auth.basic', async () => {
    await withAgent(basicReceiver(api), { JIRA_PASSWORD: 'wrong-pa55word' }, async (h) => {
      const records = events(h.otlp, 'backbone.api.error');
      assert.equal(records.length, 1);
      assert.equal(records[0]!.attributes['http.response.status_code'], 401);
      assert.match(records[0]!.body, /credentials rejected \(401\): Jira did not accept the configured user\. Check auth\.basic\.username and auth\.basic\.password/);
    });
  });
});

describe('project administrators', () => {
  test('without project_keys: 403, saying a Jira administrator is needed or project_keys', async () => {
    await withAgent(projectAdmin(undefined), { PA_PASSWORD: PROJECT_ADMIN.password }, async (h) => {
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
      const lines = h.agent.logLines.filter((l) => / ERROR /.test(l));
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /access denied \(403\): listing all integrations needs a Jira administrator\. .*set project_keys to the projects the user administers/);
    });
  });

  test('with project_keys: one list per key, an integration in two of them counted once', async () => {
    const seen = api.requests.length;
    await withAgent(projectAdmin(['AP', 'BP']), { PA_PASSWORD: PROJECT_ADMIN.password }, async (h) => {
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
      assert.deepEqual(statusSeries(h), ['backbone.integration=INT-16,backbone.status=RUNNING -> 1']);
      assert.deepEqual(series(h.otlp, 'backbone.connector.online').length, 2);
    });
    const lists = api.requests.slice(seen).filter((r) => r.path === '/integrations');
    assert.deepEqual(new Set(lists.map((r) => r.query.projectKey)), new Set(['AP', 'BP']));
    const statusCalls = api.requests.slice(seen).filter((r) => r.path === '/integrations/INT-16/status');
    assert.equal(statusCalls.length, lists.length / 2, 'one /status per poll although INT-16 is in both lists');
  });

  test('a project key the user does not administer: 403 for that project only; the others still reported', async () => {
    await withAgent(projectAdmin(['AP', 'CP']), { PA_PASSWORD: PROJECT_ADMIN.password }, async (h) => {
      const records = events(h.otlp, 'backbone.api.error');
      assert.equal(records.length, 1);
      assert.match(records[0]!.body, /integrations\?projectKey=CP: access denied \(403\) to the integrations of project CP: the user must be a project administrator of CP \(or a Jira administrator\)/);
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
      assert.deepEqual(statusSeries(h), ['backbone.integration=INT-16,backbone.status=RUNNING -> 1']);
      assert.deepEqual(events(h.otlp, 'backbone.api.error'), []);
    });
  });
});

describe('credentials', () => {
  function printed(auth: string, headers = ''): string {
    const config = loadConfigText(`
receivers:
  backbone_rest:
    endpoint: https://jira.example.com/jira
    auth:
      ${auth}
${headers}
exporters:
  debug: {}
service:
  pipelines:
    metrics: { receivers: [backbone_rest], exporters: [debug] }
`, 'test.yaml', registry, { JIRA_PASSWORD: PASSWORD, JIRA_TOKEN: TOKEN });
    return printConfig(config);
  }

  test('print-config redacts the password and the token', () => {
    for (const auth of ['basic:\n        username: monitor\n        password: ${env:JIRA_PASSWORD}', 'bearer:\n        token: ${env:JIRA_TOKEN}']) {
      const text = printed(auth);
      outputs.push(text);
      assert.ok(text.includes('[REDACTED]'), text);
      assert.ok(text.includes('endpoint: https://jira.example.com/jira'), text);
      assert.ok(!text.includes(PASSWORD) && !text.includes(TOKEN), text);
    }
  });

  test('print-config redacts header values', () => {
    const text = printed('bearer:\n        token: x', '    headers:\n      X-Proxy-Key: ${env:JIRA_TOKEN}');
    assert.ok(text.includes('X-Proxy-Key: "[REDACTED]"') && !text.includes(TOKEN), text);
  });

  test('configuration errors do not repeat a secret', () => {
    const attempts = [
      // A password given as a list, an endpoint with credentials in it, a bearer token with a line break.
      `auth:\n      basic:\n        username: monitor\n        password: [${PASSWORD}]`,
      `auth:\n      basic:\n        username: monitor\n        password: x\n    endpoint_typo: 1`,
      `auth:\n      bearer:\n        token: "${TOKEN}\\n"`,
      `auth:\n      bearer:\n        token: ${TOKEN}\n      basic:\n        username: monitor\n        password: ${PASSWORD}`,
    ];
    for (const auth of attempts) {
      const endpoint = auth.includes('endpoint_typo') ? `https://monitor:${PASSWORD}@jira.example.com` : 'https://jira.example.com';
      const yaml = `
receivers:
  backbone_rest:
    endpoint: ${endpoint}
    ${auth}
exporters:
  debug: {}
service:
  pipelines:
    metrics: { receivers: [backbone_rest], exporters: [debug] }
`;
      assert.throws(() => loadConfigText(yaml, 'test.yaml', registry, {}), (error: Error) => {
        outputs.push(error.message);
        return true;
      });
    }
  });

  test('no credential appears in any log line, log record, metric point, printed config or error of this file', () => {
    assert.ok(outputs.length > 20);
    const all = outputs.join('\n');
    for (const secret of SECRETS) assert.ok(!all.includes(secret), `found a credential in the output: ${secret.slice(0, 3)}...`);
  });
});
