// The HTTP client and the reading of the API's JSON, without the agent around them: DNS
// failures, an announced size above the cap, compressed answers, the bound on requests in
// flight; unknown fields and renamed wrappers tolerated, wrong types and text that is not
// UTF-8 named by their JSON path.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { ApiClient, type ApiClientOptions, type ApiRequest } from '../../../src/receivers/backbone_rest/api-client.ts';
import { problemText } from '../../../src/receivers/backbone_rest/answer-shape.ts';
import { decodeAnswer } from '../../../src/receivers/backbone_rest/answer-text.ts';
import { readIntegrationList, readStatusAnswer } from '../../../src/receivers/backbone_rest/api-model.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const LIST: ApiRequest = { template: '/integrations', pathSegments: ['integrations'], expect: 'json' };

function client(base: string, more: Partial<ApiClientOptions> = {}): ApiClient {
  return new ApiClient({
    baseUrl: new URL(`${base}/plugins/servlet/backbone-issue-sync/api/1/`),
    auth: { kind: 'basic', username: 'monitor', password: 'pw' },
    headers: {},
    userAgent: 'test',
    timeoutMs: 5000,
    maxResponseBytes: 1024 * 1024,
    maxConcurrent: 4,
    ca: undefined,
    insecureSkipVerify: false,
    ...more,
  });
}

/** A server whose answers the test decides, holding requests until released. */
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('[]');
const server = createServer((req, res) => handler(req, res));
let base = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the client', () => {
  test('a host name that does not resolve: ENOTFOUND, naming the host', async () => {
    const lookup: LookupFunction = (hostname, _options, callback) => {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
    };
    const api = client('https://jira.nowhere.example', { lookup });
    const result = await api.get(LIST);
    api.close();
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.failure.errorType, 'ENOTFOUND');
    assert.match(result.failure.message, /^GET https:\/\/jira\.nowhere\.example\/plugins\/servlet\/backbone-issue-sync\/api\/1\/integrations: DNS: the host name in endpoint cannot be resolved \(jira\.nowhere\.example\)/);
  });

  test('an announced size above max_response_size is refused before reading', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(1024 ** 3) });
      res.write('[');
    };
    const api = client(base);
    const result = await api.get(LIST);
    api.close();
    assert.ok(!result.ok && result.failure.errorType === 'response_too_large');
    assert.match(result.failure.message, /larger than max_response_size \(1 MiB\): it announced 1024 MiB; stopped reading/);
  });

  test('a gzip answer is read although none was asked for', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(gzipSync('[{"integrationKey":"INT-1"}]'));
    };
    const api = client(base);
    const result = await api.get(LIST);
    api.close();
    assert.ok(result.ok);
    assert.deepEqual(result.body, [{ integrationKey: 'INT-1' }]);
  });

  test('JSON with a wrong content type is still JSON', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('[]');
    const api = client(base);
    const result = await api.get(LIST);
    api.close();
    assert.ok(result.ok);
  });

  test('never more than max_concurrent_requests in flight', async () => {
    const held: ServerResponse[] = [];
    let open = 0;
    let most = 0;
    handler = (_req, res) => {
      open++;
      most = Math.max(most, open);
      res.on('close', () => { open--; });
      held.push(res);
    };
    const api = client(base, { maxConcurrent: 2 });
    const results = Promise.all(Array.from({ length: 6 }, () => api.get(LIST)));
    for (let answered = 0; answered < 6; answered++) {
      await waitFor(() => held.length > answered, `request ${answered + 1} to arrive`);
      assert.ok(open <= 2, `${open} requests in flight`);
      held[answered]!.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
    }
    assert.ok((await results).every((r) => r.ok));
    api.close();
    assert.equal(most, 2);
  });

  test('a kept-alive connection closed by the server as it is reused: sent once more, on a new one', async () => {
    const sockets = new Set<unknown>();
    let requests = 0;
    let cut = 0;
    handler = (req, res) => {
      requests++;
      if (sockets.has(req.socket) && cut === 0) {
        cut++;
        req.socket.destroy(); // as a server whose keep-alive timeout just ran out
        return;
      }
      sockets.add(req.socket);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
    };
    const api = client(base);
    assert.ok((await api.get(LIST)).ok);
    const again = await api.get(LIST);
    api.close();
    assert.ok(again.ok, again.ok ? '' : again.failure.message);
    assert.equal(cut, 1);
    assert.equal(requests, 3);
  });

  test('a header value HTTP does not allow is a failure naming the header, not its value', async () => {
    const api = client(base, { headers: { 'X-Proxy-Key': 'secret\u0001value' } });
    const result = await api.get(LIST);
    api.close();
    assert.ok(!result.ok);
    assert.equal(result.failure.errorType, 'ERR_INVALID_CHAR');
    assert.match(result.failure.message, /X-Proxy-Key/);
    assert.ok(!result.failure.message.includes('secret'));
  });

  test('an answer that is neither JSON nor UTF-8: its bytes are quoted as \\xNN, never as broken characters', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(Buffer.from([0x5b, 0xff, 0x5d]));
    const api = client(base);
    const result = await api.get(LIST);
    api.close();
    assert.ok(!result.ok);
    assert.equal(result.failure.errorType, 'invalid_json');
    assert.match(result.failure.message, /the answer is not valid JSON \(.*\\xff/);
    assert.ok(!/[\uD800-\uDFFF\uFFFD]/.test(result.failure.message), result.failure.message);
  });

  test('close() aborts what is in flight', async () => {
    let arrived = false;
    handler = () => { arrived = true; }; // never answers
    const api = client(base);
    const pending = api.get(LIST);
    await waitFor(() => arrived, 'the request to arrive');
    api.close();
    const result = await pending;
    assert.equal(result.ok, false);
  });
});

describe('reading the JSON', () => {
  test('unknown fields are ignored, missing stays missing, unknown status values pass through as text', () => {
    const reading = readIntegrationList([
      {
        integrationKey: 'INT-1', brandNewField: { deep: true },
        firstConnector: { connectorKey: 'AP-1', projectKey: 'AP' },
        status: {
          status: 'HANDSHAKE', somethingNew: 1,
          firstConnector: { online: true, reconnecting: false, issuesInError: 4, incomingRouteStatus: ' STARTED ', externalRouteStatus: 'NEW_VALUE' },
          secondConnector: { connectorKey: 'BP-2' },
        },
      },
      { integrationKey: 'INT-2', status: 'RUNNING' },
    ]);
    assert.deepEqual(reading.problems, []);
    assert.equal(reading.complete, true);
    const [one, two] = reading.items;
    assert.equal(one!.key, 'INT-1');
    assert.deepEqual(one!.configuredConnectorKeys, { first: 'AP-1' });
    assert.deepEqual(one!.embedded, {
      status: 'HANDSHAKE',
      connectors: {
        first: {
          key: undefined, online: true, reconnecting: false, issuesInError: 4,
          routeStatus: { incoming: 'STARTED', external: 'NEW_VALUE' }, processingStatus: {},
        },
        second: { key: 'BP-2', online: undefined, reconnecting: undefined, issuesInError: undefined, routeStatus: {}, processingStatus: {} },
      },
    });
    // A status given as text only: no connectors embedded, so /status is asked.
    assert.equal(two!.embedded, undefined);
    assert.deepEqual(two!.problems, []);
  });

  test('a wrong type is a problem naming its path; only that entry is not read', () => {
    const reading = readIntegrationList([
      { integrationKey: 'INT-1', status: { status: 'RUNNING' } },
      { integrationKey: 'INT-2', status: { firstConnector: { online: 'true', issuesInError: 2.5 } } },
      'not even an object',
    ]);
    assert.deepEqual(reading.problems.map(problemText), [
      'integrations[1].status.firstConnector.online: expected a boolean (true or false), got "true"',
      'integrations[1].status.firstConnector.issuesInError: expected a whole number ≥ 0, got 2.5',
      'integrations[2]: expected an object (a synchronization), got "not even an object"',
    ]);
    assert.deepEqual(reading.items.map((i) => [i.key, i.problems.length]), [['INT-1', 0], ['INT-2', 2]]);
    assert.equal(reading.complete, false, 'entry 2 belongs to no known synchronization');
  });

  test('a list wrapped in an object under a usual name is accepted, and its paths say where; anything else is a clear problem', () => {
    const wrapped = readIntegrationList({ values: [{ integrationKey: 'INT-1' }, { integrationKey: 7 }], total: 2 });
    assert.deepEqual(wrapped.items.map((i) => i.key), ['INT-1']);
    assert.deepEqual(wrapped.problems.map(problemText), ['values[1].integrationKey: expected a non-empty string, got 7']);
    const error = readIntegrationList({ errorMessages: ['Backbone is not licensed'], errors: {} });
    assert.deepEqual(error.problems.map(problemText), [
      '(the answer): expected a list of integrations, got an object with keys errorMessages, errors ("Backbone is not licensed")',
    ]);
    assert.deepEqual(readIntegrationList(null).problems.map(problemText), ['(the answer): expected a list of integrations, got null']);
  });

  test('a status block wrapped once more is unwrapped', () => {
    const reading = readStatusAnswer({ status: { status: 'RUNNING', firstConnector: { connectorKey: 'AP-1', online: true } } });
    assert.equal(reading.block?.status, 'RUNNING');
    assert.equal(reading.block?.connectors.first?.online, true);
    const bad = readStatusAnswer({ status: { status: 'RUNNING', firstConnector: { connectorKey: 'AP-1', online: null } } });
    assert.deepEqual(bad.problems.map(problemText), ['status.status.firstConnector.online: expected a boolean (true or false), got null']);
  });

  test('text that was not UTF-8: the field, the bytes as \\xNN, and where in the answer', () => {
    const decoded = decodeAnswer(Buffer.concat([
      Buffer.from('{"status":"RUN'), Buffer.from([0xff]), Buffer.from('NING","firstConnector":{"connectorKey":"A\u00e9'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}'),
    ]));
    assert.deepEqual(decoded.invalid, { count: 2, firstOffset: 14 });
    const reading = readStatusAnswer(JSON.parse(decoded.text), decoded.invalid);
    assert.equal(reading.block, undefined);
    assert.deepEqual(reading.problems.map(problemText), [
      'status.status: expected UTF-8 text, got "RUN\\xffNING" (2 bytes of the answer are not UTF-8, the first at offset 14)',
      'status.firstConnector.connectorKey: expected UTF-8 text, got "Aé\\xc3(" (2 bytes of the answer are not UTF-8, the first at offset 14)',
    ]);
    assert.equal(decodeAnswer(Buffer.from('["Aé€𝄞"]')).invalid, undefined, 'UTF-8 is decoded as it is');
  });
});
