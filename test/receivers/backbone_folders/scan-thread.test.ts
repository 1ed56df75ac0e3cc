// The scan worker is not kept between scans far apart (an idle worker is a V8 isolate of its
// own, about 10 MB resident): it ends once no scan asked for it for a while, and the next scan
// starts a new one with the same result.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { layoutSpec } from '../../../src/backbone/layout-config.ts';
import { foldersConfigSchema } from '../../../src/receivers/backbone_folders/config.ts';
import { ScanThread } from '../../../src/receivers/backbone_folders/scan-thread.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

test('the scan worker ends when idle, and the next scan starts a new one', async (t) => {
  const root = path.join(tempDir(), 'backbone-issue-sync');
  mkdirSync(path.join(root, 'INT-1', 'AP-1', 'receive'), { recursive: true });
  for (let i = 0; i < 3; i++) writeFileSync(path.join(root, 'INT-1', 'AP-1', 'receive', `${i}.bac`), 'm');
  const config = foldersConfigSchema.parse({ root });
  const options = { root, ...layoutSpec(config), countOnlyStates: config.count_only_states, timeoutMs: config.timeout, maxEntries: config.max_entries };
  const thread = new ScanThread({ idleMs: 100 });
  t.after(() => thread.close());

  const first = await thread.scan(options);
  assert.ok(thread.resident, 'the worker stays for the idle time after a scan');
  await waitFor(() => !thread.resident, 'the idle worker to end', 5_000);
  const second = await thread.scan(options);
  assert.deepEqual([...first.completedProjects], ['INT-1/AP-1'], 'the scan found the tree');
  assert.deepEqual([...second.folders], [...first.folders], 'a new worker scans the same');
});
