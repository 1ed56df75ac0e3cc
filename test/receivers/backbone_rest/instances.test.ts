// Several Jiras from one agent (named instances told apart by `attributes`), polls that never
// overlap, the bound on requests in flight, and polling on the receiver's own schedule.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SimulatedBackboneApi, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { basicReceiver, events, series, startRestAgent } from './harness.ts';

const jiraA = new SimulatedBackboneApi({ integrations: [sampleIntegration('INT-16', 'AP-29', 'BP-30')] });
const jiraB = new SimulatedBackboneApi({ embedStatus: false, integrations: [sampleIntegration('INT-16', 'XP-1', 'YP-2')] });

before(async () => {
  await Promise.all([jiraA.start(), jiraB.start()]);
  jiraB.setStatus('INT-16', 'STOPPED');
});
after(async () => {
  await Promise.all([jiraA.stop(), jiraB.stop()]);
});

test('two Jiras in one pipeline, told apart by their attributes', async () => {
  const h = await startRestAgent({
    receivers: {
      'backbone_rest/jira-a': basicReceiver(jiraA, '    attributes:\n      jira.instance: a\n'),
      'backbone_rest/jira-b': basicReceiver(jiraB, '    attributes:\n      jira.instance: b\n'),
    },
  });
  try {
    assert.deepEqual(events(h.otlp, 'backbone.integration.status_changed').map((r) => `${String(r.attributes['jira.instance'])} ${r.body}`).sort(), [
      'a Synchronization INT-16 is RUNNING.',
      'b Synchronization INT-16 is STOPPED.',
    ]);
    jiraB.misbehave('unauthorized');
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), ['jira.instance=a -> 1', 'jira.instance=b -> 0']);
    assert.deepEqual(series(h.otlp, 'backbone.integration.status'), ['backbone.integration=INT-16,backbone.status=RUNNING,jira.instance=a -> 1']);
    const errors = events(h.otlp, 'backbone.api.error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.attributes['jira.instance'], 'b');
    assert.ok(h.agent.logLines.some((l) => / ERROR .*credentials rejected.*component=backbone_rest\/jira-b/.test(l)));
    const durations = h.otlp.points.filter((p) => p.metric === 'backbone.api.request.duration');
    assert.ok(durations.some((p) => p.attributes['jira.instance'] === 'b' && p.attributes['error.type'] === '401'));

    jiraB.behave();
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.integration.status'), [
      'backbone.integration=INT-16,backbone.status=RUNNING,jira.instance=a -> 1',
      'backbone.integration=INT-16,backbone.status=STOPPED,jira.instance=b -> 1',
    ]);
  } finally {
    await h.stop();
  }
});

test('polls asked for at once run one after the other; requests in flight stay within the bound', async () => {
  const many = new SimulatedBackboneApi({
    embedStatus: false,
    integrations: Array.from({ length: 12 }, (_, i) => sampleIntegration(`INT-${100 + i}`, `AP-${i}`, `BP-${i}`)),
  });
  await many.start();
  const h = await startRestAgent({ receiver: basicReceiver(many, '    max_concurrent_requests: 3\n') });
  try {
    const receiver = h.receiver();
    const before_ = receiver.lastPoll().polls;
    await Promise.all([receiver.pollOnce(), receiver.pollOnce(), receiver.pollOnce()]);
    assert.equal(receiver.lastPoll().polls, before_ + 3);
    assert.ok(many.maxInFlight <= 3, `${many.maxInFlight} requests in flight at once`);
    // Each poll: the list and /health, then the 12 statuses; polls one after the other.
    const lists = many.requests.filter((r) => r.path === '/integrations').length;
    assert.equal(many.requests.length, lists * 14);
    await h.step();
    assert.equal(series(h.otlp, 'backbone.integration.status').length, 12);
  } finally {
    await h.stop();
    await many.stop();
  }
});

test('polls on its own schedule (collection_interval, with jitter) and stops on shutdown', async () => {
  // 1s is the shortest collection_interval the configuration takes.
  const h = await startRestAgent({ receiver: basicReceiver(jiraA).replace('collection_interval: 1h', 'collection_interval: 1s') });
  const receiver = h.receiver();
  // Two polls ran when the harness returns (at start, and the harness' own): the third is the receiver's.
  await waitFor(() => receiver.lastPoll().polls >= 3, 'a poll on the receiver\'s own schedule');
  await h.stop();
  const polls = receiver.lastPoll().polls;
  const requests = jiraA.requests.length;
  // After shutdown nothing is polled: one more poll would need the (stopped) timer.
  await receiver.pollOnce();
  assert.equal(receiver.lastPoll().polls, polls);
  assert.equal(jiraA.requests.length, requests);
});
