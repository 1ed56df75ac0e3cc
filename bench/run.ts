// npm run bench [-- --full]: every benchmark under bench/, one after the other.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
let failed = false;
for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort()) {
  if (only.length > 0 && !only.some((name) => file.startsWith(name))) continue;
  process.stdout.write(`\n== ${file}\n`);
  const run = spawnSync(process.execPath, [here + file, ...process.argv.slice(2).filter((a) => a.startsWith('--'))], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
