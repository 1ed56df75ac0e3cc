// The release tarball: the tree under a top folder named like the file, owned by root.
import path from 'node:path';
import { run } from './run.ts';

export function buildTarball(tree: string, file: string, fast: boolean): string {
  run('tar', [
    '--create', `--use-compress-program=gzip -n -${fast ? 1 : 6}`, '--file', file,
    '--owner=0', '--group=0', '--numeric-owner', '--sort=name',
    '--directory', path.dirname(tree), path.basename(tree),
  ]);
  return file;
}
