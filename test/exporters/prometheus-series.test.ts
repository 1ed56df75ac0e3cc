// The prometheus exporter serves the last point of every series it was handed, and stops
// serving a series no batch carried for metric_expiration (a project folder that was removed),
// while a series that keeps coming stays, however old its first point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DEFAULT_SHAPE } from '../../src/component/consumer.ts';
import { SeriesStore } from '../../src/exporters/prometheus/series-store.ts';
import { Source } from '../../src/pipeline/source.ts';

test('series: last value served; one no batch carried for metric_expiration is dropped; counters keep their totals', async () => {
  const store = new SeriesStore(60_000);
  let clock = 1_000_000;
  const source = new Source(resourceFromAttributes({ 'service.name': 't' }), [DEFAULT_SHAPE], false, (error) => { throw error; });
  source.metrics.route(DEFAULT_SHAPE, (batch) => store.take(batch, clock));
  const meter = source.meter('test');
  const folders = new Map([['AP-1', 3], ['AP-2', 5]]);
  meter.createObservableGauge('backbone.folder.messages').addCallback((result) => {
    for (const [project, count] of folders) result.observe(count, { 'backbone.project': project });
  });
  const moves = meter.createCounter('backbone.message.transitions');
  moves.add(2);
  await source.report();

  const served = () => {
    const snapshot = store.snapshot(clock)!;
    return Object.fromEntries(snapshot.scopeMetrics.flatMap((scope) => scope.metrics).flatMap((metric) =>
      metric.dataPoints.map((point) => [`${metric.descriptor.name}${JSON.stringify(point.attributes)}`, point.value])));
  };
  assert.deepEqual(served(), {
    'backbone.folder.messages{"backbone.project":"AP-1"}': 3,
    'backbone.folder.messages{"backbone.project":"AP-2"}': 5,
    'backbone.message.transitions{}': 2,
  });

  // AP-2 is removed; the next collections no longer carry it.
  folders.delete('AP-2');
  folders.set('AP-1', 4);
  clock += 30_000;
  await source.report();
  assert.equal(served()['backbone.folder.messages{"backbone.project":"AP-2"}'], 5, 'within metric_expiration: still served');
  clock += 31_000;
  await source.report();
  assert.deepEqual(served(), {
    'backbone.folder.messages{"backbone.project":"AP-1"}': 4,
    'backbone.message.transitions{}': 2,
  }, 'AP-2 gone after metric_expiration; AP-1 and the counter stay, refreshed by every batch');
  await source.shutdown();
});
