// Thousands of moves in one burst, made by another process, are counted exactly in both watch
// methods: every message once, with its states; nothing twice, nothing missed. Log records are
// kept by a host on the real SDK without a queue limit, so that every record can be counted.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { eventsConfigSchema } from '../../../src/receivers/backbone_events/config.ts';
import { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { CaptureHost } from '../../helpers/capture-host.ts';
import { type MoveOp, moveInOtherProcess } from '../../helpers/move-files.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { treeSnapshot } from '../../helpers/tree-snapshot.ts';
import { waitFor } from '../../helpers/wait-for.ts';

interface Planned {
  message: string;
  from: string;
  to: string;
  issue?: string;
}

function name(prefix: string, i: number): string {
  return `${prefix}${String(i).padStart(5, '0')}.bac`;
}

function burst(mode: 'native' | 'poll'): void {
  describe(`a burst of 3,000 moves in ${mode} mode`, () => {
    const home = tempDir();
    const root = path.join(home, 'backbone-issue-sync');
    const project = path.join(root, 'INT-16', 'AP-29');
    const dir = (...parts: string[]) => path.join(project, ...parts);
    const capture = new CaptureHost();
    let receiver: EventsReceiver;

    after(async () => {
      await receiver?.shutdown();
      await capture.shutdown();
    });

    test('every move is reported exactly once', async () => {
      for (const folder of ['receive/processed', 'receive/error', 'receive/missing', 'receive/waiting', 'send', 'sendfailed']) {
        mkdirSync(dir(...folder.split('/')), { recursive: true });
      }
      for (let i = 0; i < 2400; i++) writeFileSync(dir('receive', name('r', i)), 'm');
      for (let i = 0; i < 400; i++) writeFileSync(dir('send', name('s', i)), 'm');
      for (let i = 0; i < 200; i++) writeFileSync(dir('sendfailed', name('f', i)), 'm');

      const config = eventsConfigSchema.parse({
        root, watch_method: mode, poll_interval: '100ms', reconcile_interval: '1h', grace_period: '300ms',
      });
      receiver = new EventsReceiver(config, capture.host, capture.log);
      await receiver.start();

      const ops: MoveOp[] = [];
      const planned: Planned[] = [];
      const move = (from: string, fromState: string, toParts: string[], toState: string, message: string, issue?: string) => {
        ops.push({ op: 'rename', from: dir(...from.split('/'), message), to: dir(...toParts, message) });
        planned.push({ message, from: fromState, to: toState, ...(issue ? { issue } : {}) });
      };
      let r = 0;
      for (let i = 0; i < 1200; i++) move('receive', 'receive', ['receive', 'processed'], 'processed', name('r', r++));
      for (let i = 0; i < 400; i++) move('receive', 'receive', ['receive', 'waiting'], 'waiting', name('r', r++));
      for (let i = 0; i < 300; i++) {
        const issue = `PB-${i % 30}`; // 30 issue folders made during the burst
        move('receive', 'receive', ['receive', 'error', issue], 'error', name('r', r++), issue);
      }
      for (let i = 0; i < 200; i++) {
        const issue = `PB-${100 + (i % 5)}`;
        move('receive', 'receive', ['receive', 'missing', issue], 'missing', name('r', r++), issue);
      }
      for (let i = 0; i < 300; i++) {
        ops.push({ op: 'remove', path: dir('send', name('s', i)) });
        planned.push({ message: name('s', i), from: 'send', to: 'none' });
      }
      for (let i = 300; i < 400; i++) move('send', 'send', ['sendfailed'], 'sendfailed', name('s', i));
      for (let i = 0; i < 200; i++) move('sendfailed', 'sendfailed', ['send'], 'send', name('f', i));
      for (let i = 0; i < 300; i++) {
        ops.push({ op: 'create', path: dir('receive', name('n', i)) });
        planned.push({ message: name('n', i), from: 'none', to: 'receive' });
      }
      assert.equal(planned.length, 3000);
      await moveInOtherProcess(ops);
      const after = treeSnapshot(root);

      await waitFor(() => receiver.reported >= planned.length, `${planned.length} transitions (have ${receiver.reported})`, 30_000);
      await receiver.reconcileNow();
      await waitFor(() => receiver.pending === 0, 'no pending lookups');
      await receiver.reconcileNow();

      const records = capture.events('backbone.message.transition');
      assert.equal(receiver.reported, planned.length);
      assert.equal(records.length, planned.length);
      const byMessage = new Map(records.map((record) => [String(record.attributes['backbone.message']), record]));
      assert.equal(byMessage.size, planned.length, 'no message reported twice');
      for (const p of planned) {
        const record = byMessage.get(p.message);
        assert.ok(record, `${p.message} reported`);
        assert.equal(record.attributes['backbone.from_state'], p.from, p.message);
        assert.equal(record.attributes['backbone.to_state'], p.to, p.message);
        assert.equal(record.attributes['backbone.issue'], p.issue, p.message);
      }

      const points = (await capture.collect()).filter((p) => p.metric === 'backbone.message.transitions');
      const expectedPairs = new Map<string, number>();
      for (const p of planned) expectedPairs.set(`${p.from}->${p.to}`, (expectedPairs.get(`${p.from}->${p.to}`) ?? 0) + 1);
      assert.equal(points.length, expectedPairs.size);
      for (const point of points) {
        const pair = `${String(point.attributes['backbone.from_state'])}->${String(point.attributes['backbone.to_state'])}`;
        assert.equal(point.value, expectedPairs.get(pair), pair);
      }
      assert.deepEqual(treeSnapshot(root), after, 'the tree is as the mover left it');
    });
  });
}

burst('native');
burst('poll');
