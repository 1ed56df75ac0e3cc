// HTTPS against the simulated API with a self-signed certificate made here: trusted with
// tls.ca_file, refused without it (with a message that says what to do), and the other TLS
// mistakes an admin makes: a certificate for another name, https:// to a plain HTTP port
// and http:// to an HTTPS port.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SimulatedBackboneApi, sampleIntegration } from '../../../src/simulator/backbone-api.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { selfSignedCertificate } from '../../helpers/tls-cert.ts';
import { events, type RestAgent, series, startRestAgent } from './harness.ts';

const dir = tempDir('backbone-rest-tls-');
const good = selfSignedCertificate(dir, 'jira-local', ['IP:127.0.0.1', 'DNS:localhost']);
const otherName = selfSignedCertificate(dir, 'jira-other', ['DNS:jira.example.com']);
const integrations = [sampleIntegration('INT-16', 'AP-29', 'BP-30')];
const https = new SimulatedBackboneApi({ contextPath: '/jira', tls: { key: good.key, cert: good.cert }, integrations });
const wrongName = new SimulatedBackboneApi({ tls: { key: otherName.key, cert: otherName.cert }, integrations });
const plain = new SimulatedBackboneApi({ integrations });

before(async () => {
  await Promise.all([https.start(), wrongName.start(), plain.start()]);
});
after(async () => {
  await Promise.all([https.stop(), wrongName.stop(), plain.stop()]);
});

function receiver(endpoint: string, tls = ''): string {
  return `
    endpoint: ${endpoint}
    auth:
      basic:
        username: \${env:JIRA_USER}
        password: \${env:JIRA_PASSWORD}
    collection_interval: 1h
${tls}`;
}

async function withAgent(yaml: string, check: (h: RestAgent) => Promise<void> | void): Promise<void> {
  const h = await startRestAgent({ receiver: yaml });
  try {
    await check(h);
  } finally {
    await h.stop();
  }
}

function apiErrors(h: RestAgent): string[] {
  return h.agent.logLines.filter((line) => / ERROR /.test(line));
}

test('a self-signed certificate is accepted with tls.ca_file', async () => {
  await withAgent(receiver(https.url, `    tls:\n      ca_file: ${good.certFile}\n`), async (h) => {
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
    assert.deepEqual(series(h.otlp, 'backbone.integration.status'), ['backbone.integration=INT-16,backbone.status=RUNNING -> 1']);
    assert.deepEqual(apiErrors(h), []);
  });
});

test('without tls.ca_file it is refused: api.up 0, one record saying to set tls.ca_file', async () => {
  await withAgent(receiver(https.url), async (h) => {
    const records = events(h.otlp, 'backbone.api.error');
    assert.equal(records.length, 1);
    assert.equal(records[0]!.attributes['error.type'], 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(records[0]!.attributes['http.response.status_code'], undefined);
    assert.match(records[0]!.body, /TLS: the certificate of 127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed.*Set tls\.ca_file to the PEM file/);
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
    assert.deepEqual(series(h.otlp, 'backbone.integration.status'), []);
    assert.equal(apiErrors(h).length, 1);
    assert.ok(https.requests.length > 0);
  });
});

test('tls.insecure_skip_verify accepts it, with a warning in the agent log', async () => {
  await withAgent(receiver(https.url, '    tls:\n      insecure_skip_verify: true\n'), async (h) => {
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 1']);
    assert.ok(h.agent.logLines.some((l) => / WARN .*tls\.insecure_skip_verify is on/.test(l)));
  });
});

test('a trusted certificate for another host name is refused, naming the mismatch', async () => {
  await withAgent(receiver(wrongName.url, `    tls:\n      ca_file: ${otherName.certFile}\n`), async (h) => {
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
    assert.equal(apiErrors(h).length, 1);
    assert.match(apiErrors(h)[0]!, /TLS: the certificate is not for the host name in endpoint \(127\.0\.0\.1\): it names DNS:jira\.example\.com\. Put a name the certificate names in endpoint/);
  });
});

test('https:// to a plain HTTP port: the handshake fails, and the message suggests http://', async () => {
  await withAgent(receiver(plain.url.replace('http:', 'https:')), async (h) => {
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
    assert.equal(apiErrors(h).length, 1);
    assert.match(apiErrors(h)[0]!, /TLS handshake with 127\.0\.0\.1:\d+ failed .*If that port serves plain HTTP, use http:\/\/ in endpoint/);
  });
});

test('http:// to an HTTPS port: no answer, api.up 0, one record', async () => {
  await withAgent(receiver(https.url.replace('https:', 'http:')), async (h) => {
    await h.step();
    assert.deepEqual(series(h.otlp, 'backbone.api.up'), [' -> 0']);
    const lines = apiErrors(h);
    assert.equal(lines.length, 1, lines.join(''));
    assert.match(lines[0]!, /http:\/\/127\.0\.0\.1:\d+\/jira\/plugins\/servlet\/backbone-issue-sync\/api\/1\/integrations: /);
  });
});
