import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const made = new Set<string>();

// Once everything of the test file has stopped (a receiver shut down in a file-level after()
// may still write its checkpoint after a test's own after() removed the folder): remove again.
process.once('exit', () => {
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A folder a test made unreadable and left so: nothing more to do at exit.
    }
  }
});

/** A fresh temporary folder, removed when the test (or the test file) that made it ends, and again when its process exits. */
export function tempDir(prefix = 'backbone-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.add(dir);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
