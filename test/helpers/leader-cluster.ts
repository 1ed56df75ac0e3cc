// Several agent processes beside one simulated shared home (leader election tests): their
// leadership as their own log says it, the union of their OTLP output per agent, and the
// checks that every message's reported moves form one unbroken chain from where it was to
// where it is (nothing reported twice, nothing missed).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentProcess } from './agent-process.ts';
import type { ReceivedLog } from './otlp-receiver.ts';

export interface LeadershipEvent {
  leader: boolean;
  epoch: number;
  /** From the log line's timestamp (ms since the epoch). */
  atMs: number;
}

/** Changes of leadership in the order an agent logged them. */
export function leadershipEvents(stderr: string): LeadershipEvent[] {
  const events: LeadershipEvent[] = [];
  const line = /^(\S+) (?:INFO|WARN) +This agent (is the leader now|is no longer the leader|handed the lease over) \(epoch (\d+)/gm;
  for (const match of stderr.matchAll(line)) {
    events.push({ leader: match[2] === 'is the leader now', epoch: Number(match[3]), atMs: Date.parse(match[1]!) });
  }
  return events;
}

/** The agent's current term, if its log says it leads. */
export function currentTerm(agent: AgentProcess): LeadershipEvent | undefined {
  const last = leadershipEvents(agent.stderr()).at(-1);
  return last?.leader ? last : undefined;
}

export type MessageState = 'receive' | 'processed' | 'error' | 'missing' | 'waiting' | 'offline' | 'invalid' | 'outdated' | 'send' | 'sendfailed';

/** The state of a file by its path inside a project folder, in the simulator's `nested` layout. */
function nestedState(parts: string[]): MessageState | undefined {
  if (parts[0] === 'send' && parts.length === 2) return 'send';
  if (parts[0] === 'sendfailed' && parts.length === 2) return 'sendfailed';
  if (parts[0] !== 'receive') return undefined;
  if (parts.length === 2) return 'receive';
  const sub = parts[1] as MessageState;
  return ['processed', 'error', 'missing', 'waiting', 'offline', 'invalid', 'outdated'].includes(sub) ? sub : undefined;
}

export interface TreeFile {
  /** Relative to the root, with forward slashes. */
  rel: string;
  name: string;
  state: MessageState;
}

/** Every file under a root built with the `nested` layout (INT/PROJECT/...), with its state. */
export function listTree(root: string): TreeFile[] {
  const files: TreeFile[] = [];
  const walk = (dir: string, rel: string[]) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), [...rel, entry.name]);
      else if (entry.isFile() && rel.length >= 2) {
        const state = nestedState([...rel.slice(2), entry.name]);
        if (state) files.push({ rel: [...rel, entry.name].join('/'), name: entry.name, state });
      }
    }
  };
  walk(root, []);
  return files;
}

/** The files the watcher follows with default settings (processed is looked up, never listed; other files only in receive and invalid). */
export function followedRels(files: readonly TreeFile[]): Set<string> {
  return new Set(files.filter((f) => f.state !== 'processed' && (f.name.endsWith('.bac') || f.state === 'receive' || f.state === 'invalid')).map((f) => f.rel));
}

/**
 * Paths (relative to the root) the watcher has written down: its checkpoint file, and the
 * belief changes of the journal that continues it; undefined when it cannot be read yet.
 */
export function checkpointRels(file: string): Set<string> | undefined {
  try {
    // [folder, names, since, inodes] per folder; `journal` names the generation that follows.
    const checkpoint = JSON.parse(readFileSync(file, 'utf8')) as { entries: [string, string[], number[], number[]][]; journal?: number };
    const rels = new Set(checkpoint.entries.flatMap(([folder, names]) => names.map((name) => `${folder}/${name}`)));
    let journal = '';
    try {
      journal = readFileSync(`${file}.${checkpoint.journal ?? 0}.journal`, 'utf8');
    } catch {
      // nothing written since the checkpoint
    }
    for (const line of journal.split('\n')) {
      if (line === '') continue;
      const entry = JSON.parse(line) as { b?: (['+', string, string, number, number] | ['-', string, string])[] };
      for (const op of entry.b ?? []) {
        if (op[0] === '+') rels.add(`${op[1]}/${op[2]}`);
        else rels.delete(`${op[1]}/${op[2]}`);
      }
    }
    return rels;
  } catch {
    return undefined;
  }
}

export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

export function transitionRecords(logs: readonly ReceivedLog[], agent?: string): ReceivedLog[] {
  return logs.filter((r) => r.eventName === 'backbone.message.transition' && (agent === undefined || r.resource['test.agent'] === agent));
}

/**
 * Checks every message's reported moves, in the order they arrived, against where it was at
 * the start and where it is now: each move must start where the previous one ended, and the
 * last must end where the message is. A move reported twice, or one missed, breaks the chain.
 * (Moves faster than the watcher looks show as one; `processed` is never listed, so a message
 * that vanishes from there, or arrives there unseen, is not reported.) Records with the same
 * log.record.uid are one record (the semantic convention a backend dedupes by): a leader that
 * dies or pauses after handing a move on and before noting it accepted has its successor hand
 * it on again, under the same uid. Returns what is wrong.
 */
export function brokenChains(
  records: readonly ReceivedLog[], initial: ReadonlyMap<string, MessageState>, now: ReadonlyMap<string, MessageState>,
): string[] {
  const chains = new Map<string, { from: string; to: string; agent: string }[]>();
  const uids = new Set<string>();
  for (const record of records) {
    const uid = String(record.attributes['log.record.uid']);
    if (uids.has(uid)) continue;
    uids.add(uid);
    const message = String(record.attributes['backbone.message']);
    const list = chains.get(message) ?? [];
    list.push({ from: String(record.attributes['backbone.from_state']), to: String(record.attributes['backbone.to_state']), agent: String(record.resource['test.agent']) });
    chains.set(message, list);
  }
  const problems: string[] = [];
  for (const message of new Set([...initial.keys(), ...now.keys(), ...chains.keys()])) {
    let state: string = initial.get(message) ?? 'none';
    const moves = chains.get(message) ?? [];
    const history = () => `${initial.get(message) ?? 'none'}: ${moves.map((m) => `${m.from}->${m.to} (${m.agent})`).join(', ')}; now ${now.get(message) ?? 'none'}`;
    let broken = false;
    for (const move of moves) {
      if (move.from !== state) {
        problems.push(`${message}: ${move.from}->${move.to} does not start where it was (${state}); ${history()}`);
        broken = true;
        break;
      }
      state = move.to;
    }
    if (broken) continue;
    const actual = now.get(message) ?? 'none';
    const unseen = (a: string, b: string) => (a === 'processed' && b === 'none') || (a === 'none' && b === 'processed');
    if (state !== actual && !unseen(state, actual)) problems.push(`${message}: reported moves end in ${state}, but it is in ${actual}; ${history()}`);
  }
  return problems;
}

export function statesByMessage(files: readonly TreeFile[]): Map<string, MessageState> {
  return new Map(files.filter((f) => f.name.endsWith('.bac')).map((f) => [f.name, f.state]));
}
