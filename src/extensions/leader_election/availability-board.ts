// Which agents of the cluster find their own node's source answering (the Jira REST API), kept
// in the shared lease folder so that leadership can follow a Jira that answers. Each agent
// rewrites one small file, <lease_dir>/availability.d/<identity>.json, at every check:
// {"answers": true, "seq": 41}. A reader counts an agent as fresh while its seq keeps
// changing, on the reader's own monotonic clock (no clocks of different hosts are compared, as
// for the lease); a file whose seq has not changed for stale_after (its agent died or hangs)
// counts for nothing. Files are written by rename (atomic) and read by name (close-to-open
// consistency on NFS); the listing only finds agents that joined.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const AVAILABILITY_FOLDER = 'availability.d';

interface Seen {
  seq: number;
  answers: boolean;
  /** When this reader saw seq change (monotonic ms); undefined until it has seen a change. */
  changedAt: number | undefined;
}

export class AvailabilityBoard {
  private readonly dir: string;
  private readonly identity: string;
  private readonly staleAfterMs: number;
  private seq = 0;
  private readonly seen = new Map<string, Seen>();

  constructor(leaseDir: string, identity: string, staleAfterMs: number) {
    this.dir = path.join(leaseDir, AVAILABILITY_FOLDER);
    this.identity = identity;
    this.staleAfterMs = staleAfterMs;
  }

  /** Says whether this agent's source answers now. */
  async publish(answers: boolean): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${this.identity}.json`);
    const temporary = path.join(this.dir, `.${this.identity}.${randomBytes(4).toString('hex')}.tmp`);
    await fs.writeFile(temporary, JSON.stringify({ answers, seq: ++this.seq }) + '\n', { mode: 0o640 });
    await fs.rename(temporary, file);
  }

  /** The other agents whose source answers, of those still checking. */
  async othersAnswering(now = performance.now()): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const answering: string[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const identity = name.slice(0, -'.json'.length);
      if (identity === this.identity) continue;
      let state: { answers?: unknown; seq?: unknown };
      try {
        state = JSON.parse(await fs.readFile(path.join(this.dir, name), 'utf8')) as typeof state;
      } catch {
        continue; // gone meanwhile, or half written by an older version: counts for nothing
      }
      if (typeof state.seq !== 'number' || typeof state.answers !== 'boolean') continue;
      const before = this.seen.get(identity);
      const changedAt = before === undefined ? undefined : before.seq !== state.seq ? now : before.changedAt;
      this.seen.set(identity, { seq: state.seq, answers: state.answers, changedAt });
      if (state.answers && changedAt !== undefined && now - changedAt <= this.staleAfterMs) answering.push(identity);
    }
    return answering.sort();
  }

  /** Removes this agent's file (it stops checking). */
  async withdraw(): Promise<void> {
    await fs.rm(path.join(this.dir, `${this.identity}.json`), { force: true });
  }
}
