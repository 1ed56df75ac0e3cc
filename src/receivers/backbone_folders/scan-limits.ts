// What every walk of the Backbone tree shares (the scanner, and doctor's folder map): how
// directories are read, and how a walk that runs too long or meets too many entries stops.

/** Entries per opendir read: large reads make opendir 2-3x faster on big folders than its default of 32. */
export const DIR_BUFFER = 1024;
/** How many entries pass between two looks at the clock. */
export const CHECK_EVERY = 4096;

export type StopReason = 'timeout' | 'entry_limit';

/** Thrown through a walk to end it early; the walk's caller keeps what was finished. */
export class WalkStopped extends Error {
  readonly reason: StopReason;
  constructor(reason: StopReason) {
    super(reason);
    this.reason = reason;
  }
}
