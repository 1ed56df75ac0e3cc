// The hardened HTTP server of status_page, health_check and the prometheus exporter, with
// short limits: a connection that sends nothing, or its headers too slowly, is closed; auth
// is refused before a request body is read; one past the connection limit closes the oldest
// idle connection, so that a real request still gets through.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { type HttpServer, startHttpServer } from '../../src/component/http-server.ts';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { freePort } from '../helpers/free-port.ts';
import { waitFor } from '../helpers/wait-for.ts';

const servers: HttpServer[] = [];
const sockets: Socket[] = [];
after(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(options: { authorize?: (header: string | undefined) => boolean; maxConnections?: number } = {}) {
  const port = await freePort();
  const lines: string[] = [];
  const log = new AgentLog({ sink: { write: (line) => { lines.push(line); } } });
  let handled = 0;
  const server = await startHttpServer((_request, response) => {
    handled++;
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  }, {
    id: 'test_server', endpoint: `127.0.0.1:${port}`, log,
    authorize: options.authorize === undefined ? undefined : (request) => options.authorize!(request.headers.authorization),
    limits: { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, maxConnections: options.maxConnections ?? 64 },
  });
  servers.push(server);
  return { port, server, lines, handled: () => handled };
}

/** A raw connection: what it received, and whether the server closed it. */
async function open(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => { received += chunk; });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => received, closed };
}

test('a connection that sends nothing, or its headers a byte at a time, is closed after the headers timeout', async () => {
  const { port, server } = await serve();
  const silent = await open(port);
  const slow = await open(port);
  const drip = setInterval(() => slow.socket.write('X'), 50);
  slow.socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  const started = performance.now();
  await Promise.all([silent.closed, slow.closed]);
  clearInterval(drip);
  const took = performance.now() - started;
  assert.ok(took < 3_000, `closed after ${Math.round(took)} ms`);
  await waitFor(() => server.connections() === 0, 'no connection left');
});

test('basic auth is checked before anything else: a wrong one with a large body gets 401 and the connection closed, the body unread', async () => {
  const expected = `Basic ${Buffer.from('admin:secret').toString('base64')}`;
  const { port, handled } = await serve({ authorize: (header) => header === expected });
  const client = await open(port);
  client.socket.write(`POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic d3Jvbmc6d3Jvbmc=\r\nContent-Length: 1000000000\r\n\r\n${'x'.repeat(1000)}`);
  await client.closed;
  assert.match(client.received(), /^HTTP\/1\.1 401 Unauthorized\r\n/);
  assert.match(client.received(), /www-authenticate: Basic realm="test_server"/i);
  assert.equal(handled(), 0);
  const good = await fetch(`http://127.0.0.1:${port}/`, { headers: { authorization: expected } });
  assert.equal(good.status, 200);
  const post = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { authorization: expected }, body: 'x' });
  assert.equal(post.status, 405, 'GET and HEAD only');
});

test('past the connection limit the oldest idle connection is closed, a real request gets through, and it is said once', async () => {
  const { port, server, lines } = await serve({ maxConnections: 8 });
  await Promise.all(Array.from({ length: 40 }, () => open(port)));
  await waitFor(() => server.connections() <= 8, `at most 8 open (${server.connections()})`);
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
  assert.equal(response.status, 200);
  const said = lines.filter((line) => line.includes('more than 8 connections at once'));
  assert.equal(said.length, 1, lines.join(''));
  assert.match(said[0]!, /WARN {2}test_server: more than 8 connections at once on 127\.0\.0\.1:\d+: the oldest idle ones are closed/);
});
