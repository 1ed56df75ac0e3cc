// The Node.js the agent needs (package.json's `engines.node`, ">=MAJOR.MINOR[.PATCH]") and the
// one line an older Node prints instead of running. Loaded by src/cli.ts before anything else,
// so it must stay plain: no imports of the agent, nothing Node 12.20 cannot parse once compiled
// (no ?. or ??).
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines?: { node?: string } };

/** package.json's engines.node, for example ">=22.22". */
export const REQUIRED_NODE_RANGE = (manifest.engines && manifest.engines.node) || '';

function parts(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

/** Whether `found` ("20.20.2") is at least the version of a ">=X.Y[.Z]" range. */
export function satisfiesRange(found: string, range: string): boolean {
  const match = /^>=\s*v?(\d+(?:\.\d+){0,2})$/.exec(range.trim());
  if (!match) throw new Error(`package.json engines.node must read ">=MAJOR.MINOR", found "${range}"`);
  const need = parts(match[1]!);
  const have = parts(found.replace(/^v/, ''));
  for (let i = 0; i < need.length; i++) {
    const a = have[i] || 0;
    const b = need[i] || 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** The one line to print when this Node is too old, or undefined when it will do. */
export function nodeRequirementProblem(found: string, executable: string, range: string = REQUIRED_NODE_RANGE): string | undefined {
  if (satisfiesRange(found, range)) return undefined;
  return `backbone-otel-agent: this is Node.js ${found} (${executable}), it needs Node.js ${range}: ` +
    'install Node.js 24 (https://nodejs.org/en/download, or the NodeSource packages for your distribution) ' +
    'and run it with that node, or use the container image';
}
