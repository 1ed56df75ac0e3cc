// The timing of leader election over a LeaseBackend (lease.ts): who may act when. Each agent
// is a standby or the leader of one term.
//
// - A standby looks at the lease every renew_interval / 2. When it has seen the same version
//   for lease_duration on its own monotonic clock (or the lease was released, or there is
//   none), it tries to take it: one compare-and-swap at the backend, which fails if anything
//   changed meanwhile. Clocks of different hosts are never compared.
// - The leader renews every renew_interval. Its term holds until lease_duration after the
//   start of its last successful renewal (less 1% for clock rate differences), on its own
//   monotonic clock and on its wall clock (whichever ends first: a host that was suspended
//   does not believe its lease survived the sleep). A standby can only take over after
//   seeing the renewed version, which exists only after that start, plus lease_duration:
//   the term has ended by then, renewed or not.
// - A term ends for good when it is found expired, when a renewal finds another holder, or
//   when the agent resigns or stops; the listeners stop everything that reports, and the
//   agent campaigns again as a standby. A paused leader that wakes up finds its term expired
//   before it can report anything.
import { performance } from 'node:perf_hooks';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import type { LeaseBackend, LeaseRecord } from './lease.ts';

export interface Term {
  /** Local serial number of the term on this agent. */
  readonly serial: number;
  /** The fencing token. */
  readonly epoch: number;
  /** The epoch and holder of the lease this term took over; undefined on a new lease. */
  readonly previousEpoch: number | undefined;
  readonly previousHolder: string | undefined;
  record: LeaseRecord;
  deadlineMono: number;
  deadlineWall: number;
  /** Found past its deadline: ends at once. */
  expired: boolean;
  ended: boolean;
}

export type LeadershipChange =
  | { leader: true; term: Term }
  | { leader: false; term: Term; reason: string; handedOver: boolean };

export interface ElectorOptions {
  backend: LeaseBackend;
  identity: string;
  leaseDurationMs: number;
  renewIntervalMs: number;
  log: AgentLog;
}

const mono = () => performance.now();

export class LeaderElector {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewIntervalMs: number;
  private readonly backend: LeaseBackend;
  private readonly log: AgentLog;
  /** Taken off every deadline for clock rate differences between hosts. */
  private readonly marginMs: number;
  private term: Term | undefined;
  /** The version a standby watches, and since when (monotonic ms) it has seen it unchanged. */
  private seen: { record: LeaseRecord; since: number } | undefined;
  private lastHolder: string | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private stepping = false;
  private stepAgain = false;
  private holdOffUntil = 0;
  private serials = 0;
  private readonly listeners: ((change: LeadershipChange) => void)[] = [];
  /** Asked before taking a free or expired lease: false leaves it to another agent (api-follower.ts). */
  private takeoverGate: () => boolean = () => true;

  constructor(options: ElectorOptions) {
    this.backend = options.backend;
    this.identity = options.identity;
    this.leaseDurationMs = options.leaseDurationMs;
    this.renewIntervalMs = options.renewIntervalMs;
    this.log = options.log;
    this.marginMs = Math.max(1, options.leaseDurationMs / 100);
  }

  get description(): string {
    return this.backend.description;
  }

  /** True while this agent holds the lease. */
  get leader(): boolean {
    return this.term !== undefined && this.valid(this.term);
  }

  /** The term this agent holds now, if any. */
  current(): Term | undefined {
    return this.term !== undefined && this.valid(this.term) ? this.term : undefined;
  }

  /** True while term `serial` holds: the check before anything is reported. */
  holds(serial: number): boolean {
    const term = this.term;
    return term !== undefined && term.serial === serial && this.valid(term);
  }

  /** Set by ApiFollower: whether this agent may take a free or expired lease now. */
  setTakeoverGate(gate: () => boolean): void {
    this.takeoverGate = gate;
  }

  onChange(listener: (change: LeadershipChange) => void): void {
    this.listeners.push(listener);
  }

  /** Starts campaigning; returns after the first look at the lease (and the takeover, if it was free). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.step();
  }

  /** Stops campaigning; a leader releases the lease so that a standby takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    clearTimeout(this.deadlineTimer);
    const term = this.term;
    if (term === undefined) return;
    this.end(term, 'the agent is stopping', true);
    await this.releaseQuietly(term.record);
  }

  /** Gives up the lease now (the leader could not start its receivers, say) and stays a standby for `holdOffMs`. */
  async resign(reason: string, holdOffMs: number): Promise<void> {
    const term = this.term;
    this.holdOffUntil = mono() + holdOffMs;
    if (term === undefined) return;
    this.end(term, reason, true);
    await this.releaseQuietly(term.record);
  }

  /**
   * Whether the term still holds. Once found expired it stays so, whatever a renewal in flight
   * may still say: what reporting was refused must be reported by the next term. It ends right
   * after the code that found out (a report refused, say) has run.
   */
  private valid(term: Term): boolean {
    if (term.ended || term.expired) return false;
    if (mono() < term.deadlineMono && Date.now() < term.deadlineWall) return true;
    term.expired = true;
    queueMicrotask(() => this.end(term, 'the lease was not renewed within lease_duration (the agent was paused, or the lease could not be written)', false));
    return false;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => { void this.step(); }, Math.max(0, delayMs));
    this.timer.unref();
  }

  private async step(): Promise<void> {
    if (!this.running) return;
    if (this.stepping) {
      // A renewal or a look at the lease is still under way (a slow file server): once it is
      // done, the next step follows at once.
      this.stepAgain = true;
      return;
    }
    this.stepping = true;
    this.stepAgain = false;
    try {
      if (this.term !== undefined) await this.renew(this.term);
      else await this.campaign();
    } catch (error) {
      // Never expected: every backend call is handled where it is made.
      this.log.problem('internal', 'error', `leader election: ${(error as Error).message}`);
      this.schedule(this.renewIntervalMs);
    } finally {
      this.stepping = false;
      if (this.stepAgain) this.schedule(0);
    }
  }

  private async campaign(): Promise<void> {
    const before = mono();
    if (before < this.holdOffUntil) {
      this.schedule(this.holdOffUntil - before);
      return;
    }
    let record: LeaseRecord | undefined;
    try {
      record = await this.backend.observe();
      this.log.resolved('observe', `the lease can be read again (${this.backend.description})`);
    } catch (error) {
      this.log.problem('observe', 'warn', `cannot read the lease (${this.backend.description}): ${(error as Error).message}; trying again`);
      this.schedule(this.renewIntervalMs / 2);
      return;
    }
    if (!this.running) return;
    // Taken after the read returned: the version seen existed before this moment.
    const seenAt = mono();
    if (record === undefined || record.released) {
      if (this.deferred()) return;
      await this.attempt(record);
      return;
    }
    if (this.seen?.record.version !== record.version) {
      this.seen = { record, since: seenAt };
      if (record.holder !== this.lastHolder) {
        this.lastHolder = record.holder;
        this.log.info(`the lease is held by ${record.holder} (epoch ${record.epoch}); this agent is a standby`, { holder: record.holder, epoch: record.epoch });
      }
    }
    const expiresAt = this.seen.since + this.leaseDurationMs;
    if (seenAt >= expiresAt) {
      if (this.deferred()) return;
      this.log.info(`the lease of ${record.holder} (epoch ${record.epoch}) was not renewed for ${this.leaseDurationMs} ms: taking over`);
      await this.attempt(record);
      return;
    }
    this.schedule(Math.min(this.renewIntervalMs / 2, expiresAt - seenAt));
  }

  /** True when the takeover gate leaves the lease to another agent now: looks again later. */
  private deferred(): boolean {
    if (this.takeoverGate()) return false;
    this.schedule(this.renewIntervalMs / 2);
    return true;
  }

  private async attempt(seen: LeaseRecord | undefined): Promise<void> {
    const startMono = mono();
    const startWall = Date.now();
    let won: LeaseRecord | undefined;
    try {
      won = await this.backend.acquire(seen, this.identity);
      this.log.resolved('acquire', `the lease can be written again (${this.backend.description})`);
    } catch (error) {
      this.log.problem('acquire', 'warn', `cannot take the lease (${this.backend.description}): ${(error as Error).message}; trying again`);
      this.schedule(this.renewIntervalMs / 2);
      return;
    }
    this.seen = undefined;
    if (!this.running) {
      if (won) await this.releaseQuietly(won);
      return;
    }
    if (!won) {
      // Another agent was first, or the lease changed since it was read: look again.
      this.schedule(0);
      return;
    }
    const term: Term = {
      serial: ++this.serials, epoch: won.epoch, record: won,
      previousEpoch: seen === undefined ? undefined : seen.epoch,
      previousHolder: seen === undefined ? undefined : seen.holder,
      deadlineMono: startMono + this.leaseDurationMs - this.marginMs,
      deadlineWall: startWall + this.leaseDurationMs - this.marginMs,
      expired: false, ended: false,
    };
    this.term = term;
    this.lastHolder = this.identity;
    this.armDeadline(term);
    this.schedule(this.renewIntervalMs);
    this.notify({ leader: true, term });
  }

  private async renew(term: Term): Promise<void> {
    if (!this.holds(term.serial)) return;
    const startMono = mono();
    const startWall = Date.now();
    let renewed: LeaseRecord | undefined;
    try {
      renewed = await this.backend.renew(term.record);
    } catch (error) {
      if (this.term === term) {
        const left = Math.max(0, Math.round(term.deadlineMono - mono()));
        this.log.problem('renew', 'warn', `cannot renew the lease (${this.backend.description}): ${(error as Error).message}; trying again, it holds for ${left} ms more`);
        this.schedule(this.renewIntervalMs / 2);
      }
      return;
    }
    // The answer may come after the term ended (a slow file server, a pause): then the lease
    // this renewal wrote is given up, so that a standby need not wait for it to expire.
    if (!this.holds(term.serial)) {
      if (renewed) await this.releaseQuietly(renewed);
      return;
    }
    if (!renewed) {
      this.end(term, 'another agent took the lease over', false);
      return;
    }
    this.log.resolved('renew', `the lease is renewed again (${this.backend.description})`);
    term.record = renewed;
    term.deadlineMono = Math.max(term.deadlineMono, startMono + this.leaseDurationMs - this.marginMs);
    term.deadlineWall = Math.max(term.deadlineWall, startWall + this.leaseDurationMs - this.marginMs);
    this.armDeadline(term);
    this.schedule(this.renewIntervalMs);
  }

  /** Ends the term when its deadline passes without a renewal, even while a renewal hangs. */
  private armDeadline(term: Term): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      if (this.term === term && this.valid(term)) this.armDeadline(term);
    }, Math.max(0, term.deadlineMono - mono()) + 1);
    this.deadlineTimer.unref();
  }

  private end(term: Term, reason: string, handedOver: boolean): void {
    if (term.ended) return;
    term.ended = true;
    if (this.term === term) this.term = undefined;
    clearTimeout(this.deadlineTimer);
    this.seen = undefined;
    this.notify({ leader: false, term, reason, handedOver });
    if (this.running) this.schedule(this.renewIntervalMs / 2);
  }

  private async releaseQuietly(record: LeaseRecord): Promise<void> {
    try {
      await this.backend.release(record);
    } catch (error) {
      this.log.warn(`cannot release the lease (${this.backend.description}): ${(error as Error).message}; a standby takes over when it expires`);
    }
  }

  private notify(change: LeadershipChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.log.problem('listener', 'error', `leader election: ${(error as Error).message}`);
      }
    }
  }
}
