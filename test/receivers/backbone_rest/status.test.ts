// The backbone_rest receiver's status, as the health check shows it: a recoverable error
// with the cause an operator can act on (credentials rejected, access denied, an answer of the
// wrong shape, Jira not answering), kept since the failure began while its cause changes, and
// ok again after the first poll that works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ComponentStatus } from '../../../src/component/component.ts';
import { sampleIntegration, SimulatedBackboneApi } from '../../../src/simulator/backbone-api.ts';
import { basicReceiver, startRestAgent } from './harness.ts';

const api = new SimulatedBackboneApi({ integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30')] });
before(async () => {
  await api.start();
});
after(async () => {
  await api.stop();
});

test('401, 403, a wrong shape and Jira away are recoverable errors with their cause; ok once a poll works', async () => {
  const h = await startRestAgent({ receiver: basicReceiver(api) });
  try {
    const status = (): ComponentStatus => h.agent.service.status.components().find((c) => c.kind === 'receiver' && c.id === 'backbone_rest')!;
    assert.equal(status().state, 'ok');
    assert.equal(status().error, undefined);

    api.misbehave('unauthorized');
    await h.step();
    assert.equal(status().state, 'recoverable_error');
    assert.match(status().error!, /^the Backbone REST API fails: .*credentials rejected \(401\)/);
    const since = status().since;

    api.misbehave('forbidden');
    await h.step();
    assert.match(status().error!, /access denied \(403\)/);
    assert.doesNotMatch(status().error!, /401/, 'the cause is the current one');
    assert.equal(status().since, since, 'failing since the first failure, whatever its cause now');

    api.misbehave('not-a-list');
    await h.step();
    assert.match(status().error!, /unexpected answer for the list of integrations, not in the documented shape/);

    api.misbehave('close');
    await h.step();
    assert.match(status().error!, /closed the connection without answering/);

    api.behave();
    await h.step();
    assert.equal(status().state, 'ok');
    assert.equal(status().error, undefined);
    assert.ok(status().since > since);
  } finally {
    await h.stop();
  }
});
