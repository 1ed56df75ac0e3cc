// The agent's own storage folders (backbone_events' checkpoint, the exporters' disk queues):
// writable by this user, and with room for what may be kept there. The one write the doctor
// makes is here: a probe file, created and removed at once. Never in a folder under the
// Backbone root (root.ts reports such a folder instead).
import { constants } from 'node:fs';
import { access, open, rm, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../../receivers/backbone_events/config.ts';
import type { Identity } from '../identity.ts';
import { nearestExisting } from '../paths.ts';
import { type Check, formatBytes } from '../report.ts';
import type { StorageTarget } from '../target.ts';

/** Free space wished for a checkpoint (one line per message followed): small, but not nothing. */
const CHECKPOINT_ROOM = 64 * 1024 * 1024;

function usesOf(target: StorageTarget): string {
  return target.uses.map((u) => `${u.id} ${u.kind === 'queue' ? 'queue' : 'checkpoint'}`).join(', ');
}

async function writable(dir: string): Promise<string | undefined> {
  const probe = path.join(dir, `.backbone-otel-doctor-${process.pid}.probe`);
  try {
    const handle = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    await handle.close();
    await rm(probe, { force: true });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

export async function checkStorage(target: StorageTarget, real: string, roots: readonly string[], identity: Identity): Promise<Check> {
  const id = `storage.${target.dir}`;
  const uses = usesOf(target);
  if (roots.some((root) => isInside(real, root))) {
    return { id, status: 'fail', message: `${target.dir} (${uses}): lies under the Backbone root; not probed.`, fix: 'Choose a folder outside JIRA_HOME (see the root section).' };
  }
  let where = target.dir;
  let created = '';
  try {
    const info = await stat(target.dir);
    if (!info.isDirectory()) return { id, status: 'fail', message: `${target.dir} (${uses}): is a file, not a folder.`, fix: 'Point storage at a folder.' };
    const problem = await writable(target.dir);
    if (problem !== undefined) {
      return {
        id, status: 'fail', message: `${target.dir} (${uses}): ${identity.name} cannot write there (${problem}).`,
        fix: problem === 'EROFS'
          ? 'It lies on a read-only file system: choose a writable folder (systemd: StateDirectory=; Kubernetes: a volume).'
          : `Give ${identity.name.replace(/ \(uid \d+\)$/, '')} write access (chown), or choose a folder of its own (systemd: StateDirectory=).`,
      };
    }
  } catch {
    // Not there yet: the agent creates it, if it may create folders in the nearest one that exists.
    where = await nearestExisting(target.dir);
    try {
      await access(where, constants.W_OK | constants.X_OK);
      created = 'will be created';
    } catch (error) {
      return {
        id, status: 'fail',
        message: `${target.dir} (${uses}): does not exist, and ${identity.name} cannot create it in ${where} (${(error as NodeJS.ErrnoException).code ?? 'denied'}).`,
        fix: `Create it for the agent's user (mkdir -p ${target.dir} and chown it), or choose a folder the user may write.`,
      };
    }
  }
  const fs = await statfs(where);
  const free = fs.bavail * fs.bsize;
  const wanted = target.uses.reduce((sum, u) => sum + (u.maxBytes ?? CHECKPOINT_ROOM), 0);
  const text = `${target.dir}: ${formatBytes(free)} free, ${created === '' ? 'writable' : 'creatable'} (${uses})`;
  if (free < wanted) {
    const queues = target.uses.filter((u) => u.kind === 'queue').map((u) => u.id);
    return {
      id, status: 'warn', message: `${text}, less than the ${formatBytes(wanted)} it may need.`,
      fix: `Free space there, or choose a larger file system${queues.length > 0 ? `, or lower sending_queue.max_size of ${queues.join(' and ')}` : ''}.`,
      details: { free, wanted },
    };
  }
  return { id, status: 'ok', message: `${text}.`, details: { free, wanted, createdIn: created === '' ? undefined : where } };
}
