// A key written twice in one mapping, found with a Set (yaml's uniqueKeys check compares every
// key with every other: quadratic, minutes for a large file).
import { isMap, isScalar } from 'yaml';
import { keyPath } from './env-expansion.ts';

export interface DuplicateKey {
  name: string;
  path: (string | number)[];
  /** Where the second one starts in the text. */
  offset: number;
}

/** The keys of `map` that an earlier key of the same mapping already has; `ancestry` as visit() passes it. */
export function duplicateKeysOf(map: unknown, ancestry: readonly unknown[]): DuplicateKey[] {
  if (!isMap(map)) return [];
  const found: DuplicateKey[] = [];
  const seen = new Set<string>();
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    if (seen.has(name)) found.push({ name, path: [...keyPath(ancestry, map), name], offset: pair.key.range?.[0] ?? 0 });
    seen.add(name);
  }
  return found;
}
