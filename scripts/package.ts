// npm run package [-- --arch x64|arm64 (or amd64, aarch64)] [--format tar|deb|rpm] [--fast]: the release in
// release/ (scripts/package/release.ts says what and how). Prints each file and its size.
// A failure (a tool missing, a download that failed every try) ends it with exit 1 and what
// failed, without a stack trace: the message names the command and what it said.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Arch, ARCHES, type Format, FORMATS } from './package/layout.ts';
import { buildRelease } from './package/release.ts';

const repo = path.resolve(import.meta.dirname, '..');

function fail(error: unknown): never {
  process.stderr.write(`npm run package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

let values: { arch?: string[]; format?: string[]; fast?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      arch: { type: 'string', multiple: true },
      format: { type: 'string', multiple: true },
      fast: { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  fail(error);
}
// Docker's TARGETARCH and RPM's names too, so that a Dockerfile can pass its platform's.
const ALIASES: Record<string, string> = { amd64: 'x64', x86_64: 'x64', aarch64: 'arm64' };
const pick = <T extends string>(raw: string[] | undefined, all: readonly T[], what: string): readonly T[] => {
  const given = raw?.map((value) => ALIASES[value] ?? value);
  for (const value of given ?? []) {
    if (!all.includes(value as T)) throw new Error(`--${what} ${value}: one of ${all.join(', ')}`);
  }
  return (given as T[] | undefined) ?? all;
};

const work = mkdtempSync(path.join(tmpdir(), 'backbone-package-'));
try {
  const started = Date.now();
  const release = await buildRelease({
    repo, out: path.join(repo, 'release'), work, fast: values.fast ?? false,
    arches: pick<Arch>(values.arch, ARCHES, 'arch'), formats: pick<Format>(values.format, FORMATS, 'format'),
    log: (line) => console.log(line),
  });
  console.log(`\nrelease/ (${release.version}, Node.js ${release.nodeVersion}, ${((Date.now() - started) / 1000).toFixed(0)} s):`);
  for (const artifact of release.artifacts) {
    console.log(`  ${(artifact.bytes / 1024 / 1024).toFixed(1).padStart(6)} MiB  ${path.basename(artifact.file)}`);
  }
  console.log(`  ${path.basename(release.checksums)}`);
  rmSync(work, { recursive: true, force: true });
} catch (error) {
  rmSync(work, { recursive: true, force: true });
  fail(error);
}
