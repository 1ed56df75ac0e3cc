// Hostile input against a real agent process, in the style of test/faults: the input, then
// the agent stays responsive (its health check answers, SIGTERM stops it), says one clear
// line, and prints no stack trace. A regular expression built to backtrack, conditions
// nested thousands deep, a flood of connections that send nothing, a configuration read
// from a FIFO or stdin.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runAgentProcess } from '../helpers/agent-process.ts';
import { freePort } from '../helpers/free-port.ts';
import { OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const dir = tempDir();
const receivers: OtlpReceiver[] = [];
after(async () => { await Promise.all(receivers.map((r) => r.stop())); });

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** GET on 127.0.0.1 with a deadline: the status, or a failure saying the agent did not answer. */
async function get(port: number, pathname = '/', timeoutMs = 2_000): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${pathname}`, { signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return response.status;
}

function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

test('IsMatch with a pattern that backtracks for minutes in a JavaScript RegExp: every record passes at once, the agent answers and stops', async () => {
  const otlp = await new OtlpReceiver().start();
  receivers.push(otlp);
  const health = await freePort();
  // Each body ends in 34 x's: "(x+)+y$" fails on it after 2^34 steps when matched by backtracking.
  const config = write('regex.yaml', `receivers:
  loadgen:
    count: 200
    per_tick: 20
    body_bytes: 34
processors:
  filter:
    logs:
      log_record:
        - 'IsMatch(body, "(x+)+y$")'
exporters:
  otlphttp:
    endpoint: ${otlp.url}
extensions:
  health_check:
    endpoint: 127.0.0.1:${health}
service:
  extensions: [health_check]
  pipelines:
    logs:
      receivers: [loadgen]
      processors: [filter]
      exporters: [otlphttp]
`);
  const agent = runAgentProcess(config);
  try {
    await waitFor(() => otlp.logs.length === 200, `the 200 records (none matches)\n${agent.stderr()}`, 15_000);
    assert.equal(await get(health), 200);
  } finally {
    agent.child.kill('SIGTERM');
  }
  const exit = await Promise.race([agent.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))]);
  assert.deepEqual(exit, { code: 0, signal: null }, agent.stderr());
  assert.doesNotMatch(agent.stderr(), STACK_LINE);
});

test('conditions nested 3,000 deep and a pattern RE2 refuses: exit 2 at load, one line each, no stack trace', () => {
  const config = write('nested.yaml', `receivers:
  loadgen: {}
processors:
  filter:
    logs:
      log_record:
        - '${'('.repeat(3000)}true${')'.repeat(3000)}'
        - 'IsMatch(body, "(a)\\\\1")'
exporters:
  debug: {}
service:
  pipelines:
    logs:
      receivers: [loadgen]
      processors: [filter]
      exporters: [debug]
`);
  const preload = fileURLToPath(new URL('../helpers/register-loadgen.ts', import.meta.url));
  const result = spawnSync(process.execPath, ['--import', preload, CLI, 'run', '--config', config], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 2, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.deepEqual(lines, [
    `invalid configuration in ${config}:`,
    `  ${config}:7:112: processors.filter.logs.log_record[0]: the condition nests more than 100 levels deep (parentheses and "not"): write it flatter, or split it into several conditions`,
    `  ${config}:8:26: processors.filter.logs.log_record[1]: invalid regular expression "(a)\\\\1": invalid escape sequence: \`\\1\` (IsMatch uses RE2, as the Collector does: no backreferences or lookarounds)`,
  ]);
});

test('1,500 silent connections, eight times the limit of each server: health, status page and /metrics still answer; the agent holds a bounded number of files; said once', async () => {
  const [health, status, metrics] = [await freePort(), await freePort(), await freePort()];
  const root = path.join(dir, 'backbone');
  mkdirSync(root, { recursive: true });
  const config = write('flood.yaml', `receivers:
  backbone_folders:
    root: ${root}
    collection_interval: 1s
exporters:
  prometheus:
    endpoint: 127.0.0.1:${metrics}
extensions:
  health_check:
    endpoint: 127.0.0.1:${health}
  status_page:
    endpoint: 127.0.0.1:${status}
service:
  extensions: [health_check, status_page]
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [prometheus]
`);
  const agent = runAgentProcess(config);
  const sockets: Socket[] = [];
  try {
    await agent.waitForLog('health check on');
    assert.equal(await get(health), 200);
    const pid = agent.child.pid!;
    const before = openFiles(pid);
    // 1,500 connections that never send a byte, spread over the three ports, opened at once.
    await Promise.all(Array.from({ length: 1_500 }, (_, i) => new Promise<void>((resolve) => {
      const socket = connect([health, status, metrics][i % 3]!, '127.0.0.1');
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.once('connect', () => resolve());
      sockets.push(socket);
    })));
    const started = performance.now();
    assert.equal(await get(health, '/', 3_000), 200, 'the health check answers during the flood');
    assert.equal(await get(status, '/api/status', 3_000), 200, 'the status page answers');
    assert.equal(await get(metrics, '/metrics', 3_000), 200, '/metrics answers');
    assert.ok(performance.now() - started < 5_000);
    const during = openFiles(pid);
    assert.ok(during - before <= 3 * 64 + 20, `the agent holds ${during - before} more files during the flood (at most 64 connections per server)`);
    await agent.waitForLog(/more than 64 connections at once on 127\.0\.0\.1:\d+: the oldest idle ones are closed/);
  } finally {
    for (const socket of sockets) socket.destroy();
    agent.child.kill('SIGTERM');
  }
  const exit = await Promise.race([agent.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))]);
  assert.deepEqual(exit, { code: 0, signal: null }, agent.stderr());
  const log = agent.stderr();
  for (const port of [health, status, metrics]) {
    assert.equal(log.split('\n').filter((line) => line.includes(`connections at once on 127.0.0.1:${port}`)).length, 1, `said once for ${port}:\n${log}`);
  }
  assert.doesNotMatch(log, STACK_LINE);
});

test('--config from a FIFO and from - (stdin) is read to the end; waiting on a FIFO nobody writes to yet is said, not silent', async () => {
  const yaml = `receivers:
  backbone_folders:
    root: /var/atlassian/application-data/jira/data/backbone-issue-sync
exporters:
  debug: {}
service:
  pipelines:
    metrics:
      receivers: [backbone_folders]
      exporters: [debug]
` + `# ${'padding '.repeat(20_000)}\n`;
  // stdin, larger than a pipe's buffer, so that it arrives in several reads.
  const fromStdin = spawnSync(process.execPath, ['--', CLI, 'validate', '--config', '-'], { input: yaml, encoding: 'utf8', timeout: 30_000 });
  assert.equal(fromStdin.status, 0, fromStdin.stderr);
  assert.match(fromStdin.stdout, /^-: valid \(1 pipeline/);
  const devStdin = spawnSync(process.execPath, ['--', CLI, 'validate', '--config', '/dev/stdin'], { input: yaml, encoding: 'utf8', timeout: 30_000 });
  assert.equal(devStdin.status, 0, devStdin.stderr);

  const fifo = path.join(dir, 'config.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const validate = spawn(process.execPath, ['--', CLI, 'validate', '--config', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  validate.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
  validate.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
  const exited = new Promise<number | null>((resolve) => validate.once('exit', (code) => resolve(code)));
  const writer = spawn('sh', ['-c', `cat > '${fifo}'`], { stdio: ['pipe', 'ignore', 'ignore'] });
  writer.stdin.end(yaml);
  assert.equal(await exited, 0, err);
  assert.match(out, /config\.fifo: valid/);

  // Nobody writes to the FIFO yet: the agent says what it waits for, instead of hanging silently, and goes on when a writer comes.
  const lonely = path.join(dir, 'lonely.fifo');
  assert.equal(spawnSync('mkfifo', [lonely]).status, 0);
  const waiting = spawn(process.execPath, ['--', CLI, 'validate', '--config', lonely], { stdio: ['ignore', 'pipe', 'pipe'] });
  let waitingErr = '';
  waiting.stderr.setEncoding('utf8').on('data', (chunk: string) => { waitingErr += chunk; });
  const waitingExit = new Promise<number | null>((resolve) => waiting.once('exit', (code) => resolve(code)));
  await waitFor(() => waitingErr.includes(`waiting for the configuration on the FIFO ${lonely}: it is read until the writer closes it`), 'the waiting line', 10_000);
  const late = spawn('sh', ['-c', `cat > '${lonely}'`], { stdio: ['pipe', 'ignore', 'ignore'] });
  late.stdin.end(yaml);
  assert.equal(await waitingExit, 0, waitingErr);
  assert.equal(waitingErr.split('\n').filter((line) => line.startsWith('waiting for')).length, 1, `said once:\n${waitingErr}`);
});

test('a proxy that echoes the request headers into its error: the log and the status page show no credential, and the text is cut', async () => {
  const password = 's3cr3t-Passw0rd';
  // Answers every request 401 with what it received, as some proxies and debug endpoints do.
  const echo = createHttpServer((request, response) => {
    const headers = Object.entries(request.headers).sort(([a]) => (a === 'authorization' ? -1 : 0)).map(([name, value]) => `${name}: ${String(value)}`).join('\n');
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ errorMessages: [`request was ${request.method} with\n${headers}\n${'padding '.repeat(500)}`] }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  after(() => echo.close());
  const address = echo.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const status = await freePort();
  const config = write('echo.yaml', `receivers:
  backbone_rest:
    endpoint: http://127.0.0.1:${address.port}/jira
    collection_interval: 1s
    auth:
      basic:
        username: monitor
        password: \${env:JIRA_PASSWORD}
exporters:
  debug: {}
extensions:
  status_page:
    endpoint: 127.0.0.1:${status}
service:
  extensions: [status_page]
  pipelines:
    metrics:
      receivers: [backbone_rest]
      exporters: [debug]
`);
  const agent = runAgentProcess(config, { JIRA_PASSWORD: password });
  try {
    await agent.waitForLog('credentials rejected (401)');
    const page = await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${status}/api/status`);
      const text = await response.text();
      return text.includes('credentials rejected') ? text : undefined;
    }, 'the failure on the status page');
    const basic = Buffer.from(`monitor:${password}`).toString('base64');
    for (const [where, text] of [['log', agent.stderr()], ['status page', page]] as const) {
      assert.ok(!text.includes(basic) && !text.includes(password) && !text.includes(basic.slice(0, 12)), `${where} shows the credentials:\n${text}`);
      assert.match(text, /authorization: \[REDACTED\]/i, where);
    }
    const line = agent.stderr().split('\n').find((l) => l.includes('credentials rejected (401)'))!;
    assert.ok(line.length < 1_300, `the line is cut (${line.length} characters)`);
    assert.match(line, /Jira says: "request was GET with.{0,200}…"/);
  } finally {
    agent.child.kill('SIGTERM');
  }
  assert.deepEqual(await agent.exited, { code: 0, signal: null });
  assert.doesNotMatch(agent.stderr(), STACK_LINE);
});
