// A Backbone root that vanishes is visible where people look: the debug exporter says so
// above the folder table (whose counts are the last ones seen), with the real receiver.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DEFAULT_SHAPE } from '../../../src/component/consumer.ts';
import { AgentLog } from '../../../src/diagnostics/agent-log.ts';
import { createDebugMetricsExporter } from '../../../src/exporters/debug/exporter.ts';
import { Source } from '../../../src/pipeline/source.ts';
import { foldersConfigSchema } from '../../../src/receivers/backbone_folders/config.ts';
import { FoldersReceiver } from '../../../src/receivers/backbone_folders/receiver.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

test('debug exporter: the root moved away is said above the table of last counts, and not once it is back', async () => {
  const root = path.join(tempDir(), 'backbone-issue-sync');
  mkdirSync(path.join(root, 'INT-1', 'AP-1', 'receive'), { recursive: true });
  writeFileSync(path.join(root, 'INT-1', 'AP-1', 'receive', '1.bac'), 'm');
  let text = '';
  const log = new AgentLog({ sink: { write() {} } });
  const { consumer } = createDebugMetricsExporter({ id: 'debug', config: { verbosity: 'basic' }, log }, { write: (t) => { text += t; } });
  const source = new Source(resourceFromAttributes({}), [DEFAULT_SHAPE], false, (error) => { throw error; });
  source.metrics.route(DEFAULT_SHAPE, (batch) => consumer.consumeMetrics(batch));
  const host = {
    meter: source.meter('t'), logger: source.logger('t'), signals: new Set(['metrics'] as const),
    report: () => source.report(), handOnLogs: () => source.handOnLogs(), notKept: () => {},
  };
  const receiver = new FoldersReceiver(foldersConfigSchema.parse({ root, collection_interval: '1h' }), host, log);
  await receiver.start();
  try {
    await source.report();
    assert.doesNotMatch(text, /root MISSING/);
    assert.match(text, /INT-1\s+AP-1\s+1/);

    renameSync(root, `${root}.away`);
    text = '';
    await receiver.scanOnce();
    assert.match(text, /Backbone root MISSING \(backbone\.root\.present 0\): the folder counts below are the last ones seen\n/);
    assert.match(text, /INT-1\s+AP-1\s+1/, 'the last counts are kept');

    renameSync(`${root}.away`, root);
    text = '';
    await receiver.scanOnce();
    assert.doesNotMatch(text, /root MISSING/);
  } finally {
    await receiver.shutdown();
    await source.shutdown();
  }
});
