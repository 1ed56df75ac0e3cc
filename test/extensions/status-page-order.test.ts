// The status page's orders: moves newest first by when they happened (a listing finds some
// late, after a restart or on NFS), also as the open page adds them; states in the one order
// of src/backbone/states.ts, as the debug exporter's table has them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { STATE_ORDER } from '../../src/backbone/states.ts';
import { DEFAULT_SHAPE } from '../../src/component/consumer.ts';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { createDebugMetricsExporter } from '../../src/exporters/debug/exporter.ts';
import { Source } from '../../src/pipeline/source.ts';
import { type Move, RecentMoves } from '../../src/extensions/status_page/recent-moves.ts';
import { renderPage } from '../../src/extensions/status_page/render-page.ts';
import type { StatusDocument } from '../../src/extensions/status_page/status-document.ts';

const T = Date.parse('2026-12-07T10:00:00Z');

function move(timeMs: number, message: string): Omit<Move, 'seq'> {
  return { timeMs, integration: 'INT-1', project: 'AP-1', from: 'receive', to: 'processed', message, severity: 'INFO' };
}

test('moves are listed newest first by when they happened, not by when they were seen', () => {
  const moves = new RecentMoves(10);
  moves.add(move(T, 'seen-first.bac'));
  moves.add(move(T - 60_000, 'found-late-by-a-listing.bac'));
  moves.add(move(T + 1_000, 'newest.bac'));
  moves.add(move(T + 1_000, 'newest-seen-last.bac'));
  assert.deepEqual(moves.list().map((m) => m.message), ['newest-seen-last.bac', 'newest.bac', 'seen-first.bac', 'found-late-by-a-listing.bac']);
  // What an open page asks for: the moves seen after the first, in the same order.
  assert.deepEqual(moves.list({}, 1).map((m) => m.message), ['newest-seen-last.bac', 'newest.bac', 'found-late-by-a-listing.bac']);
});

function document(states: string[], items: Move[] = []): StatusDocument {
  return {
    generatedAt: new Date(T).toISOString(),
    agent: { name: 'backbone-otel-agent', version: '0', uptimeSeconds: 60, configFile: 'agent.yaml', role: 'single', health: { status: 'ok', healthy: true } },
    rest: { polled: false, up: undefined, lastError: undefined },
    synchronizations: [],
    projects: [{ integration: 'INT-1', project: 'AP-1', states: states.map((state) => ({ state, messages: 1, issues: undefined, oldestAgeSeconds: 5, attention: false })) }],
    scan: { durationSeconds: 0.01 },
    unknownFolders: [],
    moves: { latest: items.length, items },
    exporters: [],
    receivers: [],
    ageThresholdSeconds: 3600,
  };
}

test('the folder table and the state filter list the states in the one order of states.ts', () => {
  const scrambled = ['unknown', 'sendfailed', 'send', 'error', 'processed', 'receive', 'invalid', 'waiting'];
  const page = renderPage(document(scrambled), {});
  const table = /<table id="projects"><thead><tr>(.*?)<\/tr><\/thead>/.exec(page)![1]!;
  const columns = [...table.matchAll(/<th>([^<]+)<\/th>/g)].map((m) => m[1]).slice(1);
  const expected = STATE_ORDER.filter((s) => scrambled.includes(s));
  assert.deepEqual(columns, expected);
  const filter = /<select name="state">(.*?)<\/select>/.exec(page)![1]!;
  assert.deepEqual([...filter.matchAll(/<option>([^<]+)<\/option>/g)].map((m) => m[1]), expected);
});

test('the console (the debug exporter\'s table) has the states in the same order', async () => {
  let text = '';
  const exporter = createDebugMetricsExporter({ id: 'debug', config: { verbosity: 'basic' }, log: new AgentLog({ sink: { write() {} } }) }, { write: (t) => { text += t; } });
  const source = new Source(resourceFromAttributes({}), [DEFAULT_SHAPE], true, (error) => { throw error; });
  source.metrics.route(DEFAULT_SHAPE, (batch) => exporter.consumer.consumeMetrics(batch));
  const meter = source.meter('test');
  const messages = meter.createObservableGauge('backbone.folder.messages');
  meter.addBatchObservableCallback((result) => {
    for (const state of STATE_ORDER) result.observe(messages, 1, { 'backbone.integration': 'INT-1', 'backbone.project': 'AP-1', 'backbone.state': state });
  }, [messages]);
  await source.report();
  await source.shutdown();
  const header = /^ {2}integration\s+project\s+(.*)$/m.exec(text)![1]!.trim().split(/\s+/);
  assert.deepEqual(header, [...STATE_ORDER]);
});

test('each move row carries when it happened, so that the open page puts new rows in their place', () => {
  const items = new RecentMoves(5);
  items.add(move(T, 'a.bac'));
  const page = renderPage(document(['receive'], items.list()), {});
  assert.match(page, new RegExp(`<tr data-seq="1" data-time="${T}"`));
  assert.match(page, /insertBefore/);
});
