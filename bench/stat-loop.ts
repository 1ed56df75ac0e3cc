// Baseline for the size-and-age scan: the plainest synchronous stat loop over a tree.
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

let files = 0;
let bytes = 0;
let oldest = Infinity;
const walk = (dir: string): void => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else {
      const info = lstatSync(full);
      files++;
      bytes += info.size;
      oldest = Math.min(oldest, info.mtimeMs);
    }
  }
};
walk(process.argv[2]!);
process.stdout.write(JSON.stringify({ files, bytes, oldest }) + '\n');
