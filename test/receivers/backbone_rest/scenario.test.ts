// The REST poller against the simulated Backbone API driven through a scenario, over real
// HTTP, exported over OTLP into a real OTLP receiver: every metric value and every change
// event of each step, exactly. Runs once against an older Backbone (status embedded in the
// list) and once against a newer one (status only at /integrations/{key}/status).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SimulatedBackboneApi, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import { basicReceiver, events, type RestAgent, series, startRestAgent } from './harness.ts';

const I = 'backbone.integration';
const C = 'backbone.connector';
const P = 'backbone.connector.position';

function connectors(values: Record<string, number>): string[] {
  return Object.entries(values).map(([where, value]) => {
    const [integration, connector, position] = where.split('/');
    return `${C}=${connector},${P}=${position},${I}=${integration} -> ${value}`;
  }).sort();
}

function statuses(values: Record<string, Record<string, number>>): string[] {
  return Object.entries(values).flatMap(([integration, byStatus]) =>
    Object.entries(byStatus).map(([status, value]) => `${I}=${integration},backbone.status=${status} -> ${value}`)).sort();
}

function bodies(h: RestAgent, name: string): string[] {
  return events(h.otlp, name).map((r) => `${r.severityText} ${r.body}`).sort();
}

for (const embedStatus of [true, false]) {
  describe(`scenario, status ${embedStatus ? 'embedded in the list (older Backbone)' : 'from /status (newer Backbone)'}`, () => {
    const api = new SimulatedBackboneApi({
      embedStatus,
      integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30'), sampleIntegration('INT-17', 'CP-1', 'DP-2')],
    });
    let h: RestAgent;

    before(async () => {
      await api.start();
      h = await startRestAgent({ receiver: basicReceiver(api) });
    });
    after(async () => {
      await h?.stop();
      await api.stop();
    });

    test('first poll: every metric as the API says, one status event per integration, no other event', async () => {
      // What the first poll (at start) emitted is still in the receiver: steps clear it.
      assert.deepEqual(bodies(h, 'backbone.integration.status_changed'), [
        'INFO Synchronization INT-16 is RUNNING.',
        'INFO Synchronization INT-17 is RUNNING.',
      ]);
      const first = events(h.otlp, 'backbone.integration.status_changed')[0]!;
      assert.equal(first.eventName, 'backbone.integration.status_changed');
      assert.deepEqual(Object.keys(first.attributes).sort(), ['backbone.integration', 'backbone.status', 'event.name']);
      assert.equal(first.severityNumber, 9);

      await h.step();
      assert.deepEqual(h.otlp.logs, [], 'nothing changed, nothing said');
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
      assert.deepEqual(series(h.otlp, 'backbone.integration.status'), statuses({ 'INT-16': { RUNNING: 1 }, 'INT-17': { RUNNING: 1 } }));
      const all = { 'INT-16/AP-29/first': 1, 'INT-16/BP-30/second': 1, 'INT-17/CP-1/first': 1, 'INT-17/DP-2/second': 1 };
      assert.deepEqual(series(h.otlp, 'backbone.connector.online'), connectors(all));
      const zero = Object.fromEntries(Object.keys(all).map((k) => [k, 0]));
      assert.deepEqual(series(h.otlp, 'backbone.connector.reconnecting'), connectors(zero));
      assert.deepEqual(series(h.otlp, 'backbone.connector.issues_in_error'), connectors(zero));
      const routes = series(h.otlp, 'backbone.connector.route.status');
      assert.equal(routes.length, 12, '4 connectors x incoming, outgoing, external');
      assert.ok(routes.every((r) => r.includes('backbone.route.status=STARTED') && r.endsWith('-> 1')), routes.join('\n'));
      assert.ok(routes.some((r) => r.includes('backbone.route=external')));
      const processing = series(h.otlp, 'backbone.connector.processing.status');
      assert.equal(processing.length, 8, '4 connectors x incoming, outgoing');
      assert.ok(processing.includes(`${C}=AP-29,${P}=first,${I}=INT-16,backbone.processing.status=IDLE,backbone.route=incoming -> 1`), processing.join('\n'));

      const point = h.otlp.points.find((p) => p.metric === 'backbone.connector.issues_in_error')!;
      assert.equal(point.unit, '{issue}');
      assert.equal(point.type, 'gauge');
      assert.equal(h.otlp.points.find((p) => p.metric === 'backbone.api.up')!.unit, '1');

      // One duration per endpoint template, with method and status code, no error.type.
      const durations = h.otlp.points.filter((p) => p.metric === 'backbone.api.request.duration');
      assert.ok(durations.every((p) => p.type === 'histogram' && p.unit === 's'));
      const templates = durations.map((p) => `${String(p.attributes['http.request.method'])} ${String(p.attributes['url.template'])} ${String(p.attributes['http.response.status_code'])} ${String(p.attributes['error.type'])}`).sort();
      assert.deepEqual(templates, [
        'GET /health 200 undefined',
        'GET /integrations 200 undefined',
        ...(embedStatus ? [] : ['GET /integrations/{integrationKey}/status 200 undefined']),
      ]);
      assert.equal(durations.find((p) => p.attributes['url.template'] === '/integrations')!.count, 3, 'three polls so far (at start, by the harness, this step), cumulative');
    });

    test('RUNNING -> STOPPED: the state set keeps RUNNING at 0, one WARN event', async () => {
      api.setStatus('INT-16', 'STOPPED');
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.integration.status'),
        statuses({ 'INT-16': { RUNNING: 0, STOPPED: 1 }, 'INT-17': { RUNNING: 1 } }));
      assert.deepEqual(bodies(h, 'backbone.integration.status_changed'), ['WARN Synchronization INT-16 is now STOPPED (was RUNNING).']);
      const record = events(h.otlp, 'backbone.integration.status_changed')[0]!;
      assert.equal(record.attributes['backbone.integration'], 'INT-16');
      assert.equal(record.attributes['backbone.status'], 'STOPPED');
      assert.equal(record.severityNumber, 13);
      assert.equal(h.otlp.logs.length, 1);
    });

    test('a route stops: route state set and a WARN connector event', async () => {
      api.setConnector('INT-16', 'first', { outgoingRouteStatus: 'STOPPED' });
      await h.step();
      const outgoing = series(h.otlp, 'backbone.connector.route.status').filter((r) => r.includes('AP-29') && r.includes('route=outgoing'));
      assert.deepEqual(outgoing, [
        `${C}=AP-29,${P}=first,${I}=INT-16,backbone.route=outgoing,backbone.route.status=STARTED -> 0`,
        `${C}=AP-29,${P}=first,${I}=INT-16,backbone.route=outgoing,backbone.route.status=STOPPED -> 1`,
      ]);
      assert.deepEqual(bodies(h, 'backbone.connector.changed'), ['WARN Connector AP-29 (first connector of INT-16): outgoing route STARTED → STOPPED.']);
      const record = events(h.otlp, 'backbone.connector.changed')[0]!;
      assert.deepEqual(
        { i: record.attributes[I], c: record.attributes[C], p: record.attributes[P] },
        { i: 'INT-16', c: 'AP-29', p: 'first' },
      );
    });

    test('a connector goes offline, then comes back', async () => {
      api.setConnector('INT-17', 'first', { online: false, reconnecting: true });
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.connector.online').filter((s) => s.includes('INT-17')),
        connectors({ 'INT-17/CP-1/first': 0, 'INT-17/DP-2/second': 1 }));
      assert.deepEqual(series(h.otlp, 'backbone.connector.reconnecting').filter((s) => s.includes('INT-17')),
        connectors({ 'INT-17/CP-1/first': 1, 'INT-17/DP-2/second': 0 }));
      assert.deepEqual(bodies(h, 'backbone.connector.changed'), ['WARN Connector CP-1 (first connector of INT-17): went offline; started reconnecting.']);
      assert.deepEqual(bodies(h, 'backbone.integration.status_changed'), []);

      api.setConnector('INT-17', 'first', { online: true, reconnecting: false });
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.connector.online').filter((s) => s.includes('INT-17')),
        connectors({ 'INT-17/CP-1/first': 1, 'INT-17/DP-2/second': 1 }));
      assert.deepEqual(bodies(h, 'backbone.connector.changed'), ['INFO Connector CP-1 (first connector of INT-17): back online; stopped reconnecting.']);
    });

    test('issues in error 0 -> 3 -> 0', async () => {
      api.setConnector('INT-17', 'second', { issuesInError: 3 });
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.connector.issues_in_error'),
        connectors({ 'INT-16/AP-29/first': 0, 'INT-16/BP-30/second': 0, 'INT-17/CP-1/first': 0, 'INT-17/DP-2/second': 3 }));
      assert.deepEqual(bodies(h, 'backbone.connector.changed'), ['WARN Connector DP-2 (second connector of INT-17): issues in error 0 → 3.']);

      api.setConnector('INT-17', 'second', { issuesInError: 0 });
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.connector.issues_in_error').filter((s) => s.includes('DP-2')), connectors({ 'INT-17/DP-2/second': 0 }));
      assert.deepEqual(bodies(h, 'backbone.connector.changed'), ['INFO Connector DP-2 (second connector of INT-17): issues in error 3 → 0.']);
    });

    test('an unknown status value passes through as it comes; back to RUNNING', async () => {
      api.setStatus('INT-16', 'WAITING_FOR_GREMLINS');
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.integration.status').filter((s) => s.includes('INT-16')),
        statuses({ 'INT-16': { RUNNING: 0, STOPPED: 0, WAITING_FOR_GREMLINS: 1 } }));
      assert.deepEqual(bodies(h, 'backbone.integration.status_changed'), ['WARN Synchronization INT-16 is now WAITING_FOR_GREMLINS (was STOPPED).']);

      api.setStatus('INT-16', 'RUNNING');
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.integration.status').filter((s) => s.includes('INT-16')),
        statuses({ 'INT-16': { RUNNING: 1, STOPPED: 0, WAITING_FOR_GREMLINS: 0 } }));
      assert.deepEqual(bodies(h, 'backbone.integration.status_changed'), ['INFO Synchronization INT-16 is now RUNNING (was WAITING_FOR_GREMLINS).']);
      assert.equal(series(h.otlp, 'backbone.api.up')[0], ' -> 1');
    });

    test('a missing field leaves its metric out; an unknown value of a known field passes through; no event', async () => {
      api.setConnector('INT-16', 'first', { issuesInError: undefined, online: undefined, incomingProcessingStatus: 'PONDERING' });
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.connector.issues_in_error').filter((s) => s.includes('INT-16')),
        connectors({ 'INT-16/BP-30/second': 0 }));
      assert.deepEqual(series(h.otlp, 'backbone.connector.online').filter((s) => s.includes('INT-16')),
        connectors({ 'INT-16/BP-30/second': 1 }));
      assert.deepEqual(series(h.otlp, 'backbone.connector.reconnecting').filter((s) => s.includes('AP-29')), connectors({ 'INT-16/AP-29/first': 0 }));
      assert.deepEqual(series(h.otlp, 'backbone.connector.processing.status').filter((s) => s.includes('AP-29') && s.includes('incoming')), [
        `${C}=AP-29,${P}=first,${I}=INT-16,backbone.processing.status=IDLE,backbone.route=incoming -> 0`,
        `${C}=AP-29,${P}=first,${I}=INT-16,backbone.processing.status=PONDERING,backbone.route=incoming -> 1`,
      ]);
      assert.deepEqual(h.otlp.logs, []);

      // The status itself missing: no status series for it at all, nothing invented.
      api.setStatus('INT-17', 'RUNNING');
      delete api.get('INT-17').status!.status;
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.integration.status').filter((s) => s.includes('INT-17')), []);
      assert.ok(series(h.otlp, 'backbone.connector.online').some((s) => s.includes('INT-17')), 'its connectors still count');
      assert.deepEqual(h.otlp.logs, []);
      api.setStatus('INT-17', 'RUNNING');
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.integration.status').filter((s) => s.includes('INT-17')), statuses({ 'INT-17': { RUNNING: 1 } }));
      assert.deepEqual(h.otlp.logs, [], 'the same status as before the gap is no change');
    });

    test('an integration that disappears stops being reported', async () => {
      api.remove('INT-17');
      await h.step();
      for (const metric of ['backbone.integration.status', 'backbone.connector.online', 'backbone.connector.reconnecting',
        'backbone.connector.issues_in_error', 'backbone.connector.route.status', 'backbone.connector.processing.status']) {
        const points = series(h.otlp, metric);
        assert.ok(points.length > 0, `${metric} still has INT-16`);
        assert.deepEqual(points.filter((s) => s.includes('INT-17')), [], metric);
      }
      assert.equal(series(h.otlp, 'backbone.api.up')[0], ' -> 1');
      assert.ok(h.agent.logLines.some((l) => l.includes('integration INT-17 is no longer listed')));

      // Back again: a new integration, seen for the first time.
      api.put(sampleIntegration('INT-17', 'CP-1', 'DP-2'));
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.integration.status').filter((s) => s.includes('INT-17')), statuses({ 'INT-17': { RUNNING: 1 } }));
      assert.deepEqual(bodies(h, 'backbone.integration.status_changed'), ['INFO Synchronization INT-17 is RUNNING.']);
    });

    test('the agent sent only GETs, each with Accept: application/json and X-Atlassian-Token: no-check', () => {
      assert.ok(api.requests.length > 10);
      for (const request of api.requests) {
        assert.equal(request.method, 'GET');
        assert.equal(request.headers.accept, 'application/json');
        assert.equal(request.headers['x-atlassian-token'], 'no-check');
        assert.match(String(request.headers['user-agent']), /^backbone-otel-agent\//);
      }
      const paths = new Set(api.requests.map((r) => r.path));
      if (embedStatus) assert.deepEqual([...paths].sort(), ['/health', '/integrations']);
      else assert.ok(paths.has('/integrations/INT-16/status'));
    });
  });
}

describe('a connector first seen in a bad state', () => {
  test('is reported once as a WARN connector event', async () => {
    const integration = sampleIntegration('INT-20', 'EP-1', 'FP-2');
    integration.status!.secondConnector!.online = false;
    integration.status!.secondConnector!.issuesInError = 2;
    const api = await new SimulatedBackboneApi({ integrations: [integration] }).start();
    const h = await startRestAgent({ receiver: basicReceiver(api) });
    try {
      assert.deepEqual(bodies(h, 'backbone.connector.changed'), ['WARN Connector FP-2 (second connector of INT-20): is offline; has 2 issue(s) in error.']);
      await h.step();
      assert.deepEqual(h.otlp.logs, []);
    } finally {
      await h.stop();
      await api.stop();
    }
  });
});
