// The entry point leaves zod's locales other than English out (7.6 MB resident): zod then has
// English alone, and still checks and explains in English.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const HOOKS = fileURLToPath(new URL('../../src/cli/module-hooks.ts', import.meta.url));

function loadZod(withHooks: boolean): { locales: string[]; message: string } {
  const script = `
    ${withHooks ? `const { leaveOutUnusedModules } = await import(${JSON.stringify(HOOKS)}); leaveOutUnusedModules();` : ''}
    const z = await import('zod');
    const parsed = z.object({ port: z.number() }).safeParse({ port: 'x' });
    console.log(JSON.stringify({ locales: Object.keys(z.locales), message: parsed.error.issues[0].message }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { locales: string[]; message: string };
}

test('with the entry point\'s hooks zod loads English alone, and its messages stay English', () => {
  const all = loadZod(false);
  assert.ok(all.locales.length > 20, `without the hooks zod loads ${all.locales.length} locales`);
  const hooked = loadZod(true);
  assert.deepEqual(hooked.locales, ['en']);
  assert.equal(hooked.message, all.message);
  assert.match(hooked.message, /expected number/);
});
