// Names, sizes and mtimes of everything under a folder: to prove the agent changed nothing.
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export function treeSnapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, relative: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, entry.name);
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const info = lstatSync(abs);
      out.push(`${rel} ${entry.isDirectory() ? 'dir' : info.size} ${info.mtimeMs}`);
      if (entry.isDirectory()) walk(abs, rel);
    }
  };
  walk(root, '');
  return out;
}
