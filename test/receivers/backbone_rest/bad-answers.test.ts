// The corpus of answers that do not have the documented shape, each served over real HTTP by
// the simulated API (an older Backbone embedding the status in the list, a newer one with
// /integrations/{key}/status), with the exact error it must give: exactly one
// backbone.api.error and one ERROR line naming the JSON path and what was expected,
// backbone.api.up 0, the last good values still reported (nothing vanishes unsaid), silence
// while it persists, and one line when the answers are right again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AnswerTamperer, SimulatedBackboneApi, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import { basicReceiver, events, type RestAgent, series, startRestAgent } from './harness.ts';

type Path = readonly (string | number)[];
type Edit = [Path, unknown];

interface BadAnswer {
  name: string;
  backbone: 'older' | 'newer';
  /** The simulator's misbehaviour, or how the real answer of `endpoint` is rewritten. */
  serve: { misbehave: 'not-a-list' } | { endpoint: 'integrations' | 'status'; tamper: AnswerTamperer };
  /** The request the error names, below the API base. */
  url: string;
  /** What was asked, as the error says it. */
  what: string;
  /** The "@@" in the rewritten answer becomes these bytes (text that is not UTF-8). */
  bytes?: number[];
  /** The problem: `<JSON path>: expected …, got …`. */
  problem: string | ((answer: Buffer) => string);
  /** What happens to the metrics meanwhile. */
  consequence: string;
}

/** Integrations as the simulated API lists them: INT-16 is integrations[0], INT-17 [1], INT-18 [2]. */
const KEYS = ['INT-16', 'INT-17', 'INT-18'];

/** Sets the value at `path` of a JSON answer (undefined: removes the field). */
function put(answer: unknown, [path, value]: Edit): void {
  let node = answer as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** Rewrites the list of integrations. */
const list = (...edits: Edit[]): AnswerTamperer => (answer) => {
  for (const edit of edits) put(answer, edit);
  return answer;
};
/** Rewrites the /status answer of one integration (`key`), or of all. */
const status = (key: string | undefined, ...edits: Edit[]): AnswerTamperer => (answer, path) => {
  if (key === undefined || path.includes(`/integrations/${key}/status`)) for (const edit of edits) put(answer, edit);
  return answer;
};

/** The answer as bytes, "@@" in it replaced by the byte(s) given (text that is not UTF-8). */
function withBytes(answer: unknown, bytes: number[]): Buffer {
  const [head, tail] = JSON.stringify(answer).split('@@') as [string, string];
  return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
}

const kept = (keys: string) => `${keys} keep${keys.includes(',') ? '' : 's'} the values of the last good answer (stale)`;

const CORPUS: BadAnswer[] = [
  {
    name: 'a status that is a number',
    backbone: 'older',
    serve: { endpoint: 'integrations', tamper: list([[1, 'status', 'status'], 42]) },
    url: 'integrations', what: 'the list of integrations',
    problem: 'integrations[1].status.status: expected a string, got 42',
    consequence: kept('INT-17'),
  },
  {
    name: 'a connector that is null',
    backbone: 'older',
    serve: { endpoint: 'integrations', tamper: list([[1, 'status', 'firstConnector'], null]) },
    url: 'integrations', what: 'the list of integrations',
    problem: 'integrations[1].status.firstConnector: expected an object (the status of a connector), got null',
    consequence: kept('INT-17'),
  },
  {
    name: 'online as "yes"',
    backbone: 'newer',
    serve: { endpoint: 'status', tamper: status('INT-17', [['firstConnector', 'online'], 'yes']) },
    url: 'integrations/INT-17/status', what: 'the status of integration INT-17',
    problem: 'status.firstConnector.online: expected a boolean (true or false), got "yes"',
    consequence: kept('INT-17'),
  },
  {
    name: 'issuesInError as "many"',
    backbone: 'newer',
    serve: { endpoint: 'status', tamper: status('INT-18', [['secondConnector', 'issuesInError'], 'many']) },
    url: 'integrations/INT-18/status', what: 'the status of integration INT-18',
    problem: 'status.secondConnector.issuesInError: expected a whole number ≥ 0, got "many"',
    consequence: kept('INT-18'),
  },
  {
    name: 'a negative issuesInError',
    backbone: 'older',
    serve: { endpoint: 'integrations', tamper: list([[0, 'status', 'secondConnector', 'issuesInError'], -3]) },
    url: 'integrations', what: 'the list of integrations',
    problem: 'integrations[0].status.secondConnector.issuesInError: expected a whole number ≥ 0, got -3',
    consequence: kept('INT-16'),
  },
  {
    name: 'a status block that is a number',
    backbone: 'older',
    serve: { endpoint: 'integrations', tamper: list([[0, 'status'], 42]) },
    url: 'integrations', what: 'the list of integrations',
    problem: 'integrations[0].status: expected an object (the status of a synchronization), got 42',
    consequence: kept('INT-16'),
  },
  {
    name: 'a status answer that is null',
    backbone: 'newer',
    serve: { endpoint: 'status', tamper: (answer, path) => (path.includes('/INT-16/') ? null : answer) },
    url: 'integrations/INT-16/status', what: 'the status of integration INT-16',
    problem: 'status: expected an object (the status of a synchronization), got null',
    consequence: kept('INT-16'),
  },
  {
    name: 'an entry without integrationKey',
    backbone: 'older',
    serve: { endpoint: 'integrations', tamper: list([[2, 'integrationKey'], undefined]) },
    url: 'integrations', what: 'the list of integrations',
    problem: 'integrations[2].integrationKey: expected a non-empty string, got nothing',
    consequence: 'synchronizations missing from this answer keep the values of the last good answer (stale: INT-18)',
  },
  {
    name: 'an object where the list belongs (the simulator\'s not-a-list)',
    backbone: 'older',
    serve: { misbehave: 'not-a-list' },
    url: 'integrations', what: 'the list of integrations',
    problem: '(the answer): expected a list of integrations, got an object with keys errorMessages, self',
    consequence: 'synchronizations missing from this answer keep the values of the last good answer (stale: INT-16, INT-17, INT-18)',
  },
  {
    name: 'Jira\'s error object with status 200',
    backbone: 'newer',
    serve: { endpoint: 'integrations', tamper: () => ({ errorMessages: ['Backbone Issue Sync is not licensed.'], errors: {} }) },
    url: 'integrations', what: 'the list of integrations',
    problem: '(the answer): expected a list of integrations, got an object with keys errorMessages, errors ("Backbone Issue Sync is not licensed.")',
    consequence: 'synchronizations missing from this answer keep the values of the last good answer (stale: INT-16, INT-17, INT-18)',
  },
  {
    name: 'two problems in one answer',
    backbone: 'older',
    serve: {
      endpoint: 'integrations',
      tamper: list([[1, 'status', 'firstConnector', 'online'], 'yes'], [[2, 'status', 'secondConnector', 'reconnecting'], 'no']),
    },
    url: 'integrations', what: 'the list of integrations',
    problem: 'integrations[1].status.firstConnector.online: expected a boolean (true or false), got "yes" (and 1 more problem in this answer)',
    consequence: kept('INT-17, INT-18'),
  },
  {
    name: 'every status answer with text booleans: one error for all of them',
    backbone: 'newer',
    serve: { endpoint: 'status', tamper: status(undefined, [['firstConnector', 'online'], 'true']) },
    url: 'integrations/INT-16/status', what: 'the status of integration INT-16',
    problem: 'status.firstConnector.online: expected a boolean (true or false), got "true" (3 requests to /integrations/{integrationKey}/status failed this way)',
    consequence: kept('INT-16, INT-17, INT-18'),
  },
  {
    name: 'a new synchronization, malformed from the start',
    backbone: 'older',
    serve: {
      endpoint: 'integrations',
      tamper: (answer) => {
        const entries = answer as unknown[];
        const fresh = structuredClone(entries[0]);
        put(fresh, [['integrationKey'], 'INT-19']);
        put(fresh, [['status', 'firstConnector', 'connectorKey'], 7]);
        return [...entries, fresh];
      },
    },
    url: 'integrations', what: 'the list of integrations',
    problem: 'integrations[3].status.firstConnector.connectorKey: expected a non-empty string, got 7',
    consequence: 'INT-19 is not reported',
  },
  {
    name: 'a status that is not UTF-8 (Latin-1 from a misconfigured proxy)',
    backbone: 'older',
    serve: { endpoint: 'integrations', tamper: list([[1, 'status', 'status'], 'RUN@@NING']) },
    url: 'integrations', what: 'the list of integrations', bytes: [0xff],
    problem: (answer) => `integrations[1].status.status: expected UTF-8 text, got "RUN\\xffNING" (1 byte of the answer is not UTF-8, the first at offset ${answer.indexOf(0xff)})`,
    consequence: kept('INT-17'),
  },
  {
    name: 'a field the agent does not read, not UTF-8',
    backbone: 'newer',
    serve: { endpoint: 'status', tamper: status('INT-16', [['firstConnector', 'incomingDetails'], '@@chec']) },
    url: 'integrations/INT-16/status', what: 'the status of integration INT-16', bytes: [0xe9],
    problem: (answer) => `status.firstConnector.incomingDetails: expected UTF-8 text, got "\\xe9chec" (1 byte of the answer is not UTF-8, the first at offset ${answer.indexOf(0xe9)})`,
    consequence: kept('INT-16'),
  },
];

const backbones = {
  older: new SimulatedBackboneApi({ embedStatus: true, integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30'), sampleIntegration('INT-17', 'CP-1', 'DP-2'), sampleIntegration('INT-18', 'EP-3', 'FP-4')] }),
  newer: new SimulatedBackboneApi({ embedStatus: false, integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30'), sampleIntegration('INT-17', 'CP-1', 'DP-2'), sampleIntegration('INT-18', 'EP-3', 'FP-4')] }),
};
const agents: Partial<Record<keyof typeof backbones, RestAgent>> = {};

before(async () => {
  for (const [name, api] of Object.entries(backbones) as [keyof typeof backbones, SimulatedBackboneApi][]) {
    await api.start();
    agents[name] = await startRestAgent({ receiver: basicReceiver(api) });
  }
});
after(async () => {
  for (const [name, api] of Object.entries(backbones) as [keyof typeof backbones, SimulatedBackboneApi][]) {
    await agents[name]?.stop();
    await api.stop();
  }
});

/** Every integration and connector series: what the dashboards show. */
function shown(h: RestAgent): string[] {
  return h.otlp.points
    .filter((p) => p.metric.startsWith('backbone.integration.') || p.metric.startsWith('backbone.connector.'))
    .map((p) => `${p.metric} ${JSON.stringify(Object.entries(p.attributes).sort())} -> ${p.value}`)
    .sort();
}

function lines(h: RestAgent, from: number, level: 'ERROR' | 'INFO'): string[] {
  return h.agent.logLines.slice(from).filter((line) => line.includes(` ${level} `));
}

function serve(api: SimulatedBackboneApi, c: BadAnswer): { answer: () => Buffer } {
  let last: Buffer = Buffer.alloc(0);
  if ('misbehave' in c.serve) {
    api.misbehave(c.serve.misbehave, 'integrations');
    return { answer: () => last };
  }
  const { tamper } = c.serve;
  const { bytes } = c;
  api.tamper(c.serve.endpoint, (answer, path) => {
    const changed = tamper(answer, path);
    const out = bytes && JSON.stringify(changed).includes('@@') ? withBytes(changed, bytes) : changed;
    if (Buffer.isBuffer(out) || path.includes(c.url)) last = Buffer.isBuffer(out) ? out : Buffer.from(JSON.stringify(out));
    return out;
  });
  return { answer: () => last };
}

describe('answers that do not have the documented shape', () => {
  for (const c of CORPUS) {
    test(`${c.name} (${c.backbone} Backbone)`, async (t) => {
      const api = backbones[c.backbone];
      const h = agents[c.backbone]!;
      await h.step();
      const good = shown(h);
      assert.ok(good.length > 0);
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
      const mark = h.agent.logLines.length;

      const served = serve(api, c);
      t.after(() => api.behave());
      await h.step();
      const problem = typeof c.problem === 'string' ? c.problem : c.problem(served.answer());
      const expected = `GET ${api.apiUrl}${c.url}: unexpected answer for ${c.what}, not in the documented shape: ${problem}. ` +
        'This Backbone Issue Sync version may have changed its API: please report it with this message. ' +
        `Until Backbone answers in the documented shape again, ${c.consequence}.`;
      const records = events(h.otlp, 'backbone.api.error');
      assert.deepEqual(records.map((r) => r.body), [expected]);
      assert.equal(records[0]!.severityText, 'ERROR');
      assert.equal(records[0]!.attributes['error.type'], 'unexpected_response');
      assert.equal(records[0]!.attributes['http.response.status_code'], 200);
      assert.equal(records[0]!.attributes['url.template'], c.url === 'integrations' ? '/integrations' : '/integrations/{integrationKey}/status');
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0'], 'a failed poll');
      assert.deepEqual(shown(h), good, 'the last good values are still reported');
      const errors = lines(h, mark, 'ERROR');
      assert.equal(errors.length, 1, errors.join(''));
      assert.ok(errors[0]!.includes(expected), errors[0]);
      assert.ok(h.otlp.points.some((p) => p.metric === 'backbone.api.request.duration' && p.attributes['error.type'] === 'unexpected_response'));

      await h.step();
      assert.deepEqual(events(h.otlp, 'backbone.api.error'), [], 'said once, not per poll');
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
      assert.deepEqual(shown(h), good);
      assert.equal(lines(h, mark, 'ERROR').length, 1);

      api.behave();
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
      assert.deepEqual(shown(h), good);
      const over = lines(h, mark, 'INFO').filter((l) => l.includes('answers in the documented shape again'));
      assert.equal(over.length, 1, h.agent.logLines.slice(mark).join(''));
      const template = c.url === 'integrations' ? '/integrations' : '/integrations/{integrationKey}/status';
      assert.match(over[0]!, new RegExp(`the Backbone REST API answers in the documented shape again after \\d+s \\(was: unexpected_response at ${template.replace(/[{}]/g, '\\$&')}\\); the values reported are current again`));
      assert.deepEqual(h.receiver().lastPoll().failures, []);
    });
  }
});

describe('while one synchronization\'s answer is malformed', () => {
  test('the others stay current; it keeps its last good values; once right again its changes show', async () => {
    const api = backbones.newer;
    const h = agents.newer!;
    await h.step();
    const statusOf = (key: string) => series(h.otlp, 'backbone.integration.status').filter((s) => s.includes(`backbone.integration=${key},`));
    assert.deepEqual(statusOf('INT-17'), ['backbone.integration=INT-17,backbone.status=RUNNING -> 1']);

    api.tamper('status', status('INT-17', [['firstConnector', 'online'], 'yes']));
    api.setStatus('INT-16', 'STOPPED');
    api.setStatus('INT-17', 'DECLINED');
    await h.step();
    assert.deepEqual(statusOf('INT-16'), ['backbone.integration=INT-16,backbone.status=RUNNING -> 0', 'backbone.integration=INT-16,backbone.status=STOPPED -> 1']);
    assert.deepEqual(statusOf('INT-17'), ['backbone.integration=INT-17,backbone.status=RUNNING -> 1'], 'INT-17 as last seen');
    assert.deepEqual(events(h.otlp, 'backbone.integration.status_changed').map((r) => r.body), ['Synchronization INT-16 is now STOPPED (was RUNNING).']);

    api.behave();
    await h.step();
    assert.deepEqual(statusOf('INT-17'), ['backbone.integration=INT-17,backbone.status=DECLINED -> 1', 'backbone.integration=INT-17,backbone.status=RUNNING -> 0']);
    assert.deepEqual(events(h.otlp, 'backbone.integration.status_changed').map((r) => `${r.severityText} ${r.body}`), ['WARN Synchronization INT-17 is now DECLINED (was RUNNING).']);
    api.setStatus('INT-16', 'RUNNING');
    api.setStatus('INT-17', 'RUNNING');
    await h.step();
  });

  test('another problem instead of the first: a new error, and no line claiming the answers are right again', async (t) => {
    const api = backbones.older;
    const h = agents.older!;
    t.after(() => api.behave());
    await h.step();
    const mark = h.agent.logLines.length;
    api.tamper('integrations', list([[1, 'status', 'firstConnector', 'online'], 'yes']));
    await h.step();
    api.tamper('integrations', list([[1, 'status', 'firstConnector', 'issuesInError'], 'many']));
    await h.step();
    assert.deepEqual(events(h.otlp, 'backbone.api.error').map((r) => r.body.replace(/^.*shape: /, '').replace(/\. This .*/, '')),
      ['integrations[1].status.firstConnector.issuesInError: expected a whole number ≥ 0, got "many"']);
    const said = h.agent.logLines.slice(mark).filter((l) => / (ERROR|INFO) /.test(l)).map((l) => l.replace(/^.* (ERROR|INFO) /, '$1 ').replace(/GET \S+ /, ''));
    assert.equal(said.length, 3, said.join('\n'));
    assert.match(said[0]!, /^ERROR unexpected answer .*online: expected a boolean/);
    assert.match(said[1]!, /^ERROR unexpected answer .*issuesInError: expected a whole number/);
    assert.match(said[2]!, /^INFO .*the Backbone REST API no longer fails this way after \d+s \(was: unexpected_response at \/integrations\); it still fails as reported above/);
    api.behave();
    await h.step();
    assert.equal(h.agent.logLines.slice(mark).filter((l) => l.includes(' INFO ') && l.includes('the Backbone REST API answers in the documented shape again')).length, 1);
  });
});
