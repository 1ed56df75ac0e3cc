// The telemetry names are a public contract: the generated docs/telemetry.md (committed) must be
// current, and the declared metrics and events must be exactly the frozen public names
// (public-names.ts) with their kind and unit, as that document shows them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ATTRIBUTES } from '../../src/telemetry/attributes.ts';
import { TELEMETRY } from '../../src/components.ts';
import { renderTelemetryDocs } from '../../src/telemetry/render-docs.ts';
import { documentedMetrics, PUBLIC_EVENTS, PUBLIC_METRICS } from './public-names.ts';

const DOCS = readFileSync(new URL('../../docs/telemetry.md', import.meta.url), 'utf8');
const RENAMED = 'public names are a contract (dashboards, alerts): change test/telemetry/public-names.ts only on purpose';

test('docs/telemetry.md is generated from the declarations (run `npm run docs` if this fails)', () => {
  assert.equal(DOCS, renderTelemetryDocs(TELEMETRY));
});

test('the declared metrics are exactly the public ones, with their kind and unit', () => {
  const declared = TELEMETRY.flatMap((c) => c.metrics).map((m) => [m.name, m.kind, m.unit] as const);
  const key = (row: readonly [string, string, string]) => row.join(' ');
  assert.deepEqual(declared.map(key).sort(), PUBLIC_METRICS.map(key).sort(), RENAMED);
});

test('the declared log events are exactly the public ones', () => {
  assert.deepEqual(TELEMETRY.flatMap((c) => c.events.map((e) => e.name)).sort(), [...PUBLIC_EVENTS].sort(), RENAMED);
});

test('docs/telemetry.md, the contract in the repository, shows every public name with its kind and unit', () => {
  const rows = documentedMetrics(DOCS);
  assert.ok(rows.size >= PUBLIC_METRICS.length, 'the tables of docs/telemetry.md were read');
  for (const [name, kind, unit] of PUBLIC_METRICS) assert.deepEqual(rows.get(name), { kind, unit }, name);
  for (const event of PUBLIC_EVENTS) assert.ok(DOCS.includes(`\`${event}\``), `${event} is not in docs/telemetry.md`);
});

test('no metric carries an attribute that is meant for logs only', () => {
  const logsOnly = new Set(ATTRIBUTES.filter((a) => a.logsOnly).map((a) => a.name));
  for (const metric of TELEMETRY.flatMap((c) => c.metrics)) {
    for (const attribute of metric.attributes) assert.ok(!logsOnly.has(attribute), `${metric.name} has ${attribute}`);
  }
});

test('metric and event names are unique', () => {
  const names = TELEMETRY.flatMap((c) => [...c.metrics.map((m) => m.name), ...c.events.map((e) => e.name)]);
  assert.equal(new Set(names).size, names.length);
});
