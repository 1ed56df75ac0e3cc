// A "state set" gauge as in OpenMetrics: one series per value, 1 for the current value and
// 0 for every value seen earlier, so that a dashboard sees both what is and what changed.

/** Values remembered per set; beyond it the oldest earlier value is forgotten (a guard against an API that puts ever-new text in a status). */
const MAX_VALUES = 16;

export class StateSet {
  private readonly seen: string[] = [];
  private current: string | undefined;
  private known: string | undefined;

  /** The value of this poll; undefined when the API did not say (the set is then not reported). */
  set(value: string | undefined): void {
    this.current = value;
    if (value === undefined) return;
    this.known = value;
    const index = this.seen.indexOf(value);
    if (index >= 0) this.seen.splice(index, 1);
    this.seen.push(value);
    if (this.seen.length > MAX_VALUES) this.seen.shift();
  }

  /** The value of this poll, if the API said. */
  get value(): string | undefined {
    return this.current;
  }

  /** The last value the API said, in this poll or an earlier one. */
  get lastKnown(): string | undefined {
    return this.known;
  }

  /** [value, 1 | 0] for the current value and each earlier one; empty while the current value is unknown. */
  points(): [string, 0 | 1][] {
    if (this.current === undefined) return [];
    return this.seen.map((value) => [value, value === this.current ? 1 : 0]);
  }
}
