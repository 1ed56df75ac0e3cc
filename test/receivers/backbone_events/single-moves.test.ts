// Every kind of move of spec §3, made by another process, shows up in the OTLP output as one
// log record (right states, issue, severity, dwell time) and one counter increment; in both
// watch methods and in the three folder layouts; and the agent changes nothing in the tree.
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { LAYOUTS, type LayoutName } from '../../../src/simulator/layouts.ts';
import type { KnownState } from '../../../src/backbone/states.ts';
import { type MoveOp, moveInOtherProcess } from '../../helpers/move-files.ts';
import { OtlpReceiver, type ReceivedLog } from '../../helpers/otlp-receiver.ts';
import { type RunningAgent, startAgent } from '../../helpers/run-agent.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { treeSnapshot } from '../../helpers/tree-snapshot.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const AGE_S = 600;

interface Expected {
  message: string;
  from: KnownState | 'none';
  to: KnownState | 'none';
  issue?: string;
  severity: 'INFO' | 'WARN' | 'ERROR';
  /** The message was there at start (mtime AGE_S ago): dwell time about AGE_S. */
  aged: boolean;
}

const EXPECTED: Expected[] = [
  { message: '000001.bac', from: 'receive', to: 'processed', severity: 'INFO', aged: true },
  { message: '000002.bac', from: 'receive', to: 'error', issue: 'PB-3', severity: 'ERROR', aged: true },
  { message: '000003.bac', from: 'receive', to: 'missing', issue: 'PB-2', severity: 'WARN', aged: true },
  { message: '000004.bac', from: 'receive', to: 'waiting', severity: 'WARN', aged: true },
  { message: '000005.bac', from: 'receive', to: 'offline', severity: 'WARN', aged: true },
  { message: '000006.bac', from: 'receive', to: 'outdated', severity: 'WARN', aged: true },
  { message: '000007.bac', from: 'receive', to: 'error', issue: 'PB-1', severity: 'ERROR', aged: true },
  { message: 'stray.txt', from: 'receive', to: 'invalid', severity: 'ERROR', aged: true },
  { message: '000010.bac', from: 'error', to: 'receive', issue: 'PB-1', severity: 'INFO', aged: true },
  { message: '000011.bac', from: 'missing', to: 'processed', issue: 'PB-2', severity: 'INFO', aged: true },
  { message: '000012.bac', from: 'waiting', to: 'receive', severity: 'INFO', aged: true },
  { message: '000013.bac', from: 'offline', to: 'processed', severity: 'INFO', aged: true },
  { message: '000030.bac', from: 'none', to: 'receive', severity: 'INFO', aged: false },
  { message: '000031.bac', from: 'none', to: 'send', severity: 'INFO', aged: false },
  { message: '000020.bac', from: 'send', to: 'none', severity: 'INFO', aged: true },
  { message: '000021.bac', from: 'send', to: 'sendfailed', severity: 'ERROR', aged: true },
  { message: '000023.bac', from: 'sendfailed', to: 'send', severity: 'INFO', aged: true },
  { message: '000024.bac', from: 'sendfailed', to: 'none', severity: 'INFO', aged: true },
];

function scenario(layoutName: LayoutName, mode: 'native' | 'poll'): void {
  describe(`${layoutName} layout, ${mode} mode`, () => {
    const home = tempDir();
    const root = path.join(home, 'backbone-issue-sync');
    const storage = path.join(home, 'agent-state');
    const layout = LAYOUTS[layoutName];
    const project = path.join(root, 'INT-16', 'AP-29');
    const at = (state: KnownState, ...rest: string[]) => path.join(project, layout[state], ...rest);
    const otlp = new OtlpReceiver();
    let agent: RunningAgent;
    let receiver: EventsReceiver;
    let logs: ReceivedLog[] = [];
    let snapshotAfterMoves: string[] = [];

    const file = (full: string) => {
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, 'message');
      const mtime = (Date.now() - AGE_S * 1000) / 1000;
      utimesSync(full, mtime, mtime);
    };

    before(async () => {
      for (const state of Object.keys(layout) as KnownState[]) mkdirSync(at(state), { recursive: true });
      for (let i = 1; i <= 8; i++) file(at('receive', `00000${i}.bac`));
      file(at('receive', 'stray.txt'));
      file(at('error', 'PB-1', '000010.bac'));
      file(at('missing', 'PB-2', '000011.bac'));
      file(at('waiting', '000012.bac'));
      file(at('offline', '000013.bac'));
      for (const n of [20, 21, 22]) file(at('send', `0000${n}.bac`));
      for (const n of [23, 24]) file(at('sendfailed', `0000${n}.bac`));
      for (let i = 100; i < 105; i++) file(at('processed', `000${i}.bac`));
      // The partner project of the same integration, untouched.
      mkdirSync(path.join(root, 'INT-16', 'BP-30', layout.receive), { recursive: true });
      file(path.join(root, 'INT-16', 'BP-30', layout.receive, '000001.bac'));

      await otlp.start();
      agent = await startAgent(`
receivers:
  backbone_events:
    root: ${root}
    watch_method: ${mode}
    poll_interval: 100ms
    reconcile_interval: 1h
    grace_period: 300ms
    storage: ${storage}
exporters:
  otlphttp:
    endpoint: ${otlp.url}
    encoding: json
service:
  pipelines:
    metrics:
      receivers: [backbone_events]
      exporters: [otlphttp]
    logs:
      receivers: [backbone_events]
      exporters: [otlphttp]
`);
      receiver = agent.service.receiver('backbone_events') as EventsReceiver;
      assert.equal(receiver.mode, mode);

      const ops: MoveOp[] = [
        { op: 'rename', from: at('receive', '000001.bac'), to: at('processed', '000001.bac') },
        { op: 'rename', from: at('receive', '000002.bac'), to: at('error', 'PB-3', '000002.bac') },
        { op: 'rename', from: at('receive', '000003.bac'), to: at('missing', 'PB-2', '000003.bac') },
        { op: 'rename', from: at('receive', '000004.bac'), to: at('waiting', '000004.bac') },
        { op: 'rename', from: at('receive', '000005.bac'), to: at('offline', '000005.bac') },
        { op: 'rename', from: at('receive', '000006.bac'), to: at('outdated', '000006.bac') },
        { op: 'rename', from: at('receive', '000007.bac'), to: at('error', 'PB-1', '000007.bac') },
        { op: 'rename', from: at('receive', 'stray.txt'), to: at('invalid', 'stray.txt') },
        { op: 'rename', from: at('error', 'PB-1', '000010.bac'), to: at('receive', '000010.bac') },
        { op: 'rename', from: at('missing', 'PB-2', '000011.bac'), to: at('processed', '000011.bac') },
        { op: 'rename', from: at('waiting', '000012.bac'), to: at('receive', '000012.bac') },
        { op: 'rename', from: at('offline', '000013.bac'), to: at('processed', '000013.bac') },
        { op: 'create', path: at('receive', '000030.bac') },
        { op: 'create', path: at('send', '000031.bac') },
        { op: 'remove', path: at('send', '000020.bac') },
        { op: 'rename', from: at('send', '000021.bac'), to: at('sendfailed', '000021.bac') },
        { op: 'rename', from: at('sendfailed', '000023.bac'), to: at('send', '000023.bac') },
        { op: 'remove', path: at('sendfailed', '000024.bac') },
        // Cleaning up processed is not a transition the watcher can see (never listed).
        { op: 'remove', path: at('processed', '000100.bac') },
      ];
      await moveInOtherProcess(ops);
      snapshotAfterMoves = treeSnapshot(root);

      await waitFor(() => receiver.reported >= EXPECTED.length, `${EXPECTED.length} transitions`);
      // Settled: one more listing, nothing being looked for, then everything exported.
      await receiver.reconcileNow();
      await waitFor(() => receiver.pending === 0, 'no pending lookups');
      await agent.service.flush();
      logs = otlp.logs.filter((r) => r.eventName === 'backbone.message.transition');
    });

    after(async () => {
      await agent?.stop();
      await otlp.stop();
    });

    test('one log record per move, with the right states, issue and severity', () => {
      assert.equal(logs.length, EXPECTED.length, logs.map((r) => r.body).join('\n'));
      for (const e of EXPECTED) {
        const records = logs.filter((r) => r.attributes['backbone.message'] === e.message);
        assert.equal(records.length, 1, `one record for ${e.message}: ${records.map((r) => r.body).join(' | ')}`);
        const r = records[0]!;
        const label = `${e.message} ${e.from}->${e.to}: ${r.body}`;
        assert.equal(r.attributes['backbone.from_state'], e.from, label);
        assert.equal(r.attributes['backbone.to_state'], e.to, label);
        assert.equal(r.attributes['backbone.integration'], 'INT-16', label);
        assert.equal(r.attributes['backbone.project'], 'AP-29', label);
        assert.equal(r.attributes['backbone.issue'], e.issue, label);
        assert.equal(r.severityText, e.severity, label);
        assert.equal(r.attributes['event.name'], 'backbone.message.transition');
        const dwell = r.attributes['backbone.dwell_time'];
        if (e.from === 'none') assert.equal(dwell, undefined, label);
        else assert.ok(typeof dwell === 'number' && dwell >= AGE_S - 1 && dwell < AGE_S + 120, `${label}: dwell ${dwell}`);
        const detectedBy = r.attributes['backbone.detected_by'];
        if (mode === 'poll') assert.equal(detectedBy, 'scan', label);
        else assert.ok(detectedBy === 'event' || detectedBy === 'scan', label);
      }
      if (mode === 'native') {
        const byEvent = logs.filter((r) => r.attributes['backbone.detected_by'] === 'event').length;
        assert.ok(byEvent >= EXPECTED.length / 2, `most moves seen by events in native mode (${byEvent})`);
      }
    });

    test('one counter increment per move; dwell time histogram where the previous state is known', () => {
      const points = otlp.latest('backbone.message.transitions');
      const total = points.reduce((sum, p) => sum + p.value, 0);
      assert.equal(total, EXPECTED.length);
      for (const p of points) {
        assert.deepEqual(Object.keys(p.attributes).sort(),
          ['backbone.from_state', 'backbone.integration', 'backbone.project', 'backbone.to_state']);
        const expected = EXPECTED.filter((e) => e.from === p.attributes['backbone.from_state'] && e.to === p.attributes['backbone.to_state']).length;
        assert.equal(p.value, expected, JSON.stringify(p.attributes));
        assert.equal(p.unit, '{message}');
      }
      const dwell = otlp.latest('backbone.message.dwell_time');
      assert.equal(dwell.reduce((sum, p) => sum + (p.count ?? 0), 0), EXPECTED.filter((e) => e.from !== 'none').length);
      for (const p of dwell) {
        assert.notEqual(p.attributes['backbone.from_state'], 'none');
        assert.equal(p.attributes['backbone.message'], undefined);
        assert.equal(p.unit, 's');
      }
    });

    test('backbone.watcher.mode says which mode is in use', () => {
      const points = otlp.latest('backbone.watcher.mode');
      assert.equal(points.find((p) => p.attributes.mode === mode)?.value, 1);
      assert.equal(points.find((p) => p.attributes.mode !== mode)?.value, 0);
    });

    test('the agent wrote nothing under the Backbone root', async () => {
      await agent.stop();
      assert.deepEqual(treeSnapshot(root), snapshotAfterMoves);
    });
  });
}

scenario('nested', 'native');
scenario('nested', 'poll');
scenario('beside', 'poll');
scenario('aliases', 'native');
