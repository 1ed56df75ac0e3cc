// How many messages a generated tree holds per state and how old they are. `spread` fills
// every state with up to maxMessagesPerState messages up to 2 hours old (tests want every state
// present). `healthy` looks like a working installation, so that what the status page marks
// means something: messages on their way are seconds to minutes old, processed/ is long and
// old (it is never a problem), and there are a few real problems: messages in error in the
// first project, one that could not be sent in the last.
import type { MessageState } from './backbone-tree.ts';

export interface StateProfile {
  /** Messages in the state folder: from, to (inclusive). */
  messages: readonly [number, number];
  /** Their age in seconds: from, to. */
  ageSeconds: readonly [number, number];
  /** Issue folders at most (error, missing). */
  maxIssues: number;
}

/** Where the project stands among all of the tree's, and the tree's maxMessagesPerState. */
export interface ProfilePlace {
  index: number;
  of: number;
  max: number;
}

export type TreeProfile = (state: MessageState, place: ProfilePlace) => StateProfile;
export type TreeProfileName = 'spread' | 'healthy';

const MINUTE = 60;
const HOUR = 3600;
const NONE: StateProfile = { messages: [0, 0], ageSeconds: [0, 0], maxIssues: 0 };

function healthy(state: MessageState, place: ProfilePlace): StateProfile {
  const first = place.index === 0;
  const last = place.index === place.of - 1;
  switch (state) {
    case 'receive': return { messages: [0, 4], ageSeconds: [5, 90], maxIssues: 0 };
    case 'processed': return { messages: [place.max, place.max * 4], ageSeconds: [MINUTE, 20 * HOUR], maxIssues: 0 };
    case 'waiting': return { messages: [0, 2], ageSeconds: [10, 3 * MINUTE], maxIssues: 0 };
    case 'send': return { messages: [0, 3], ageSeconds: [2, MINUTE], maxIssues: 0 };
    // The real problems: an issue whose messages fail to apply, a message that could not be sent.
    case 'error': return first ? { messages: [2, 3], ageSeconds: [20 * MINUTE, 40 * MINUTE], maxIssues: 1 } : NONE;
    case 'sendfailed': return last ? { messages: [1, 1], ageSeconds: [5 * MINUTE, 15 * MINUTE], maxIssues: 0 } : NONE;
    default: return NONE;
  }
}

export const TREE_PROFILES: Readonly<Record<TreeProfileName, TreeProfile>> = {
  spread: (_state, place) => ({ messages: [0, place.max], ageSeconds: [5, 2 * HOUR], maxIssues: 3 }),
  healthy,
};
