// A move's log.record.uid is the key by which the disk queue and backends drop a copy. It
// must not change from one version of the agent to the next: after an upgrade, moves the
// journal hands on again would otherwise come under new keys, and twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { moveUid } from '../../../src/receivers/backbone_events/transition.ts';

const root = '/var/atlassian/application-data/jira/data/backbone-issue-sync';
const identity = { ino: 4242, fromRel: 'INT-1/AP-1/receive/m1.bac', toRel: 'INT-1/AP-1/receive/processed/m1.bac', atMs: 1765000000123.5 };

test('a move\'s uid is the one earlier versions gave it, and differs with any fact of the move', () => {
  // Computed by the agent at 982c635 (createHash), before the one-shot crypto.hash.
  assert.equal(moveUid(root, identity), '4a32255fdebda59a854e7b43fe852e09');
  const others = [
    moveUid(`${root}2`, identity),
    moveUid(root, { ...identity, ino: 4243 }),
    moveUid(root, { ...identity, fromRel: undefined }),
    moveUid(root, { ...identity, toRel: 'INT-1/AP-1/receive/waiting/m1.bac' }),
    moveUid(root, { ...identity, atMs: identity.atMs + 1 }),
  ];
  assert.equal(new Set([moveUid(root, identity), ...others]).size, 6);
  for (const uid of others) assert.match(uid, /^[0-9a-f]{32}$/);
});
