// A slow disk (every fsync 200 ms longer, through the BACKBONE_OTEL_FSYNC_DELAY_MS seam of
// storage/durable-file.ts) must delay only what waits for durability: while messages move and
// every journal line and queue file waits for its fsyncs, the health check answers at once,
// and every move still arrives once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaultRig } from '../helpers/fault-rig.ts';
import { freePort } from '../helpers/free-port.ts';

test('each fsync taking 200 ms: the health check answers within 100 ms while moves are written, and every move arrives once', async (t) => {
  const port = await freePort();
  const r = await new FaultRig({ messages: 200 }).setup();
  t.after(() => r.close());
  r.writeConfig();
  // The rig's configuration, with a health check.
  const { readFileSync, writeFileSync } = await import('node:fs');
  const text = readFileSync(r.configFile, 'utf8')
    .replace('exporters:\n  otlphttp:', `extensions:\n  health_check:\n    endpoint: 127.0.0.1:${port}\nexporters:\n  otlphttp:`)
    .replace('service:\n', 'service:\n  extensions: [health_check]\n');
  writeFileSync(r.configFile, text);
  const agent = await r.start({ BACKBONE_OTEL_FSYNC_DELAY_MS: '200' });
  const moving = r.move(200, 5);
  const times: number[] = [];
  while (times.length < 30) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/livez`);
    await response.text();
    times.push(performance.now() - started);
  }
  await moving;
  await r.allArrived(60_000);
  await r.stop(agent);
  r.check(0);
  times.sort((a, b) => a - b);
  const p90 = times[Math.floor(times.length * 0.9)]!;
  t.diagnostic(`health check: median ${times[15]!.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms while fsyncs take 200 ms`);
  assert.ok(p90 < 100, `the health check answered within 100 ms (p90 ${p90.toFixed(1)} ms)`);
});
