// Message states and the folder names that stand for them.
// The vendor's exact folder names are not known for certain, so every state is recognised
// by name through aliases, case-insensitively, and users can add their own.
export const STATES = [
  'receive', 'processed', 'error', 'missing', 'waiting', 'offline', 'invalid', 'outdated', 'send', 'sendfailed',
] as const;
export type KnownState = (typeof STATES)[number];
export type State = KnownState | 'unknown';

/**
 * Every state in one order, wherever states are listed (the status page, the debug table, the
 * doctor): the order of the spec's tree, `unknown` last.
 */
export const STATE_ORDER: readonly State[] = [...STATES, 'unknown'];

/** Orders state names by STATE_ORDER; names that are no state go last, alphabetically. */
export function compareStates(a: string, b: string): number {
  const rank = (name: string) => {
    const index = (STATE_ORDER as readonly string[]).indexOf(name);
    return index < 0 ? STATE_ORDER.length : index;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

/** States whose sub-folders are one per issue (`error/PB-1234/`): the only ones with issue folders. */
export const ISSUE_STATES: ReadonlySet<State> = new Set<State>(['error', 'missing']);

/**
 * States where files that are not messages belong: Backbone moves anything but a message
 * from `receive` (where it lands) to `invalid`, and a folder no state matches holds anything.
 */
export const OTHER_FILE_STATES: ReadonlySet<State> = new Set<State>(['receive', 'invalid', 'unknown']);

/**
 * Default folder names per state. "parent/name" matches a folder `name` directly inside a
 * folder of state `parent` (so `failed` inside `send` is `sendfailed`).
 */
export const DEFAULT_STATE_NAMES: Readonly<Record<KnownState, readonly string[]>> = {
  receive: ['receive', 'received', 'incoming', 'in', 'inbox'],
  processed: ['processed', 'done', 'applied'],
  error: ['error', 'errors'],
  missing: ['missing'],
  waiting: ['waiting', 'wait', 'pending'],
  offline: ['offline'],
  invalid: ['invalid'],
  outdated: ['outdated', 'obsolete'],
  send: ['send', 'outgoing', 'out', 'outbox'],
  sendfailed: ['sendfailed', 'send-failed', 'send_failed', 'send/failed'],
};

export interface StateMatcher {
  /** The state a folder stands for, given the state of the folder it is in. */
  match(name: string, parentState: State | undefined): { state: KnownState; alias: string } | undefined;
}

export function createStateMatcher(extra: Partial<Record<KnownState, readonly string[]>>): StateMatcher {
  const plain = new Map<string, KnownState>();
  const nested = new Map<string, KnownState>(); // "parentState/name"
  for (const state of STATES) {
    for (const alias of [...DEFAULT_STATE_NAMES[state], ...(extra[state] ?? [])]) {
      const lower = alias.toLowerCase();
      const slash = lower.indexOf('/');
      if (slash < 0) plain.set(lower, state);
      else nested.set(lower, state);
    }
  }
  return {
    match(name, parentState) {
      const lower = name.toLowerCase();
      if (parentState !== undefined) {
        const state = nested.get(`${parentState}/${lower}`);
        if (state) return { state, alias: `${parentState}/${lower}` };
      }
      const state = plain.get(lower);
      return state ? { state, alias: lower } : undefined;
    },
  };
}
