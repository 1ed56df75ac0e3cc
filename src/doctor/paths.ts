// Paths as the kernel resolves them, also for folders that do not exist yet (the agent
// creates its storage folders): the real path of the nearest folder that exists, plus the rest.
// And for a path that does not exist, where it stops existing and the folder probably meant
// (a misspelt JIRA_HOME is the usual reason).
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { suggestKey } from '../config/zod-issues.ts';

export async function resolvedPath(p: string): Promise<string> {
  const absolute = path.resolve(p);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(await realpath(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/** The nearest folder of `p` (itself included) that exists. */
export async function nearestExisting(p: string): Promise<string> {
  let current = path.resolve(p);
  for (;;) {
    try {
      await realpath(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/** Where a path that does not exist stops existing, and the folder probably meant there. */
export interface MissingPath {
  /** The nearest folder of the path that exists. */
  nearest: string;
  /** The first folder of the path that does not exist (below `nearest`). */
  firstMissing: string;
  /** A folder beside `firstMissing` whose name is close to its name (a typo), if there is one. */
  nearMiss: string | undefined;
}

export async function missingPath(p: string): Promise<MissingPath> {
  const absolute = path.resolve(p);
  const nearest = await nearestExisting(absolute);
  const name = path.relative(nearest, absolute).split(path.sep)[0] ?? '';
  let nearMiss: string | undefined;
  try {
    const folders = (await readdir(nearest, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    const close = name === '' ? undefined : suggestKey(name, folders);
    if (close !== undefined) nearMiss = path.join(nearest, close);
  } catch {
    // Not readable: no guess.
  }
  return { nearest, firstMissing: path.join(nearest, name), nearMiss };
}

/**
 * Where a path that does not exist stops existing, for a message: "nothing at /a/b (the nearest
 * folder that exists is /a); /a/bb exists (a typo?)", or "its folder /a exists" when only the
 * last name is missing.
 */
export function describeMissing(missing: MissingPath, p: string): string {
  const typo = missing.nearMiss === undefined ? '' : `; ${missing.nearMiss} exists (a typo?)`;
  if (missing.firstMissing === path.resolve(p)) return `its folder ${missing.nearest} exists${typo}`;
  return `nothing at ${missing.firstMissing} (the nearest folder that exists is ${missing.nearest})${typo}`;
}
