// Leadership that follows a Jira that answers (Jira Data Center): the leader polls its own
// node's Jira, so while that node restarts the API looks down although the other nodes answer.
// Every agent checks its own node's source (AvailabilityProbe, from the receivers that run on
// the leader only: the REST API) every api_check_interval and says so on the AvailabilityBoard.
// - The leader whose source failed two checks in a row, while another agent's answers, hands
//   the lease over (released at once, so that agent takes it within renew_interval / 2) and
//   stays a standby for lease_duration.
// - A standby whose source fails does not take a free or expired lease while another agent's
//   answers: that one takes it.
// - When no agent's source answers, nothing moves: the leader keeps reporting that the API is
//   down (backbone.api.up 0), which is then true of the whole cluster.
import type { AvailabilityProbe } from '../../component/component.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import type { AvailabilityBoard } from './availability-board.ts';
import type { LeaderElector } from './elector.ts';

/** Failed checks in a row before the leader hands over: one lost request does not move the lease. */
const FAILURES_BEFORE_HANDOVER = 2;

export interface ApiFollowerOptions {
  elector: LeaderElector;
  board: AvailabilityBoard;
  probes: readonly AvailabilityProbe[];
  intervalMs: number;
  log: AgentLog;
}

export class ApiFollower {
  private readonly options: ApiFollowerOptions;
  private failures = 0;
  private cause: string | undefined;
  private answering: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private checking: Promise<void> | undefined;
  private deferredSaid = false;

  constructor(options: ApiFollowerOptions) {
    this.options = options;
  }

  start(): void {
    this.running = true;
    this.options.elector.setTakeoverGate(() => this.mayTakeOver());
    this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    // Closing aborts a check in flight: a Jira that hangs must not hold up the handover at shutdown.
    for (const probe of this.options.probes) probe.close();
    await this.checking;
    await this.options.board.withdraw().catch(() => {});
  }

  /** Whether this agent may take a free or expired lease now. */
  mayTakeOver(): boolean {
    const defer = this.failures > 0 && this.answering.length > 0;
    if (defer && !this.deferredSaid) {
      this.deferredSaid = true;
      this.options.log.info(`the lease is free, but ${this.description()} on this node does not answer while it answers for ${this.answering.join(', ')}: leaving the lease to that agent`);
    }
    if (!defer) this.deferredSaid = false;
    return !defer;
  }

  private description(): string {
    return this.options.probes.map((p) => p.description).join(' and ');
  }

  private loop(): void {
    if (!this.running) return;
    this.checking = this.check().finally(() => {
      this.checking = undefined;
      if (!this.running) return;
      this.timer = setTimeout(() => this.loop(), this.options.intervalMs);
      this.timer.unref();
    });
  }

  private async check(): Promise<void> {
    const { board, elector, log, probes } = this.options;
    const causes = await Promise.all(probes.map((probe) => probe.check()));
    if (!this.running) return;
    const cause = causes.find((c) => c !== undefined);
    this.failures = cause === undefined ? 0 : this.failures + 1;
    this.cause = cause;
    try {
      await board.publish(cause === undefined);
      this.answering = await board.othersAnswering();
      log.resolved('availability', 'the lease folder takes this agent\'s API checks again');
    } catch (error) {
      // Leadership still works without it; it just does not follow the API.
      log.problem('availability', 'warn', `cannot write or read the API checks in the lease folder: ${(error as Error).message}`);
      this.answering = [];
    }
    if (!this.running || !elector.leader) return;
    if (this.failures >= FAILURES_BEFORE_HANDOVER && this.answering.length > 0) {
      const reason = `${this.description()} on this node has not answered for ${this.failures} checks (${this.cause}), while it answers for ${this.answering.join(', ')}`;
      log.warn(`handing the lease over: ${reason}`);
      await elector.resign(reason, elector.leaseDurationMs);
    }
  }
}
