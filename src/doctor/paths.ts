// Paths as the kernel resolves them, also for folders that do not exist yet (the agent
// creates its storage folders): the real path of the nearest folder that exists, plus the rest.
import { realpath } from 'node:fs/promises';
import path from 'node:path';

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
