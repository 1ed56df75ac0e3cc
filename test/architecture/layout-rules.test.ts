// The layout rules of docs/architecture.md are checked by dependency-cruiser in `npm test`
// (.dependency-cruiser.cjs). This test shows that they catch what they are for: a receiver
// that imports an exporter, an extension that imports an exporter's config, the pipeline
// naming an extension, a factory imported outside src/components.ts; and that the code as it
// is passes them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
// Run by the Node.js the tests run on (the bin's shebang would take the first node on the PATH).
const CRUISE = path.join(REPO, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');

function cruise(cwd: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [CRUISE, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('the code as it is keeps the layout rules', () => {
  const { status, output } = cruise(REPO);
  assert.equal(status, 0, output);
});

test('each rule catches the import it forbids', () => {
  const dir = tempDir();
  cpSync(path.join(REPO, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, noEmit: true, module: 'nodenext' } }));
  const file = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  file('src/exporters/otlphttp/config.ts', 'export const x = 1;\n');
  file('src/exporters/otlphttp/factory.ts', 'export const f = 1;\n');
  file('src/receivers/backbone_events/receiver.ts', "import { x } from '../../exporters/otlphttp/config.ts';\nexport const y = x;\n");
  file('src/extensions/status_page/config.ts', "import { x } from '../../exporters/otlphttp/config.ts';\nexport const y = x;\n");
  file('src/pipeline/service.ts', "import { z } from '../extensions/leader_election/leadership.ts';\nexport const y = z;\n");
  file('src/extensions/leader_election/leadership.ts', 'export const z = 1;\n');
  file('src/cli/commands.ts', "import { f } from '../exporters/otlphttp/factory.ts';\nexport const y = f;\n");
  file('src/components.ts', "import { f } from './exporters/otlphttp/factory.ts';\nexport const all = [f];\n");
  const { status, output } = cruise(dir);
  assert.notEqual(status, 0, output);
  for (const rule of ['receivers-do-not-import-exporters', 'extensions-do-not-import-exporters', 'lower-layers-know-interfaces', 'only-components-ts-imports-factories']) {
    assert.match(output, new RegExp(rule), `${rule} caught:\n${output}`);
  }
  assert.doesNotMatch(output, /src\/components\.ts →/, 'src/components.ts may import every factory');
});
