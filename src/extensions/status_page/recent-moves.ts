// The latest message moves, as the page lists them: a ring of at most `capacity` moves, each
// with a sequence number so that an open page asks only for what is new (/api/moves?after=N),
// listed newest first by when they happened.
export interface Move {
  /** Increases by one per move seen; never reused while the agent runs. */
  seq: number;
  /** When the move happened (ms since the epoch), as the watcher reported it. */
  timeMs: number;
  integration: string;
  project: string;
  from: string;
  to: string;
  message: string;
  issue?: string;
  dwellSeconds?: number;
  detectedBy?: string;
  severity: string;
}

export interface MoveFilter {
  integration?: string;
  project?: string;
  /** Matches a move into or out of this state. */
  state?: string;
}

export class RecentMoves {
  readonly capacity: number;
  private readonly ring: (Move | undefined)[];
  private next = 0;
  private lastSeq = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.ring = new Array<Move | undefined>(capacity);
  }

  add(move: Omit<Move, 'seq'>): void {
    this.ring[this.next] = { ...move, seq: ++this.lastSeq };
    this.next = (this.next + 1) % this.capacity;
  }

  /** The sequence number of the newest move (0 before the first). */
  get latest(): number {
    return this.lastSeq;
  }

  /**
   * Newest first by when they happened (a move found by a listing, after a restart or on NFS,
   * is seen later than it happened); only moves seen after `after` and matching `filter`.
   */
  list(filter: MoveFilter = {}, after = 0): Move[] {
    const out: Move[] = [];
    for (let i = 1; i <= this.capacity; i++) {
      const move = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (move === undefined || move.seq <= after) break;
      if (matches(move, filter)) out.push(move);
    }
    return out.sort(newestFirst);
  }
}

/** By when they happened, newest first; moves of the same time by when they were seen, the last seen first. */
export function newestFirst(a: Move, b: Move): number {
  return b.timeMs - a.timeMs || b.seq - a.seq;
}

export function matches(move: Move, filter: MoveFilter): boolean {
  if (filter.integration && move.integration !== filter.integration) return false;
  if (filter.project && move.project !== filter.project) return false;
  if (filter.state && move.from !== filter.state && move.to !== filter.state) return false;
  return true;
}

/** The answer of /api/moves (with format=html, `html` holds the rows instead of `items`). */
export interface MovesAnswer {
  latest: number;
  items?: Move[];
  html?: string;
}
