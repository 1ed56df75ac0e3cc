// The leadership controller: with a leader_election extension, the receivers named in
// service.leader_election (by default those whose factory says leaderOnly: the Backbone
// receivers) run on the leader only. The
// service hands them over here instead of starting them; when this agent's term begins, a new
// instance of each is made and started, writing through a meter and a logger that let nothing
// through once the term has ended (the fencing check before reporting: a paused leader that
// wakes up reports nothing); when the term ends, they are stopped at once. The state one term
// leaves to the next (the watcher's checkpoint) lives in the lease folder, named by epoch.
//
// Every agent keeps its other receivers, its health and its own telemetry, and says whether it
// leads: the backbone.agent.leader gauge and a backbone.agent.leader_changed record, through
// the pipelines that carry the leader-only receivers.
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Logger, LogRecord, Meter } from '@opentelemetry/api';
import { isInside } from '../../backbone/paths.ts';
import type {
  AvailabilityProbe, LeaderOnlyReceiver, LeadershipContext, LeadershipRunner, Lifecycle, ReceiverHost, ReceiverLeadership,
} from '../../component/component.ts';
import { ACCEPTED } from '../../component/consumer.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { emitEvent, observableGauge } from '../../telemetry/instruments.ts';
import { ApiFollower } from './api-follower.ts';
import { AvailabilityBoard } from './availability-board.ts';
import type { LeadershipChange, Term } from './elector.ts';
import { type LeaderElection, leaderElectionOf } from './factory.ts';
import { gatedMeter } from './gated-meter.ts';
import * as telemetry from './telemetry.ts';

export type { LeaderOnlyReceiver };

interface Run {
  term: Term;
  instances: Map<string, Lifecycle>;
  stopped: boolean;
}

export class Leadership implements LeadershipRunner {
  private readonly log: AgentLog;
  private readonly ids: ReadonlySet<string>;
  /** The folders each receiver reads (factory.roots): lease_dir must not lie under one. */
  private readonly roots: ReadonlyMap<string, readonly string[]>;
  /** Makes the checks of whether this node's sources answer (factory.availability), for follow_api. */
  private readonly probes: () => AvailabilityProbe[];
  private follower: ApiFollower | undefined;
  private readonly receivers: LeaderOnlyReceiver[] = [];
  private election: LeaderElection | undefined;
  private logger: Logger | undefined;
  /** Hands backbone.agent.leader and the change records on at once. */
  private report: () => Promise<void> = async () => {};
  private run: Run | undefined;
  /** Starts of terms, one after the other. */
  private transitions: Promise<void> = Promise.resolve();
  private shutdowns: Promise<unknown> = Promise.resolve();
  private starting = false;
  private startFailure: Error | undefined;
  private stopping = false;

  /** The controller for a configuration with a leader_election extension; undefined without one. */
  /** The runner for a configuration: the receivers it runs on the leader only, their roots and their availability checks. */
  static create(context: LeadershipContext): Leadership {
    const { receivers } = context;
    const ids = context.elected ?? [...receivers].filter(([, entry]) => entry.factory.leaderOnly === true).map(([id]) => id);
    const roots = new Map([...receivers].map(([id, entry]) => [id, entry.factory.roots?.(entry.config) ?? []]));
    const elected = [...receivers].filter(([id]) => ids.includes(id));
    const probes = () => elected.flatMap(([, entry]) => (entry.factory.availability ? [entry.factory.availability(entry.config)] : []));
    return new Leadership(new Set(ids), roots, probes, context.log);
  }

  private constructor(ids: ReadonlySet<string>, roots: ReadonlyMap<string, readonly string[]>, probes: () => AvailabilityProbe[], log: AgentLog) {
    this.ids = ids;
    this.roots = roots;
    this.probes = probes;
    this.log = log;
  }

  /** True when receiver `id` runs on the leader only. */
  elects(id: string): boolean {
    return this.ids.has(id);
  }

  add(receiver: LeaderOnlyReceiver): void {
    this.receivers.push(receiver);
  }

  /** Receivers that run on the leader only. */
  get size(): number {
    return this.receivers.length;
  }

  /**
   * Finds the extension among the running ones, and where to say whether this agent leads:
   * `report` hands what the meter and logger took on to the pipelines (the service also calls
   * it every service.telemetry.metrics.interval).
   */
  bind(extensions: readonly { component: Lifecycle }[], meter: Meter, logger: Logger, report: () => Promise<void>): void {
    this.election = extensions.map(({ component }) => leaderElectionOf(component)).find((e) => e !== undefined);
    if (this.election === undefined) throw new Error('leader election: the leader_election extension is not running');
    const elector = this.election.elector;
    observableGauge(meter, telemetry.agentLeader).addCallback((observer) => observer.observe(elector.leader ? 1 : 0));
    this.logger = logger;
    this.report = report;
  }

  /** Begins campaigning; returns once this agent is a standby, or the leader with its receivers started. */
  async start(): Promise<void> {
    const election = this.election!;
    await this.checkLeaseDir(election.stateDir);
    if (this.receivers.length === 0) this.log.warn('leader election is on, but no receiver runs on the leader only (service.leader_election)');
    for (const receiver of this.receivers) receiver.status.standby();
    election.elector.onChange((change) => this.changed(change));
    this.followApi(election);
    this.starting = true;
    try {
      await election.elector.start();
      await this.transitions;
    } finally {
      this.starting = false;
    }
    // Whether this agent leads is said at once, not at the next interval.
    void this.report();
    if (this.startFailure) throw this.startFailure;
  }

  /** Stops the receivers (their last checkpoint is written while the lease still holds), then hands the lease over. */
  async stop(): Promise<void> {
    this.stopping = true;
    const run = this.run;
    this.run = undefined;
    if (run) this.stopRun(run);
    await this.follower?.stop();
    await this.transitions;
    await this.shutdowns;
    await this.election?.elector.stop();
  }

  /** With follow_api and a receiver whose source can be checked: leadership follows a source that answers. */
  private followApi(election: LeaderElection): void {
    if (election.apiCheckIntervalMs === undefined) return;
    const probes = this.probes();
    if (probes.length === 0) return;
    const intervalMs = election.apiCheckIntervalMs;
    // Stale after three checks missed: a dead or hung agent's last word counts for nothing.
    const board = new AvailabilityBoard(election.stateDir, election.elector.identity, 3 * intervalMs + election.elector.renewIntervalMs);
    this.follower = new ApiFollower({ elector: election.elector, board, probes, intervalMs, log: this.log });
    this.follower.start();
    this.log.info(`leadership follows ${probes.map((p) => p.description).join(' and ')}: checked every ${intervalMs} ms on this node`);
  }

  /** The running instance of a leader-only receiver (on the leader). */
  receiver(id: string): Lifecycle | undefined {
    return this.run?.instances.get(id);
  }

  private changed(change: LeadershipChange): void {
    const { term } = change;
    const names = this.receivers.map((r) => r.id).join(', ') || 'none';
    if (change.leader) {
      const run: Run = { term, instances: new Map(), stopped: false };
      this.run = run;
      const from = term.previousHolder === undefined ? 'a new lease' : `took over from ${term.previousHolder} (epoch ${term.previousEpoch})`;
      const body = `This agent is the leader now (epoch ${term.epoch}, ${from}): it starts the receivers that run on the leader only (${names}).`;
      this.say('INFO', body, true, term);
      this.transitions = this.transitions.then(() => this.startRun(run));
      return;
    }
    const run = this.run;
    if (run?.term === term) {
      this.run = undefined;
      this.stopRun(run);
    }
    const body = change.handedOver
      ? `This agent handed the lease over (epoch ${term.epoch}): ${change.reason}; its receivers that run on the leader only (${names}) stop.`
      : `This agent is no longer the leader (epoch ${term.epoch}): ${change.reason}; its receivers that run on the leader only (${names}) stop now.`;
    this.say(change.handedOver ? 'INFO' : 'WARN', body, false, term);
    if (!this.stopping) for (const receiver of this.receivers) receiver.status.standby();
  }

  private say(severity: 'INFO' | 'WARN', body: string, leader: boolean, term: Term): void {
    const fields = { leader, epoch: term.epoch, holder: this.election!.elector.identity };
    if (severity === 'WARN') this.log.warn(body, fields);
    else this.log.info(body, fields);
    if (this.logger) {
      emitEvent(this.logger, telemetry.leaderChanged, {
        severity, body,
        attributes: { [telemetry.LEADER_ATTR]: leader, [telemetry.EPOCH_ATTR]: term.epoch, [telemetry.HOLDER_ATTR]: this.election!.elector.identity },
      });
    }
    void this.report();
  }

  private async startRun(run: Run): Promise<void> {
    const election = this.election!;
    for (const receiver of this.receivers) {
      if (run.stopped) return;
      try {
        receiver.status.starting();
        const instance = receiver.create(this.termHost(receiver, run.term, election));
        run.instances.set(receiver.id, instance);
        await instance.start();
        // ok, unless it said otherwise while starting (the Backbone root is missing, say).
        if (!run.stopped) receiver.status.okIfStarting();
      } catch (error) {
        const message = `${receiver.id}: ${(error as Error).message}`;
        if (run.stopped) {
          this.log.debug(`${message} (while the term was ending)`);
          return;
        }
        receiver.status.permanentError(message);
        if (this.starting) {
          this.startFailure = new Error(message);
          return;
        }
        const holdOff = election.elector.leaseDurationMs;
        this.log.error(`${message}; giving the lease up so that another agent can take over, and trying again in ${holdOff} ms at the earliest`);
        await election.elector.resign(`${receiver.id} could not start`, holdOff);
        return;
      }
    }
  }

  /** Stops a term's receivers at once (without waiting for each other or for a start in progress). */
  private stopRun(run: Run): void {
    run.stopped = true;
    const stopping = [...run.instances.values()].map((instance) => instance.shutdown());
    this.shutdowns = Promise.allSettled([this.shutdowns, ...stopping]);
  }

  /** What one instance writes through: nothing passes once its term has ended. */
  private termHost(receiver: LeaderOnlyReceiver, term: Term, election: LeaderElection): ReceiverHost {
    const elector = election.elector;
    const holding = () => elector.holds(term.serial);
    const leadership: ReceiverLeadership = {
      stateDir: election.stateDir, epoch: term.epoch, previousEpoch: term.previousEpoch, holding, flush: receiver.flush,
    };
    let refused = 0;
    const fenced = () => {
      if (++refused === 1) this.log.info(`${receiver.id}: the term (epoch ${term.epoch}) has ended; what it still finds is not reported (the next leader reports it)`);
    };
    return {
      ...receiver.host,
      meter: gatedMeter(receiver.host.meter, holding, fenced),
      logger: gatedLogger(receiver.host.logger, holding, fenced),
      report: () => (holding() ? receiver.host.report() : Promise.resolve()),
      // Once the term has ended, what this instance still hands on is the next leader's to report (from the checkpoint): taken as done here.
      handOnLogs: () => (holding() ? receiver.host.handOnLogs() : Promise.resolve(ACCEPTED)),
      status: receiver.status.gated(holding),
      leadership,
    };
  }

  /** lease_dir (where the checkpoint goes) must not be under a Backbone root: the agent never writes there. */
  private async checkLeaseDir(leaseDir: string): Promise<void> {
    const real = async (target: string): Promise<string> => {
      let existing = path.resolve(target);
      const rest: string[] = [];
      for (;;) {
        try {
          return path.join(await realpath(existing), ...rest);
        } catch {
          const parent = path.dirname(existing);
          if (parent === existing) return path.resolve(target);
          rest.unshift(path.basename(existing));
          existing = parent;
        }
      }
    };
    const dir = await real(leaseDir);
    for (const receiver of this.receivers) {
      for (const root of this.roots.get(receiver.id) ?? []) {
        if (!isInside(dir, await real(root))) continue;
        throw new Error(`lease_dir ${leaseDir} is under the Backbone root of ${receiver.id} (${root}): the agent never writes there; choose a folder beside it in the shared home`);
      }
    }
  }
}

function gatedLogger(logger: Logger, open: () => boolean, refused: () => void): Logger {
  return {
    emit: (record: LogRecord) => {
      if (open()) logger.emit(record);
      else refused();
    },
    enabled: (options) => open() && logger.enabled(options),
  };
}
