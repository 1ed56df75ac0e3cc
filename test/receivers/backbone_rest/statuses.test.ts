// Backbone documents more synchronization statuses than the agent knows (it knows RUNNING):
// each one, and spellings with underscores, and route and processing values nobody
// documented, reach the metrics and the change events exactly as the API spells them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SimulatedBackboneApi, SYNCHRONIZATION_STATUSES, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import { basicReceiver, events, type RestAgent, series, startRestAgent } from './harness.ts';

const api = new SimulatedBackboneApi({ embedStatus: false, integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30')] });
let h: RestAgent;

before(async () => {
  await api.start();
  h = await startRestAgent({ receiver: basicReceiver(api) });
});
after(async () => {
  await h?.stop();
  await api.stop();
});

/** The current value of INT-16's status state set. */
function currentStatus(): string[] {
  return series(h.otlp, 'backbone.integration.status').filter((s) => s.endsWith('-> 1'));
}

describe('status values pass through', () => {
  test('the documented statuses: RUNNING and the eight others', () => {
    assert.deepEqual([...SYNCHRONIZATION_STATUSES], [
      'RUNNING', 'STOPPED', 'RESTART REQUIRED', 'HANDSHAKE', 'WAITING FOR SLAVE', 'UPDATE REQUIRED', 'REQUEST SENT', 'INCOMING REQUEST', 'DECLINED',
    ]);
  });

  for (const status of [...SYNCHRONIZATION_STATUSES.slice(1), 'WAITING_FOR_SLAVE', 'SOMETHING NEW']) {
    test(`${status}: the metric's backbone.status and one WARN event, as spelt`, async () => {
      api.setStatus('INT-16', status);
      await h.step();
      assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
      assert.deepEqual(currentStatus(), [`backbone.integration=INT-16,backbone.status=${status} -> 1`]);
      const changed = events(h.otlp, 'backbone.integration.status_changed');
      assert.deepEqual(changed.map((r) => `${r.severityText} ${r.body}`), [`WARN Synchronization INT-16 is now ${status} (was RUNNING).`]);
      assert.equal(changed[0]!.attributes['backbone.status'], status);

      api.setStatus('INT-16', 'RUNNING');
      await h.step();
      assert.deepEqual(events(h.otlp, 'backbone.integration.status_changed').map((r) => `${r.severityText} ${r.body}`),
        [`INFO Synchronization INT-16 is now RUNNING (was ${status}).`]);
    });
  }

  test('route and processing values nobody documented', async () => {
    api.setConnector('INT-16', 'first', { incomingRouteStatus: 'PAUSED', incomingProcessingStatus: 'WAITING FOR LOCK' });
    await h.step();
    const route = series(h.otlp, 'backbone.connector.route.status').filter((s) => s.includes('backbone.route=incoming') && s.includes('AP-29') && s.endsWith('-> 1'));
    assert.equal(route.length, 1);
    assert.match(route[0]!, /backbone\.route\.status=PAUSED -> 1$/);
    const processing = series(h.otlp, 'backbone.connector.processing.status').filter((s) => s.includes('backbone.route=incoming') && s.includes('AP-29') && s.endsWith('-> 1'));
    assert.equal(processing.length, 1);
    assert.match(processing[0]!, /backbone\.processing\.status=WAITING FOR LOCK,/);
    assert.deepEqual(events(h.otlp, 'backbone.connector.changed').map((r) => r.body), ['Connector AP-29 (first connector of INT-16): incoming route STARTED → PAUSED.']);
  });
});
