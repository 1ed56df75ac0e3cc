// docs/cost.md is computed from the agent's real output on a generated installation: this
// test measures again (the agent, its exporters, the simulated Backbone) and fails when the
// page says something else; run `node scripts/generate-cost-docs.ts` after a change that
// moves the numbers. It also holds the ready configurations to what they promise.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BYTES_PER_LOG_RECORD, REST_SERIES_PER_INTEGRATION } from '../../src/doctor/checks/cost.ts';
import { measureAll } from './measure.ts';
import { renderCostDocs, SIZES } from './render-cost-docs.ts';

const TARGET = new URL('../../docs/cost.md', import.meta.url);
const { installation, ready } = await measureAll();

test('docs/cost.md is current (run `node scripts/generate-cost-docs.ts` if this fails)', () => {
  assert.equal(readFileSync(TARGET, 'utf8'), renderCostDocs(installation, ready));
});

test('one log record per visible move, and every receiver metric counted', () => {
  assert.equal(installation.recordsPerMove, 1);
  const names = installation.metrics.map((m) => m.name);
  for (const name of ['backbone.folder.messages', 'backbone.message.transitions', 'backbone.message.dwell_time', 'backbone.integration.status']) {
    assert.ok(names.includes(name), name);
  }
});

test('the ready configurations cut what they say', () => {
  const total = installation.metrics.filter((m) => m.kind !== 'agent' && !m.name.startsWith('otelcol_')).reduce((sum, m) => sum + m.series, 0);
  const [statusOnly, withoutProcessed, errorsOnly] = ready;
  assert.equal(statusOnly!.recordsPerMove, 0, 'status only: no move records');
  assert.ok(statusOnly!.series > 0 && statusOnly!.series < total / 5, `status only keeps ${statusOnly!.series} of ${total} series`);
  assert.ok(withoutProcessed!.series < total && withoutProcessed!.recordsPerMove < 1);
  assert.equal(errorsOnly!.series, total, 'errors only as logs keeps every metric');
  assert.ok(errorsOnly!.recordsPerMove > 0 && errorsOnly!.recordsPerMove < withoutProcessed!.recordsPerMove);
});

test('backbone-otel doctor estimates with the numbers measured here', () => {
  assert.equal(installation.bytesPerRecord, BYTES_PER_LOG_RECORD, 'bytes per log record');
  const status = installation.metrics.filter((m) => /^backbone\.(integration|connector)\./.test(m.name)).reduce((sum, m) => sum + m.series, 0);
  assert.equal(status / installation.integrations, REST_SERIES_PER_INTEGRATION, 'status series per integration');
});

test('the page says what each backend bills at three sizes, without series that are always 0', () => {
  const page = renderCostDocs(installation, ready);
  for (const size of SIZES) assert.match(page, new RegExp(`^\\| ${size} \\(${size * 2}\\) \\| [\\d,]+ \\| [\\d,]+ \\| [\\d,]+ \\| [\\d.]+ \\|$`, 'm'));
  // Issue folders exist under error and missing only; other files where Backbone puts them (receive, invalid).
  const series = (name: string) => installation.metrics.find((m) => m.name === name)!.series;
  assert.equal(series('backbone.folder.issues'), 2 * installation.projects);
  assert.equal(series('backbone.folder.other_files'), 2 * installation.projects);
});
