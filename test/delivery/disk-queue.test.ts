// The disk-backed queue: log records survive a backend outage, a `kill -9` of the agent and
// a SIGTERM, and arrive after the restart; a corrupt queue file is set aside with a warning;
// a full disk bound drops the oldest requests and counts them.
import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { queueDirectory } from '../../src/exporters/delivery/push-exporter.ts';
import { runAgentProcess } from '../helpers/agent-process.ts';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { parsePrometheusText } from '../helpers/prometheus-text.ts';
import type { RunningAgent } from '../helpers/run-agent.ts';
import { startTestAgent } from '../helpers/run-test-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const receivers: OtlpReceiver[] = [];
const agents: RunningAgent[] = [];
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  await Promise.all(receivers.map((r) => r.stop()));
});

async function receiver(): Promise<OtlpReceiver> {
  const r = await new OtlpReceiver().start();
  receivers.push(r);
  return r;
}

/** Log records held in the queue files of a folder, read from their headers. */
function itemsOnDisk(dir: string): number {
  let items = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.otlp'));
  } catch {
    return 0;
  }
  for (const name of names) {
    const header = Buffer.alloc(20);
    try {
      const fd = openSync(path.join(dir, name), 'r');
      readSync(fd, header, 0, 20, 0);
      closeSync(fd);
      items += header.readUInt32LE(8);
    } catch {
      // Removed meanwhile: sent.
    }
  }
  return items;
}

function seqCounts(r: OtlpReceiver, run: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const record of r.logs) {
    if (record.attributes['test.run'] !== run) continue;
    const seq = Number(record.attributes['test.seq']);
    counts.set(seq, (counts.get(seq) ?? 0) + 1);
  }
  return counts;
}

function agentYaml(options: {
  url: string; storage: string; count: number; run: string; prometheusPort?: number; extra?: string; perTick?: number; pauseMs?: number;
}): string {
  const metrics = options.prometheusPort === undefined ? '' : `
    metrics:
      receivers: [loadgen]
      exporters: [prometheus]`;
  return `
receivers:
  loadgen:
    count: ${options.count}
    run: ${options.run}
    per_tick: ${options.perTick ?? 100}
    pause_ms: ${options.pauseMs ?? 2}
exporters:
  otlphttp:
    endpoint: ${options.url}
    storage: ${options.storage}
    timeout: 2s
    retry_on_failure:
      initial_interval: 20ms
      max_interval: 100ms${options.extra ?? ''}
${options.prometheusPort === undefined ? '' : `  prometheus:\n    endpoint: 127.0.0.1:${options.prometheusPort}\n`}service:
  shutdown_timeout: 3s
  telemetry:
    logs:
      level: info
  pipelines:
    logs:
      receivers: [loadgen]
      exporters: [otlphttp]${metrics}
`;
}

test('kill -9 during an outage, restart, recover: every record arrives, duplicates at most one request, retries counted', async () => {
  const dir = tempDir();
  const storage = path.join(dir, 'queue');
  const queueDir = queueDirectory(storage, 'otlphttp', 'logs');
  const r = await receiver();
  r.status = 503;
  const COUNT = 3000;

  const firstConfig = path.join(dir, 'first.yaml');
  writeFileSync(firstConfig, agentYaml({ url: r.url, storage, count: COUNT, run: 'killed' }));
  const first = runAgentProcess(firstConfig);
  await waitFor(() => itemsOnDisk(queueDir) === COUNT, `all ${COUNT} records in the disk queue (stderr: ${first.stderr()})`, 20_000);
  await waitFor(() => r.attempts.length >= 3, 'the agent retrying');
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');
  assert.equal(r.logs.length, 0, 'nothing was accepted during the outage');

  // A file the crash (or anything else) damaged: set aside, the rest still sent.
  writeFileSync(path.join(queueDir, '9999999999999999.otlp'), 'not a queue file');
  const perRequest = Math.max(...r.attempts.map((a) => a.items));

  const prometheusPort = await freePort();
  const secondConfig = path.join(dir, 'second.yaml');
  writeFileSync(secondConfig, agentYaml({ url: r.url, storage, count: 0, run: 'after', prometheusPort }));
  const attemptsBefore = r.attempts.length;
  const second = runAgentProcess(secondConfig);
  try {
    await second.waitForLog(/disk queue .*: \d+ request\(s\) with 3000 item\(s\)/);
    await second.waitForLog(/9999999999999999\.otlp is unreadable .*set aside as 9999999999999999\.corrupt/);
    await waitFor(() => r.attempts.length >= attemptsBefore + 3, 'the restarted agent retrying during the outage');
    r.status = 200;
    await waitFor(() => seqCounts(r, 'killed').size === COUNT, 'every record after recovery', 20_000);
    await waitFor(() => itemsOnDisk(queueDir) === 0, 'the disk queue emptied');

    const counts = seqCounts(r, 'killed');
    for (let seq = 0; seq < COUNT; seq++) assert.ok(counts.has(seq), `record ${seq} arrived`);
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    assert.ok(duplicates <= perRequest, `${duplicates} duplicate(s), at most one request (${perRequest} records)`);
    assert.ok(readdirSync(queueDir).includes('9999999999999999.corrupt'));

    // The restarted agent's own metrics account for each of its failed attempts.
    const refusedAfterRestart = r.attempts.slice(attemptsBefore).filter((a) => a.answer === 503).reduce((sum, a) => sum + a.items, 0);
    const samples = parsePrometheusText(await (await fetch(`http://127.0.0.1:${prometheusPort}/metrics`)).text());
    const failed = samples.find((s) => s.name === 'otelcol_exporter_send_failed_log_records_total' && s.labels.error_type === '503');
    assert.equal(failed?.value, refusedAfterRestart);
    const sent = samples.find((s) => s.name === 'otelcol_exporter_sent_log_records_total' && s.labels.exporter === 'otlphttp');
    assert.equal(sent?.value, COUNT);
    assert.ok((samples.find((s) => s.name === 'otelcol_process_memory_rss_bytes')?.value ?? 0) > 0);
    assert.equal(samples.find((s) => s.name === 'otelcol_exporter_queue_size' && s.labels.data_type === 'logs')?.value, 0);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});

test('SIGTERM while the backend is down: the agent stops within shutdown_timeout and leaves the rest on disk', async () => {
  const dir = tempDir();
  const storage = path.join(dir, 'queue');
  const queueDir = queueDirectory(storage, 'otlphttp', 'logs');
  const r = await receiver();
  r.hang = true;
  const file = path.join(dir, 'agent.yaml');
  writeFileSync(file, agentYaml({ url: r.url, storage, count: 500, run: 'sigterm' }));
  const agent = runAgentProcess(file);
  await waitFor(() => itemsOnDisk(queueDir) === 500, 'records on disk', 15_000);
  await waitFor(() => r.attempts.length >= 1, 'a request in flight');
  const stopAt = Date.now();
  agent.child.kill('SIGTERM');
  const { code } = await agent.exited;
  const took = Date.now() - stopAt;
  assert.equal(code, 0, agent.stderr());
  assert.ok(took < 3000 + 1500, `stopped in ${took} ms (shutdown_timeout 3s)`);
  assert.match(agent.stderr(), /500 log records not yet sent .*stay in the disk queue/);
  assert.equal(itemsOnDisk(queueDir), 500);
  assert.equal(readdirSync(queueDir).includes('queue.lock'), false, 'the lock was released');

  r.hang = false;
  r.release();
  const again = await startTestAgent(agentYaml({ url: r.url, storage, count: 0, run: 'none' }));
  agents.push(again);
  await waitFor(() => seqCounts(r, 'sigterm').size === 500, 'the records after the restart');
});

test('a full disk bound drops the oldest requests and counts them; the newest arrive', async () => {
  const dir = tempDir();
  const storage = path.join(dir, 'queue');
  const queueDir = queueDirectory(storage, 'otlphttp', 'logs');
  const r = await receiver();
  r.status = 503;
  const agent = await startTestAgent(agentYaml({
    url: r.url, storage, count: 2000, run: 'bounded', extra: '\n    sending_queue:\n      queue_size: 500', perTick: 250, pauseMs: 210,
  }));
  agents.push(agent);
  const self = agent.service.selfTelemetry;
  await waitFor(() => self.total('otelcol_receiver_accepted_log_records') === 2000, 'all records generated');
  await agent.service.flush();
  const onDisk = itemsOnDisk(queueDir);
  assert.ok(onDisk <= 500, `${onDisk} items on disk, bound 500`);
  const dropped = self.total('otelcol_exporter_enqueue_failed_log_records');
  assert.equal(dropped + onDisk, 2000, 'every record is either on disk or counted as dropped');
  assert.ok(agent.logLines.some((line) => line.includes('the sending queue is full')), 'said');
  r.status = 200;
  await waitFor(() => seqCounts(r, 'bounded').size === onDisk, 'what was kept arrives');
  const arrived = [...seqCounts(r, 'bounded').keys()].sort((a, b) => a - b);
  assert.equal(arrived.at(-1), 1999, 'the newest record was kept');
  assert.ok(arrived[0]! >= 1000, `the oldest were dropped (first kept: ${arrived[0]}, kept: ${arrived.length})`);
});

test('a second agent on the same storage folder is refused while the first runs', async () => {
  const dir = tempDir();
  const storage = path.join(dir, 'queue');
  const r = await receiver();
  const first = await startTestAgent(agentYaml({ url: r.url, storage, count: 0, run: 'a' }));
  agents.push(first);
  const file = path.join(dir, 'second.yaml');
  writeFileSync(file, agentYaml({ url: r.url, storage, count: 0, run: 'b' }));
  const second = runAgentProcess(file);
  const { code } = await second.exited;
  assert.equal(code, 1);
  assert.match(second.stderr(), /the folder .+ is in use by another agent \(process \d+ on host .*\) for its disk queue of otlphttp in pipeline \w+: its lock file queue.lock was refreshed/);
});

test('delta metrics made during an outage survive a restart: the deltas that arrive add up to every count', async () => {
  const dir = tempDir();
  const storage = path.join(dir, 'queue');
  const r = await receiver();
  r.status = 503;
  const yaml = (count: number) => `
receivers:
  loadgen:
    count: ${count}
    per_tick: 50
    pause_ms: 20
exporters:
  otlphttp:
    endpoint: ${r.url}
    storage: ${storage}
    temporality: delta
    retry_on_failure:
      initial_interval: 20ms
      max_interval: 50ms
service:
  shutdown_timeout: 2s
  pipelines:
    metrics:
      receivers: [loadgen]
      exporters: [otlphttp]
`;
  const first = await startTestAgent(yaml(1000));
  await waitFor(() => first.logLines.some((line) => line.includes('loadgen: emitted 1000 record(s)')), 'every count made');
  await waitFor(() => r.attempts.length >= 3, 'retries');
  await first.stop();
  assert.ok(itemsOnDisk(queueDirectory(storage, 'otlphttp', 'metrics')) > 0, 'exports left on disk');
  r.status = 200;
  const second = await startTestAgent(yaml(0));
  agents.push(second);
  await waitFor(() => itemsOnDisk(queueDirectory(storage, 'otlphttp', 'metrics')) === 0, 'the disk queue sent');
  const deltas = r.points.filter((p) => p.metric === 'test.generated');
  assert.ok(deltas.every((p) => p.temporality === 1), 'delta');
  assert.equal(deltas.reduce((sum, p) => sum + p.value, 0), 1000);
});
