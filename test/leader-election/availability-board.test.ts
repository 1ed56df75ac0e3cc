// The API checks the agents of a cluster leave in the lease folder: another agent counts as
// answering only while its file keeps changing, so that the last word of an agent that died
// (its file still says it answers) cannot draw the lease to nobody; one that says its Jira
// does not answer never counts; a withdrawn agent is gone at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AvailabilityBoard } from '../../src/extensions/leader_election/availability-board.ts';
import { tempDir } from '../helpers/temp-dir.ts';

test('an agent counts as answering while its checks keep coming, not on its last word', async () => {
  const dir = tempDir('availability-');
  const stale = 1000;
  const reader = new AvailabilityBoard(dir, 'a1', stale);
  const alive = new AvailabilityBoard(dir, 'a2', stale);
  const down = new AvailabilityBoard(dir, 'a3', stale);
  await reader.publish(false);
  await alive.publish(true);
  await down.publish(false);

  // First sight: not yet known to be checking.
  assert.deepEqual(await reader.othersAnswering(0), []);
  await alive.publish(true);
  await down.publish(false);
  assert.deepEqual(await reader.othersAnswering(100), ['a2'], 'a2 checks and answers; a3 checks but does not answer');

  // a2 stops checking (died, hangs): its file still says it answers, but only until stale.
  assert.deepEqual(await reader.othersAnswering(100 + stale), ['a2']);
  assert.deepEqual(await reader.othersAnswering(101 + stale), [], 'a dead agent\'s last word counts for nothing');
  await alive.publish(true);
  assert.deepEqual(await reader.othersAnswering(200 + stale), ['a2'], 'counts again once it checks again');

  await alive.withdraw();
  assert.deepEqual(await reader.othersAnswering(300 + stale), [], 'gone once withdrawn');
});
