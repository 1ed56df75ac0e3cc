// Across restarts: moves made while the agent was stopped are reported once after it starts
// again (backbone.detected_by = restart), moves it had reported are not reported again, and a
// stop in the middle of work loses nothing and repeats nothing.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { type MoveOp, moveInOtherProcess } from '../../helpers/move-files.ts';
import { OtlpReceiver, type ReceivedLog } from '../../helpers/otlp-receiver.ts';
import { type RunningAgent, startAgent } from '../../helpers/run-agent.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const AGE_S = 900;

function restartScenario(mode: 'native' | 'poll'): void {
  describe(`restarts in ${mode} mode`, () => {
    const home = tempDir();
    const root = path.join(home, 'backbone-issue-sync');
    const storage = path.join(home, 'var', 'backbone-otel');
    const project = path.join(root, 'INT-16', 'AP-29');
    const at = (...parts: string[]) => path.join(project, ...parts);
    const otlp = new OtlpReceiver();
    let agent: RunningAgent | undefined;

    const yaml = `
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
    endpoint: \${env:OTLP}
    encoding: protobuf
service:
  pipelines:
    metrics:
      receivers: [backbone_events]
      exporters: [otlphttp]
    logs:
      receivers: [backbone_events]
      exporters: [otlphttp]
`;

    /** Starts the agent, lets it settle, and returns the transition records of this run. */
    const run = async (during?: { ops: MoveOp[]; stopAtOnce: boolean }): Promise<{ records: ReceivedLog[]; logLines: string[] }> => {
      otlp.clear();
      agent = await startAgent(yaml, { OTLP: otlp.url });
      const receiver = agent.service.receiver('backbone_events') as EventsReceiver;
      if (during) await moveInOtherProcess(during.ops);
      if (!during?.stopAtOnce) {
        await receiver.reconcileNow();
        await waitFor(() => receiver.pending === 0, 'no pending lookups');
        await receiver.reconcileNow();
      }
      await agent.stop();
      const logLines = agent.logLines;
      agent = undefined;
      return { records: otlp.logs.filter((r) => r.eventName === 'backbone.message.transition'), logLines };
    };

    const summary = (records: ReceivedLog[]) => records
      .map((r) => `${String(r.attributes['backbone.message'])} ${String(r.attributes['backbone.from_state'])}->${String(r.attributes['backbone.to_state'])}`)
      .sort();

    before(async () => {
      const file = (full: string) => {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, 'message');
        const mtime = (Date.now() - AGE_S * 1000) / 1000;
        utimesSync(full, mtime, mtime);
      };
      for (let i = 1; i <= 9; i++) file(at('receive', `00000${i}.bac`));
      file(at('receive', 'waiting', '000010.bac'));
      for (const n of [20, 21, 22, 23]) file(at('send', `0000${n}.bac`));
      file(at('sendfailed', '000024.bac'));
      mkdirSync(at('receive', 'processed'), { recursive: true });
      await otlp.start();
    });

    after(async () => {
      await agent?.stop();
      await otlp.stop();
    });

    test('first start: a fresh start with a warning, nothing reported for what is there', async () => {
      const { records, logLines } = await run();
      assert.deepEqual(summary(records), []);
      assert.ok(logLines.some((line) => line.includes('WARN') && line.includes('no checkpoint') && line.includes('fresh start')), logLines.join(''));
      assert.equal(readdirSync(storage).filter((name) => name.endsWith('.checkpoint.json')).length, 1);
      assert.deepEqual(readdirSync(storage).filter((name) => name.endsWith('.tmp')), [], 'no temporary file left');
    });

    test('moves made while stopped are reported once after the restart, as restart', async () => {
      await moveInOtherProcess([
        { op: 'rename', from: at('receive', '000001.bac'), to: at('receive', 'processed', '000001.bac') },
        { op: 'rename', from: at('receive', '000002.bac'), to: at('receive', 'error', 'PB-1', '000002.bac') },
        { op: 'rename', from: at('receive', 'waiting', '000010.bac'), to: at('receive', '000010.bac') },
        { op: 'remove', path: at('send', '000020.bac') },
        { op: 'rename', from: at('sendfailed', '000024.bac'), to: at('send', '000024.bac') },
        { op: 'create', path: at('receive', '000030.bac') },
      ]);
      const { records } = await run();
      assert.deepEqual(summary(records), [
        '000001.bac receive->processed',
        '000002.bac receive->error',
        '000010.bac waiting->receive',
        '000020.bac send->none',
        '000024.bac sendfailed->send',
        '000030.bac none->receive',
      ]);
      for (const record of records) {
        assert.equal(record.attributes['backbone.detected_by'], 'restart', record.body);
        assert.match(record.body, /while the agent was stopped/);
      }
      const error = records.find((r) => r.attributes['backbone.message'] === '000002.bac')!;
      assert.equal(error.attributes['backbone.issue'], 'PB-1');
      assert.equal(error.severityText, 'ERROR');
      // Dwell time counts from when the message entered its state (its mtime at the first start).
      const dwell = Number(records.find((r) => r.attributes['backbone.message'] === '000001.bac')!.attributes['backbone.dwell_time']);
      assert.ok(dwell >= AGE_S - 1 && dwell < AGE_S + 120, `dwell ${dwell}`);
    });

    test('a restart with nothing moved reports nothing', async () => {
      const { records } = await run();
      assert.deepEqual(summary(records), []);
    });

    test('moves made just before a stop are reported by this run or the next, never twice', async () => {
      const ops: MoveOp[] = [
        { op: 'rename', from: at('receive', '000003.bac'), to: at('receive', 'processed', '000003.bac') },
        { op: 'rename', from: at('receive', '000004.bac'), to: at('receive', 'error', 'PB-2', '000004.bac') },
        { op: 'rename', from: at('receive', '000005.bac'), to: at('receive', 'waiting', '000005.bac') },
        { op: 'remove', path: at('send', '000021.bac') },
        { op: 'rename', from: at('send', '000022.bac'), to: at('sendfailed', '000022.bac') },
        { op: 'create', path: at('send', '000031.bac') },
      ];
      const expected = [
        '000003.bac receive->processed',
        '000004.bac receive->error',
        '000005.bac receive->waiting',
        '000021.bac send->none',
        '000022.bac send->sendfailed',
        '000031.bac none->send',
      ];
      const stoppedAtOnce = await run({ ops, stopAtOnce: true });
      const next = await run();
      assert.deepEqual(summary([...stoppedAtOnce.records, ...next.records]), expected);
      for (const record of next.records) assert.equal(record.attributes['backbone.detected_by'], 'restart');
      // And once more: nothing left to report.
      assert.deepEqual(summary((await run()).records), []);
    });
  });
}

restartScenario('native');
restartScenario('poll');
