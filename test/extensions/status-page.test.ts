// The status page on a simulated Backbone: what it shows equals the tree and the simulated
// REST API, a move made while it is open is listed, it changes nothing, shows no secret,
// answers only what it should, and refuses to be exposed without auth.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv } from 'ajv';
import { STATUS_SCHEMA_FILE, statusPageSchema } from '../../scripts/generate-status-schema.ts';
import { registry } from '../../src/components.ts';
import { ConfigError } from '../../src/config/config-issue.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import type { StatusDocument } from '../../src/extensions/status_page/status-document.ts';
import { DEFAULT_USER } from '../../src/simulator/backbone-api.ts';
import type { BuiltTree } from '../../src/simulator/backbone-tree.ts';
import { freePort } from '../helpers/free-port.ts';
import { type RunningAgent, startAgent } from '../helpers/run-agent.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { type StatusPageSite, startStatusPageSite } from './support/status-page-site.ts';
import { treeSnapshot } from '../helpers/tree-snapshot.ts';
import { waitFor } from '../helpers/wait-for.ts';

const home = tempDir();
const root = path.join(home, 'backbone-issue-sync');
let site: StatusPageSite;
let tree: BuiltTree;
let base: string;

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    // agent: false: a fresh connection each time, never one the server is closing after its keep-alive.
    request(url, { headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    }).on('error', reject).end();
  });
}

async function status(): Promise<StatusDocument> {
  const answer = await get(`${base}/api/status`);
  assert.equal(answer.status, 200);
  return JSON.parse(answer.body) as StatusDocument;
}

before(async () => {
  site = await startStatusPageSite(home, { seed: 5, integrations: 2 }, (simulated, built) => {
    simulated.setStatus(built.integrations[1]!.key, 'STOPPED');
    simulated.setConnector(built.integrations[1]!.key, 'second', { online: false, issuesInError: 3 });
  });
  ({ tree, base } = site);
});

after(() => site?.stop());

test('/api/status: every project state equals the tree, every synchronization equals the simulated API', async () => {
  const doc = await waitFor(async () => {
    const d = await status();
    return d.projects.length > 0 && d.synchronizations.length === tree.integrations.length && d;
  }, 'folder counts and REST statuses on the status page');
  for (const folder of tree.expected) {
    const project = doc.projects.find((p) => p.integration === folder.integration && p.project === folder.project);
    const state = project?.states.find((s) => s.state === folder.state);
    assert.equal(state?.messages, folder.messages, `${folder.integration}/${folder.project} ${folder.state}`);
    if (folder.state === 'error' || folder.state === 'missing') assert.equal(state?.issues, folder.issues);
    const old = folder.state !== 'processed' && folder.oldestMessageMtimeMs !== undefined && Date.now() - folder.oldestMessageMtimeMs > 3_600_000;
    assert.equal(state?.attention, folder.messages > 0 && (folder.state === 'error' || folder.state === 'sendfailed' || old), `${folder.state} attention`);
  }
  const [running, stopped] = tree.integrations.map((i) => doc.synchronizations.find((s) => s.integration === i.key)!);
  assert.equal(running!.status, 'RUNNING');
  assert.equal(running!.healthy, true);
  assert.equal(stopped!.status, 'STOPPED');
  assert.equal(stopped!.healthy, false);
  const offline = stopped!.connectors.find((c) => c.position === 'second')!;
  assert.equal(offline.online, false);
  assert.equal(offline.issuesInError, 3);
  assert.deepEqual(offline.routes.map((r) => `${r.route}:${r.status}`), ['external:STARTED', 'incoming:STARTED', 'outgoing:STARTED']);
  assert.equal(doc.rest.up, true);
  assert.equal(doc.agent.health.status, 'ok');
  assert.deepEqual(doc.receivers.map((r) => r.id).sort(), ['backbone_events', 'backbone_folders', 'backbone_rest']);
  // Each receiver's last report is when it observed (the end of its poll, scan or listing), since the agent started.
  const generatedAt = Date.parse(doc.generatedAt);
  for (const receiver of doc.receivers) {
    const at = Date.parse(receiver.lastReport ?? '');
    assert.ok(at <= generatedAt && at >= generatedAt - doc.agent.uptimeSeconds * 1000 - 1000, `${receiver.id} last reported at ${receiver.lastReport}`);
  }
  assert.ok(doc.exporters.some((e) => e.id === 'debug' && e.pipeline === 'logs'));
});

test('a message moved while the page is open is listed, newest first, and the filter narrows the list', async () => {
  const integration = tree.integrations[0]!;
  const project = integration.projects[0]!;
  const from = tree.expected.find((f) => f.integration === integration.key && f.project === project && f.state === 'receive' && f.messages > 0);
  assert.ok(from, 'the seeded tree has messages in receive');
  const latestBefore = (await status()).moves.latest;
  const receive = path.join(root, integration.key, project, 'receive');
  const name = readdirSync(receive).find((n) => n.endsWith('.bac'));
  assert.ok(name !== undefined);
  mkdirSync(path.join(receive, 'processed'), { recursive: true });
  renameSync(path.join(receive, name), path.join(receive, 'processed', name));
  const moves = await waitFor(async () => {
    const answer = JSON.parse((await get(`${base}/api/moves?after=${latestBefore}`)).body) as { latest: number; items: { message: string; from: string; to: string; seq: number }[] };
    return answer.items.find((m) => m.message === name) ? answer : false;
  }, `the move of ${name} on /api/moves`);
  const move = moves.items.find((m) => m.message === name)!;
  assert.deepEqual([move.from, move.to], ['receive', 'processed']);
  assert.ok(move.seq > latestBefore);
  const filtered = JSON.parse((await get(`${base}/api/moves?project=${encodeURIComponent(`${project}-nomatch`)}`)).body) as { items: unknown[] };
  assert.equal(filtered.items.length, 0);
  const byState = JSON.parse((await get(`${base}/api/moves?state=processed&integration=${integration.key}`)).body) as { items: { message: string }[] };
  assert.ok(byState.items.some((m) => m.message === name));
  const page = (await get(`${base}/?integration=${integration.key}`)).body;
  assert.match(page, new RegExp(`data-seq="${move.seq}"`));
  assert.ok(page.includes(name));
});

test('the page: server-rendered, no remote assets, small, no secret, read-only', async () => {
  const treeBefore = treeSnapshot(root);
  const answer = await get(`${base}/`);
  assert.equal(answer.status, 200);
  assert.match(String(answer.headers['content-type']), /text\/html/);
  const page = answer.body;
  for (const i of tree.integrations) assert.ok(page.includes(`id="sync-${i.key}"`), `section of ${i.key}`);
  assert.doesNotMatch(page, /(src|href)="(https?:)?\/\//, 'no remote assets');
  assert.ok(Buffer.byteLength(page) < 100_000, `page of ${Buffer.byteLength(page)} bytes`);
  const password = DEFAULT_USER.password ?? assert.fail('the simulated user has a password');
  assert.ok(!page.includes(password), 'the REST password is not on the page');
  assert.ok(!(await get(`${base}/api/status`)).body.includes(password));
  const gzip = await get(`${base}/`, { 'accept-encoding': 'gzip' });
  assert.equal(gzip.headers['content-encoding'], 'gzip');
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const code = await new Promise<number>((resolve, reject) => {
      request(`${base}/`, { method, agent: false }, (response) => { response.resume(); resolve(response.statusCode ?? 0); }).on('error', reject).end();
    });
    assert.equal(code, 405, method);
  }
  assert.equal((await get(`${base}/nothing-here`)).status, 404);
  assert.deepEqual(treeSnapshot(root), treeBefore, 'serving the page changed nothing under the root');
});

test('bound anywhere but loopback without auth: a configuration error that says why; with auth it asks for credentials', async () => {
  const yaml = (extension: string) => `
receivers:
  backbone_folders: { root: ${root} }
exporters:
  debug: {}
extensions:
  status_page: ${extension}
service:
  extensions: [status_page]
  pipelines:
    metrics: { receivers: [backbone_folders], exporters: [debug] }
`;
  assert.throws(() => loadConfigText(yaml('{ endpoint: 0.0.0.0:55679 }'), 'agent.yaml', registry, {}), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /extensions\.status_page\.endpoint/);
    assert.match(error.message, /loopback address only .*unless auth\.basic is set; found 0\.0\.0\.0:55679/);
    return true;
  });
  loadConfigText(yaml('{ endpoint: "0.0.0.0:55679", auth: { basic: { username: admin, password: correct-horse } } }'), 'agent.yaml', registry, {});

  const port = await freePort();
  const guarded = await startAgent(yaml(`{ endpoint: "127.0.0.1:${port}", auth: { basic: { username: admin, password: correct-horse } } }`));
  try {
    const url = `http://127.0.0.1:${port}/api/status`;
    assert.equal((await get(url)).status, 401);
    assert.equal((await get(url, { authorization: `Basic ${Buffer.from('admin:wrong-horse').toString('base64')}` })).status, 401);
    assert.equal((await get(url, { authorization: `Basic ${Buffer.from('admin:correct-horse').toString('base64')}` })).status, 200);
  } finally {
    await guarded.stop();
  }
});

test('/api/status and /api/moves have the shape docs/status-page.schema.json documents, and that file is current', async () => {
  const committed = readFileSync(STATUS_SCHEMA_FILE, 'utf8');
  assert.equal(committed, statusPageSchema(), 'docs/status-page.schema.json is out of date: run npm run docs');
  const ajv = new Ajv({ allErrors: true, strict: false });
  const schema = JSON.parse(committed) as { definitions: Record<string, unknown> };
  ajv.addSchema(schema, 'status-page');
  const check = (type: string, value: unknown) => {
    const validate = ajv.getSchema(`status-page#/definitions/${type}`)!;
    assert.ok(validate(value), `${type}: ${JSON.stringify(validate.errors)}`);
  };
  check('StatusDocument', await status());
  check('MovesAnswer', JSON.parse((await get(`${base}/api/moves?after=0`)).body));
  check('MovesAnswer', JSON.parse((await get(`${base}/api/moves?after=0&format=html`)).body));
});
