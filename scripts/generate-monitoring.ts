// npm run monitoring: writes the dashboards, alerts and runbooks of every backend
// (monitoring/outputs.ts) from the one definition in monitoring/. test/monitoring/ fails when
// a generated file is stale.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_FOLDERS, monitoringOutputs } from '../monitoring/outputs.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const outputs = monitoringOutputs();
// Files of a generated folder that are no longer generated (an alert renamed) go.
for (const folder of GENERATED_FOLDERS) {
  for (const name of readdirSync(path.join(REPO, folder), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name)) {
    if (!outputs.has(`${folder}/${name}`)) rmSync(path.join(REPO, folder, name));
  }
}
for (const [file, text] of outputs) {
  mkdirSync(path.dirname(path.join(REPO, file)), { recursive: true });
  writeFileSync(path.join(REPO, file), text);
}
process.stdout.write(`wrote ${outputs.size} files\n`);
