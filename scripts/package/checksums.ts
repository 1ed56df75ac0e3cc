// SHA256SUMS: `sha256sum -c SHA256SUMS` checks the downloaded files.
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import path from 'node:path';

export async function writeChecksums(files: string[], out: string): Promise<string> {
  const lines: string[] = [];
  for (const file of [...files].sort()) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    lines.push(`${hash.digest('hex')}  ${path.basename(file)}`);
  }
  writeFileSync(out, `${lines.join('\n')}\n`);
  return out;
}
