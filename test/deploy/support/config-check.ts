// Agent configurations outside src/ (examples, the Kubernetes ConfigMap, the systemd setup):
// which environment variables they read, and `backbone-otel validate` on them.
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { CLI, REPO } from './agent-child.ts';

export interface EnvReference {
  name: string;
  /** The text after :- when there is one. */
  fallback: string | undefined;
}

/** ${env:NAME} and ${env:NAME:-default} in the values of a configuration ($$ is a literal $; comments do not count). */
export function envReferences(text: string): EnvReference[] {
  const out: EnvReference[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
    else if (typeof value === 'string') {
      for (const match of value.matchAll(/\$\$|\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g)) {
        if (match[0] !== '$$') out.push({ name: match[1]!, fallback: match[2] });
      }
    }
  };
  walk(parse(text));
  return out;
}

/** Runs `node src/cli.ts validate --config FILE` with only PATH and the given variables set. */
export function validateWithCli(file: string, env: Record<string, string>): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [CLI, 'validate', '--config', file], {
    cwd: REPO, encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '', ...env },
  });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
