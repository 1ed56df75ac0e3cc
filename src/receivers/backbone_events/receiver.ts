// The backbone_events receiver: one log record, one counter increment and (where the time in
// the previous state is known) one histogram value per message transition, exact in both
// watch methods and across restarts. The work is done by the reconciler; this file decides
// when it runs (events, poll or reconcile timer, end of a grace period), keeps the checkpoint
// and turns transitions into telemetry.
import path from 'node:path';
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import type { Commit, Lifecycle, ReceiverHost } from '../../component/component.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { crashPoint } from '../../exporters/delivery/crash-point.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { counter, emitEvent, histogram, observableGauge } from '../../telemetry/instruments.ts';
import { layoutSpec } from '../../backbone/layout-config.ts';
import type { State } from '../../backbone/states.ts';
import {
  checkpointPath, CHECKPOINT_VERSION, loadCheckpoint, loadTermCheckpoint, type LoadResult, removeOlderTermCheckpoints, saveCheckpoint,
  termCheckpointPath,
} from './checkpoint.ts';
import { type EventsConfig, isInside } from './config.ts';
import { chooseMode, detectFsType, type FsType, type WatchMode } from './fs-type.ts';
import { NativeWatch } from './native-watch.ts';
import { Reconciler, type RoundReport } from './reconciler.ts';
import * as telemetry from './telemetry.ts';
import { describeTransition, moveUid, severityOf, type Transition } from './transition.ts';
import { TreeLayout } from './tree-walk.ts';
import { describe, errorCode, localWatcherFs, realWatcherFs, type WatcherFs } from './watcher-fs.ts';

export interface EventsReceiverOptions {
  /** The component id, which names the checkpoint file. */
  id?: string;
  /** For tests: a file system that counts or fails calls. */
  fs?: WatcherFs;
  /** For tests: where the mount table is read. */
  mountsFile?: string;
}

/** After this many events since the last listing, a listing follows once events pause (inotify may have overflowed). */
const BURST_EVENTS = 1000;
const BURST_QUIET_MS = 250;
/** At most one checkpoint write per this many ms while messages move (plus one at shutdown). */
const CHECKPOINT_EVERY_MS = 1000;
/**
 * On the leader (leader election), right after the work that reported something: the next
 * leader continues from the last checkpoint, so the shorter the time between reporting a move
 * and writing it down, the fewer moves a leader that dies reports twice (once itself, once by
 * its successor).
 */
const LEADER_CHECKPOINT_DELAY_MS = 0;

export class EventsReceiver implements Lifecycle {
  private readonly config: EventsConfig;
  private readonly host: ReceiverHost;
  private readonly log: AgentLog;
  private readonly fs: WatcherFs;
  /** The file system was given (tests): never swapped for the synchronous one. */
  private readonly fsGiven: boolean;
  private readonly id: string;
  private readonly mountsFile: string | undefined;
  private readonly root: string;
  private readonly layout: TreeLayout;
  /** Replaced by a fresh one when the receiver rolls back to its checkpoint (see rollBack). */
  private reconciler: Reconciler;
  private readonly transitions: Counter;
  private readonly dwellTime: Histogram;
  private modeInUse: WatchMode | undefined;
  private fsType: FsType | undefined;
  private native: NativeWatch | undefined;
  private checkpointFile: string | undefined;
  private readonly hints = new Set<string>();
  private fullRoundRequested = false;
  private eventsSinceRound = 0;
  /** Last event or end of work (ms). */
  private lastActivity = 0;
  private pumping: Promise<void> | undefined;
  private kickScheduled = false;
  private periodicTimer: NodeJS.Timeout | undefined;
  /** Reports the counters and the dwell-time histogram every collection_interval. */
  private collectionTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private burstTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointWrite: Promise<void> | undefined;
  /** Leader election: the checkpoints of earlier terms are removed once this term wrote its own. */
  private olderTermsRemoved = false;
  private activeProblems = new Set<string>();
  private stopped = false;
  /** No project was found yet since a fresh start: the next listing is the starting point. */
  private baselinePending = false;
  /** The first listing is done: from now on the checkpoint says what was reported. */
  private initialized = false;
  /** Transitions reported since start, for tests and the debug exporter. */
  reported = 0;
  /**
   * log.record.uid of the moves reported since the last checkpoint (the newest set since the
   * last snapshot, older ones waiting for their checkpoint): a move a roll-back reports again
   * is not counted in the metrics twice.
   */
  private reportedUids = new Set<string>();
  private uncheckpointedUids: Set<string>[] = [];
  /** Commit.lost when last looked at: when it grows, what was lost is reported again from the checkpoint. */
  private lostSeen = 0;
  private rollBackRequested = false;

  constructor(config: EventsConfig, host: ReceiverHost, log: AgentLog, options: EventsReceiverOptions = {}) {
    this.config = config;
    this.host = host;
    this.log = log;
    this.fs = options.fs ?? realWatcherFs;
    this.fsGiven = options.fs !== undefined;
    this.id = options.id ?? 'backbone_events';
    this.mountsFile = options.mountsFile;
    this.root = path.resolve(config.root);
    this.layout = new TreeLayout({
      root: this.root,
      ...layoutSpec(config),
      lookupOnlyStates: new Set<State>(config.lookup_only_states),
      otherFilesStates: new Set<State>(config.other_files_states),
      maxFolderFiles: config.max_folder_files,
    });
    this.reconciler = this.newReconciler(this.fs);
    this.transitions = counter(host.meter, telemetry.messageTransitions);
    this.dwellTime = histogram(host.meter, telemetry.messageDwellTime, config.dwell_time.boundaries);
    const mode = observableGauge(host.meter, telemetry.watcherMode);
    mode.addCallback((observer) => {
      if (this.modeInUse === undefined) return;
      for (const value of ['native', 'poll'] as const) observer.observe(value === this.modeInUse ? 1 : 0, { [telemetry.MODE_ATTR]: value });
    });
  }

  private newReconciler(fs: WatcherFs): Reconciler {
    return new Reconciler({ layout: this.layout, fs, graceMs: this.config.grace_period, emit: (t) => this.report(t) });
  }

  /** The watch method in use (after start). */
  get mode(): WatchMode | undefined {
    return this.modeInUse;
  }

  async start(): Promise<void> {
    const leadership = this.host.leadership;
    if (leadership !== undefined) {
      // Leader election: the checkpoint lives in the lease folder, one file per term.
      this.checkpointFile = termCheckpointPath(leadership.stateDir, this.id, leadership.epoch);
      if (this.config.storage !== undefined) {
        this.log.info(`leader election is on: the checkpoint is kept in the lease folder ${leadership.stateDir}, not in storage (${this.config.storage})`);
      }
    } else if (this.config.storage !== undefined) {
      const storage = await this.realPath(path.resolve(this.config.storage));
      const root = await this.realPath(this.root);
      if (isInside(storage, root)) {
        throw new Error(`storage ${this.config.storage} is under the Backbone root ${this.config.root} (${storage}): the agent never writes there; choose a folder outside it, for example /var/lib/backbone-otel`);
      }
      this.checkpointFile = checkpointPath(path.resolve(this.config.storage), this.id);
    }

    this.fsType = await detectFsType(this.fs, this.root, this.mountsFile);
    this.modeInUse = chooseMode(this.config.watch_method, this.fsType);
    if (this.modeInUse === 'native' && !this.fsType.remote && !this.fsGiven) this.reconciler.fs = localWatcherFs;
    this.announceMode();

    let initial: 'baseline' | 'restart' = 'baseline';
    if (this.checkpointFile === undefined) {
      this.log.warn('no storage configured: moves made while the agent is stopped will not be reported after a restart');
    } else {
      const loaded = await this.loadLastCheckpoint();
      if (loaded.kind === 'loaded') {
        const restored = this.reconciler.restore(loaded.checkpoint.entries, loaded.checkpoint.savedAtMs);
        initial = 'restart';
        const whose = 'epoch' in loaded && loaded.epoch !== undefined ? ` (left by the leader of epoch ${loaded.epoch})` : '';
        this.log.info(`checkpoint read${whose}: ${restored} message(s) known; moves made since ${new Date(loaded.checkpoint.savedAtMs).toISOString()} are reported with backbone.detected_by=restart`);
      } else {
        this.log.warn(`${loaded.reason}: fresh start; messages there now are the starting point, and moves made while the agent was stopped are not known`);
      }
      // The next leader finds this term's checkpoint by its epoch: written at once.
      if (leadership !== undefined) this.reconciler.changed = true;
    }

    // The first listing runs before start() returns: a baseline, or the moves made while stopped.
    const report = await this.reconciler.fullRound(initial);
    // A root without projects yet (not mounted at boot, say): the first listing that finds
    // projects is the starting point, not a flood of messages "appearing".
    this.baselinePending = initial === 'baseline' && report.projects === 0;
    this.afterRound(report);
    this.initialized = true;
    this.log.info(`following ${this.reconciler.size} message(s) under ${this.root}`);
    if (this.modeInUse === 'native') {
      await this.startNative(report);
      // Moves between the first listing and the watches being in place: one more listing.
      this.requestFullRound();
    }
    this.schedulePeriodic();
    this.scheduleAfterWork();
    // Moves leave as log records as they are found; the metrics they add up to, every
    // collection_interval, and once now (the watch method in use).
    void this.host.report();
    this.collectionTimer = setInterval(() => void this.host.report(), this.config.collection_interval);
    this.collectionTimer.unref();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.native?.close();
    for (const timer of [this.periodicTimer, this.graceTimer, this.burstTimer, this.checkpointTimer]) clearTimeout(timer);
    clearInterval(this.periodicTimer);
    clearInterval(this.collectionTimer);
    await this.pumping;
    await this.checkpointWrite;
    // What was reported is what the next start compares with.
    if (this.initialized) await this.writeCheckpoint();
  }

  /** Lists the tree now and waits for the result (tests; and what every timer does). */
  async reconcileNow(): Promise<void> {
    this.requestFullRound();
    await this.idle();
  }

  /** Waits until no work is queued or running. */
  async idle(): Promise<void> {
    while (this.pumping || this.kickScheduled) {
      await this.pumping;
      if (this.kickScheduled) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Messages being looked for (within their grace period). */
  get pending(): number {
    return this.reconciler.pending;
  }

  /** Completed full listings. */
  get rounds(): number {
    return this.reconciler.rounds;
  }

  private announceMode(): void {
    const fsType = this.fsType!;
    const method = this.config.watch_method;
    const why = method === 'auto'
      ? (fsType.remote
        ? `${fsType.name} is a network or FUSE file system, where changes made by other hosts raise no events`
        : `${fsType.name} is a local file system`)
      : `watch_method is ${method}`;
    const how = this.modeInUse === 'native'
      ? `file-system events, plus a listing every ${this.config.reconcile_interval} ms`
      : `a listing every ${this.config.poll_interval} ms`;
    this.log.info(`watching ${this.root} in ${this.modeInUse} mode (${why}): ${how}`, { mode: this.modeInUse, fs_type: fsType.name });
    if (method === 'native' && fsType.remote) {
      this.log.warn(`watch_method is native but ${this.root} is on ${fsType.name}: moves made by other hosts raise no events and are seen only at the listing every ${this.config.reconcile_interval} ms; poll (or auto) is meant for this`);
    }
  }

  private async startNative(report: RoundReport): Promise<void> {
    this.native = new NativeWatch(this.fs, this.root, {
      entry: (rel) => this.hint(rel),
      folderChanged: () => this.requestFullRound(),
      fatal: (error) => this.fallBackToPoll(error),
    });
    await this.native.sync(report.watchFolders);
  }

  private fallBackToPoll(error: Error): void {
    if (this.modeInUse !== 'native' || this.stopped) return;
    this.native?.close();
    this.native = undefined;
    this.modeInUse = 'poll';
    this.reconciler.fs = this.fs;
    const hint = errorCode(error) === 'ENOSPC' ? ' (raise fs.inotify.max_user_watches to use events)' : '';
    this.log.warn(`file-system events failed: ${describe(error)}${hint}; switching to poll mode, a listing every ${this.config.poll_interval} ms`, { mode: 'poll' });
    this.schedulePeriodic();
    this.requestFullRound();
  }

  private hint(rel: string): void {
    if (this.stopped) return;
    this.hints.add(rel);
    this.lastActivity = Date.now();
    if (++this.eventsSinceRound >= BURST_EVENTS) this.armBurstTimer();
    this.kick();
  }

  /** The kernel's event queue may have overflowed in a burst: one listing once events and work pause. */
  private armBurstTimer(): void {
    if (this.burstTimer !== undefined || this.stopped) return;
    this.burstTimer = setTimeout(() => {
      this.burstTimer = undefined;
      // Timers run before pending I/O after a long batch: quiet means no event and no work lately.
      if (this.pumping || this.hints.size > 0 || Date.now() - this.lastActivity < BURST_QUIET_MS) {
        this.armBurstTimer();
      } else if (this.eventsSinceRound >= BURST_EVENTS) {
        this.requestFullRound();
      }
    }, BURST_QUIET_MS);
    this.burstTimer.unref();
  }

  private requestFullRound(): void {
    if (this.stopped) return;
    this.fullRoundRequested = true;
    this.kick();
  }

  private kick(): void {
    if (this.pumping || this.kickScheduled) return;
    this.kickScheduled = true;
    // One tick later, so that the events of a burst are looked at together.
    setImmediate(() => {
      this.kickScheduled = false;
      if (this.pumping || this.stopped) return;
      this.pumping = this.pump().finally(() => {
        this.pumping = undefined;
        this.lastActivity = Date.now();
        this.scheduleAfterWork();
        if ((this.fullRoundRequested || this.hints.size > 0) && !this.stopped) this.kick();
      });
    });
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.rollBackRequested) {
          this.rollBackRequested = false;
          await this.rollBack();
        } else if (this.fullRoundRequested) {
          this.fullRoundRequested = false;
          this.eventsSinceRound = 0;
          const report = await this.reconciler.fullRound(this.baselinePending ? 'baseline' : 'scan');
          if (report.projects > 0) this.baselinePending = false;
          this.afterRound(report);
          if (this.native && !this.stopped) await this.native.sync(report.watchFolders);
        } else if (this.hints.size > 0) {
          const batch = [...this.hints];
          this.hints.clear();
          const checked = await this.reconciler.checkPaths(batch);
          this.host.handOnLogs();
          if (checked.needFullRound) this.fullRoundRequested = true;
          this.warnOversized(checked.oversized);
          if (this.native && checked.newFolders.length > 0 && !this.stopped && await this.native.add(checked.newFolders)) {
            this.fullRoundRequested = true;
          }
        } else {
          return;
        }
      } catch (error) {
        // Never expected (file-system errors are handled where they occur), but a receiver
        // must not take the agent down.
        this.log.problem('internal', 'error', `watcher: ${describe(error)}`);
        return;
      }
    }
  }

  private afterRound(report: RoundReport): void {
    // The moves this round found leave together.
    this.host.handOnLogs();
    const types = new Set<string>();
    for (const problem of report.problems) {
      if (types.has(problem.type) || problem.type === 'root-missing') continue;
      types.add(problem.type);
      const count = report.problems.filter((p) => p.type === problem.type).length;
      this.log.problem(`list-${problem.type}`, 'warn',
        `${count} folder(s) could not be listed (${problem.type}), for example ${problem.rel || '.'}: ${problem.message}; their messages are left as they were until they can be read again`);
    }
    for (const type of this.activeProblems) {
      if (!types.has(type)) this.log.resolved(`list-${type}`, `folders can be listed again (${type} gone)`);
    }
    this.activeProblems = types;
    this.warnOversized(report.oversized);
    if (report.rootMissing) {
      this.log.problem('root-missing', 'error', `the Backbone root ${this.root} does not exist (moved away, renamed or not mounted?): the messages known are kept as they were and nothing is reported until it is back`);
    } else {
      this.log.resolved('root-missing', `the Backbone root ${this.root} is back`);
    }
    if (report.emptyRoot) {
      this.log.problem('empty-root', 'warn', `${this.root} holds no project folder any more (not mounted?): the messages known are kept until it does again`);
    } else {
      this.log.resolved('empty-root', `${this.root} holds project folders again`);
    }
  }

  private warnOversized(rels: readonly string[]): void {
    for (const rel of rels) {
      this.log.warn(`folder ${rel} holds more than max_folder_files (${this.config.max_folder_files}) files: it is no longer listed nor watched; messages moving into it are found by name, messages leaving it are not seen`);
    }
  }

  private schedulePeriodic(): void {
    clearInterval(this.periodicTimer);
    if (this.stopped) return;
    const interval = this.modeInUse === 'native' ? this.config.reconcile_interval : this.config.poll_interval;
    this.periodicTimer = setInterval(() => this.requestFullRound(), interval);
    this.periodicTimer.unref();
  }

  /** After work: a listing when the next grace period ends, and a checkpoint if anything changed. */
  private scheduleAfterWork(): void {
    if (this.stopped) return;
    clearTimeout(this.graceTimer);
    const deadline = this.reconciler.nextDeadline();
    if (deadline !== undefined) {
      this.graceTimer = setTimeout(() => this.requestFullRound(), Math.max(0, deadline - Date.now()) + 5);
      this.graceTimer.unref();
    }
    if (this.reconciler.changed && this.checkpointFile !== undefined && this.checkpointTimer === undefined) {
      this.checkpointTimer = setTimeout(() => {
        this.checkpointTimer = undefined;
        this.checkpointWrite = this.writeCheckpoint().finally(() => { this.checkpointWrite = undefined; });
      }, this.host.leadership === undefined ? CHECKPOINT_EVERY_MS : LEADER_CHECKPOINT_DELAY_MS);
      this.checkpointTimer.unref();
    }
  }

  /**
   * Writes what was reported as the checkpoint, in this order: the snapshot of what was
   * reported; commit (every record emitted so far handed to the exporters' queues, and a disk
   * queue's files fsynced); only when the exporters kept it all, the checkpoint (atomically,
   * fsynced). So a checkpoint never counts a move whose record could still be lost, and what
   * a kill -9 after the commit makes the next start report again carries the same
   * log.record.uid, which the disk queue drops (docs/operations.md, "Exactly once").
   */
  private async writeCheckpoint(): Promise<void> {
    if (this.checkpointFile === undefined) return;
    await this.checkpointWrite;
    const entries = this.reconciler.snapshot();
    this.reconciler.changed = false;
    const covered = this.reportedUids;
    this.reportedUids = new Set();
    this.uncheckpointedUids.push(covered);
    // Not written after all: those keys are still "reported since the last checkpoint" (kept in one set, however long the disk stays full).
    const notWritten = () => {
      const index = this.uncheckpointedUids.indexOf(covered);
      if (index < 0) return;
      this.uncheckpointedUids.splice(index, 1);
      for (const uid of covered) this.reportedUids.add(uid);
    };
    const leadership = this.host.leadership;
    if (leadership !== undefined) {
      // What the snapshot covers is sent before the checkpoint says it was reported: a leader
      // that dies in between has it reported again by the next one, rather than lost.
      await leadership.flush().catch(() => {});
    }
    const commit: Commit = await this.host.commit().catch((error: unknown) => {
      this.log.debug(`commit failed: ${describe(error)}`);
      return { kept: false, lost: this.lostSeen };
    });
    if (!commit.kept) {
      this.reconciler.changed = true;
      this.log.problem('commit', 'warn', 'the exporters cannot keep what was reported yet (a disk queue cannot write, or a memory_limiter refuses data): the checkpoint does not advance until they can, so that nothing is counted as reported before it is kept');
      notWritten();
      this.retryCheckpoint();
      return;
    }
    this.log.resolved('commit', 'the exporters keep what is reported again: the checkpoint advances');
    if (commit.lost > this.lostSeen) {
      // Records were dropped after they were taken (a full disk's memory bound): the moves
      // since the last checkpoint are found again from it and reported with the same keys.
      this.log.warn(`${commit.lost - this.lostSeen} log record(s) were dropped by an exporter before they were kept: rolling back to the last checkpoint to report the moves since then again (with the same log.record.uid, so that what was kept is not sent twice)`);
      this.lostSeen = commit.lost;
      this.reconciler.changed = true;
      this.rollBackRequested = true;
      notWritten();
      this.kick();
      return;
    }
    crashPoint('checkpoint-committed');
    // The fencing check: once the term has ended, the next leader continues from this
    // term's last checkpoint; what this one reported since is reported again by it.
    if (leadership !== undefined && !leadership.holding()) {
      this.log.debug('the term has ended: checkpoint not written');
      notWritten();
      return;
    }
    try {
      await saveCheckpoint(this.fs, this.checkpointFile, {
        version: CHECKPOINT_VERSION, layout: this.layoutFingerprint(), savedAtMs: Date.now(), entries,
      });
      crashPoint('checkpoint-written');
      this.uncheckpointedUids.splice(0, this.uncheckpointedUids.indexOf(covered) + 1);
      this.log.resolved('checkpoint', `checkpoint ${this.checkpointFile} written again`);
      if (leadership !== undefined && !this.olderTermsRemoved && leadership.holding()) {
        this.olderTermsRemoved = true;
        await removeOlderTermCheckpoints(this.fs, leadership.stateDir, this.id, leadership.epoch)
          .catch((error: unknown) => this.log.debug(`cannot remove the checkpoints of earlier terms: ${describe(error)}`));
      }
    } catch (error) {
      this.reconciler.changed = true;
      notWritten();
      this.log.problem('checkpoint', 'error', `cannot write the checkpoint ${this.checkpointFile}: ${describe(error)}; after a restart, moves may be reported again (with the same log.record.uid) or missed`);
      this.retryCheckpoint();
    }
  }

  /** After a checkpoint that could not be written: tried again a moment later, even if nothing else happens. */
  private retryCheckpoint(): void {
    if (this.stopped || this.checkpointTimer !== undefined) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      this.checkpointWrite = this.writeCheckpoint().finally(() => { this.checkpointWrite = undefined; });
    }, CHECKPOINT_EVERY_MS);
    this.checkpointTimer.unref();
  }

  /** The checkpoint a start (or a roll-back) continues from. */
  private async loadLastCheckpoint(): Promise<LoadResult> {
    const leadership = this.host.leadership;
    return leadership === undefined
      ? loadCheckpoint(this.fs, this.checkpointFile!, this.layoutFingerprint())
      : loadTermCheckpoint(this.fs, leadership.stateDir, this.id, leadership.epoch, leadership.previousEpoch, this.layoutFingerprint());
  }

  /**
   * Forgets what was reported since the last checkpoint and lists the tree against it again:
   * the moves since then are reported again, with the same log.record.uid (the queues drop
   * the copies of what they kept), and counted in the metrics only if they were not yet.
   */
  private async rollBack(): Promise<void> {
    if (this.checkpointFile === undefined) return;
    const loaded = await this.loadLastCheckpoint();
    if (loaded.kind !== 'loaded') {
      this.log.error(`cannot roll back (${loaded.reason}): the records dropped before they were kept are not reported again`);
      return;
    }
    const before = this.reported;
    const fresh = this.newReconciler(this.reconciler.fs);
    fresh.restore(loaded.checkpoint.entries, loaded.checkpoint.savedAtMs);
    this.reconciler = fresh;
    const report = await this.reconciler.fullRound('scan');
    this.afterRound(report);
    if (this.native && !this.stopped) await this.native.sync(report.watchFolders);
    this.log.info(`rolled back to the checkpoint of ${new Date(loaded.checkpoint.savedAtMs).toISOString()}: ${this.reported - before} move(s) since then reported again; the copies of those already kept are dropped by their log.record.uid`);
  }

  private layoutFingerprint(): string {
    const c = this.config;
    return JSON.stringify({
      root: this.root, integration_depth: c.integration_depth, project_depth: c.project_depth, states: c.states,
      message_suffix: c.message_suffix, lookup_only_states: [...c.lookup_only_states].sort(),
      other_files_states: [...c.other_files_states].sort(),
    });
  }

  /** realpath of the path, or of its nearest existing folder plus the rest. */
  private async realPath(target: string): Promise<string> {
    let existing = target;
    const rest: string[] = [];
    for (;;) {
      try {
        return path.join(await this.fs.realpath(existing), ...rest);
      } catch {
        const parent = path.dirname(existing);
        if (parent === existing) return target;
        rest.unshift(path.basename(existing));
        existing = parent;
      }
    }
  }

  private report(t: Transition): void {
    this.reported++;
    const uid = moveUid(this.root, t.identity);
    const attributes: Attributes = {
      [ATTR.integration]: t.integration, [ATTR.project]: t.project, [ATTR.fromState]: t.from, [ATTR.toState]: t.to,
    };
    // Counted once per move in this process: a move a roll-back reports again is not counted again.
    const counted = this.reportedUids.has(uid) || this.uncheckpointedUids.some((uids) => uids.has(uid));
    if (this.checkpointFile !== undefined) this.reportedUids.add(uid);
    if (!counted) {
      this.transitions.add(1, attributes);
      if (t.dwellSeconds !== undefined) this.dwellTime.record(t.dwellSeconds, attributes);
    }
    const record: Attributes = { ...attributes, [ATTR.message]: t.message, [ATTR.detectedBy]: t.detectedBy, [ATTR.recordUid]: uid };
    if (t.issue !== undefined) record[ATTR.issue] = t.issue;
    if (t.dwellSeconds !== undefined) record[ATTR.dwellTime] = t.dwellSeconds;
    emitEvent(this.host.logger, telemetry.messageTransition, {
      severity: severityOf(t.from, t.to), body: describeTransition(t), attributes: record, timestamp: t.timeMs,
    });
  }
}
