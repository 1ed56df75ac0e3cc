// The backbone_events receiver: one log record, one counter increment and (where the time in
// the previous state is known) one histogram value per message transition, exact in both
// watch methods and across restarts. The reconciler finds the moves; move-delivery.ts writes
// them down (reported-store.ts: the one durable record of what was reported) before handing
// them on, and keeps them until the pipelines accept them; this file decides when the
// reconciler runs (events, poll or reconcile timer, end of a grace period) and turns
// transitions into telemetry.
import path from 'node:path';
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import type { Lifecycle, ReceiverHost } from '../../component/component.ts';
import type { Answer } from '../../component/consumer.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { acquireFolderLock, type FolderLock, isWriteFailure } from '../../storage/folder-lock.ts';
import { storageName } from '../../storage/storage-name.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { counter, emitEvent, histogram, observableGauge } from '../../telemetry/instruments.ts';
import { layoutSpec } from '../../backbone/layout-config.ts';
import type { State } from '../../backbone/states.ts';
import { checkpointPath, removeOlderTermCheckpoints, termCheckpointCandidates, termCheckpointPath } from './checkpoint.ts';
import { MoveDelivery } from './move-delivery.ts';
import { ReportedStore, type ReportedLoad, type StoredMove } from './reported-store.ts';
import { type EventsConfig, isInside } from './config.ts';
import { chooseMode, detectFsType, type FsType, type WatchMode } from '../../backbone/fs-type.ts';
import { NativeWatch } from './native-watch.ts';
import { Reconciler, type RoundReport } from './reconciler.ts';
import * as telemetry from './telemetry.ts';
import { describeTransition, moveUid, severityOf, type Transition } from './transition.ts';
import { joinRel, TreeLayout } from './tree-walk.ts';
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
  /** Where what was reported is written (undefined without storage). */
  private store: ReportedStore | undefined;
  private readonly delivery: MoveDelivery;
  private lock: FolderLock | undefined;
  /** Leader election: the checkpoints of earlier terms are removed once this term wrote its own. */
  private olderTermsRemoved = false;
  private activeProblems = new Set<string>();
  private stopped = false;
  /** No project was found yet since a fresh start: the next listing is the starting point. */
  private baselinePending = false;
  /** The first listing is done. */
  private initialized = false;
  /** The last run stopped without a clean shutdown: moves found by the first listing may have happened while it ran. */
  private uncleanStop = false;
  /** Transitions reported since start, for tests and the debug exporter. */
  reported = 0;

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
    this.delivery = new MoveDelivery({
      store: undefined,
      handOn: (moves) => this.handOn(moves),
      snapshot: () => this.reconciler.snapshot(),
      lost: (records) => host.notKept(records),
      log,
      maxHeld: config.max_held_moves,
    });
    this.transitions = counter(host.meter, telemetry.messageTransitions);
    this.dwellTime = histogram(host.meter, telemetry.messageDwellTime, config.dwell_time.boundaries);
    const mode = observableGauge(host.meter, telemetry.watcherMode);
    mode.addCallback((observer) => {
      if (this.modeInUse === undefined) return;
      for (const value of ['native', 'poll'] as const) observer.observe(value === this.modeInUse ? 1 : 0, { [telemetry.MODE_ATTR]: value });
    });
  }

  private newReconciler(fs: WatcherFs): Reconciler {
    return new Reconciler({
      layout: this.layout, fs, graceMs: this.config.grace_period, emit: (t) => this.report(t), changed: (op) => this.delivery.noteOp(op),
    });
  }

  /** The watch method in use (after start). */
  get mode(): WatchMode | undefined {
    return this.modeInUse;
  }

  async start(): Promise<void> {
    const leadership = this.host.leadership;
    let checkpointFile: string | undefined;
    if (leadership !== undefined) {
      // Leader election: the checkpoint lives in the lease folder, one file per term.
      checkpointFile = termCheckpointPath(leadership.stateDir, this.id, leadership.epoch);
      if (this.config.storage !== undefined) {
        this.log.info(`leader election is on: the checkpoint is kept in the lease folder ${leadership.stateDir}, not in storage (${this.config.storage})`);
      }
    } else if (this.config.storage !== undefined) {
      const storage = await this.realPath(path.resolve(this.config.storage));
      const root = await this.realPath(this.root);
      if (isInside(storage, root)) {
        throw new Error(`storage ${this.config.storage} is under the Backbone root ${this.config.root} (${storage}): the agent never writes there; choose a folder outside it, for example /var/lib/backbone-otel`);
      }
      const dir = path.resolve(this.config.storage);
      await this.fs.mkdir(dir);
      // One agent per storage: a lock that also holds between containers that are each PID 1.
      try {
        this.lock = await acquireFolderLock(dir, {
          name: `${storageName(this.id)}.checkpoint.lock`, purpose: `checkpoint of ${this.id}`,
          onLost: (reason) => this.log.error(`the lock of the checkpoint in ${dir} was lost (${reason}): another agent may be using this storage; give each agent its own`),
          onWait: (owner) => this.log.info(`the checkpoint in ${dir} is locked by ${owner}: waiting to see whether it is still alive`),
        });
      } catch (error) {
        // A full disk must not keep the watcher from starting: its moves wait in memory until they can be written.
        if (!isWriteFailure(error)) throw error;
        this.log.warn(`cannot lock the checkpoint in ${dir}: ${describe(error)}; starting without the lock (the disk is full: nothing else can write there either)`);
      }
      checkpointFile = checkpointPath(dir, this.id, (from, to) => this.log.info(`${from} was named by an earlier version: renamed to ${to}`));
    }

    this.fsType = await detectFsType(this.fs, this.root, this.mountsFile);
    this.modeInUse = chooseMode(this.config.watch_method, this.fsType);
    if (this.modeInUse === 'native' && !this.fsType.remote && !this.fsGiven) this.reconciler.fs = localWatcherFs;
    this.announceMode();

    let initial: 'baseline' | 'restart' = 'baseline';
    if (checkpointFile === undefined) {
      this.log.warn('no storage configured: moves made while the agent is stopped will not be reported after a restart');
    } else {
      await this.fs.mkdir(path.dirname(checkpointFile));
      this.store = new ReportedStore(this.fs, checkpointFile, this.layoutFingerprint());
      this.delivery.useStore(this.store);
      const loaded = await this.loadLastReported(this.store);
      if (loaded.kind === 'loaded') {
        const { reported } = loaded;
        const restored = this.reconciler.restore(reported.entries, reported.savedAtMs, reported.ops);
        initial = 'restart';
        this.uncleanStop = reported.stoppedAtMs === undefined;
        const how = this.uncleanStop ? 'the last run did not stop cleanly' : `the agent stopped cleanly at ${new Date(reported.stoppedAtMs!).toISOString()}`;
        const epoch = /epoch-0*(\d+)\.checkpoint\.json$/.exec(reported.source)?.[1];
        const whose = leadership !== undefined && epoch !== undefined ? `, left by the leader of epoch ${epoch}` : '';
        const again = reported.unaccepted.length > 0 ? `; ${reported.unaccepted.length} move(s) reported then and not yet accepted downstream are handed on again (same log.record.uid)` : '';
        this.log.info(`read what was reported from ${reported.source} (${how}${whose}): ${restored} message(s) known${again}; moves found now are reported with backbone.detected_by=restart`);
        // What an earlier run reported and did not see accepted goes first, under its own uids.
        this.delivery.resume(reported.unaccepted);
      } else {
        this.log.warn(`${loaded.reason}: fresh start; messages there now are the starting point, and moves made while the agent was stopped are not known`);
      }
    }

    // The first listing runs before start() returns: a baseline, or the moves made while stopped.
    const report = await this.reconciler.fullRound(initial);
    // A root without projects yet (not mounted at boot, say): the first listing that finds
    // projects is the starting point, not a flood of messages "appearing".
    this.baselinePending = initial === 'baseline' && report.projects === 0;
    // One new checkpoint: the belief as listed now (a journal line cut short by the crash is
    // left behind with the old journal), then what this listing found is handed on.
    await this.delivery.compact();
    this.uncleanStop = false;
    if (leadership !== undefined) await this.removeOlderTerms();
    this.afterRound(report);
    this.initialized = true;
    this.log.info(`following ${this.reconciler.size} message(s) under ${this.root}`);
    if (this.modeInUse === 'native') await this.startNative(report);
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
    for (const timer of [this.periodicTimer, this.graceTimer, this.burstTimer]) clearTimeout(timer);
    clearInterval(this.periodicTimer);
    clearInterval(this.collectionTimer);
    await this.pumping;
    // What was reported is what the next start compares with; what is not yet accepted is handed on again then.
    if (this.initialized) await this.delivery.stop();
    await this.lock?.release();
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
    // What was found is written and handed on.
    await this.delivery.idle();
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
    // Moves between the first listing and the watches being in place: one more listing.
    this.requestFullRound();
  }

  /**
   * Folders whose watch was just put in place: what they hold is looked at again now, so that a
   * file that came (or left) before the watch is found as surely as one after it. Every entry
   * and every message known there goes through the same check as an event.
   */
  private async relist(folders: readonly string[]): Promise<void> {
    for (const rel of folders) {
      try {
        for await (const entry of await this.fs.opendir(path.join(this.root, rel))) this.hints.add(joinRel(rel, entry.name));
      } catch {
        // Gone again, or cannot be read: the next full listing looks.
        this.fullRoundRequested = true;
      }
      for (const name of this.reconciler.namesIn(rel)) this.hints.add(joinRel(rel, name));
    }
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
        if (this.fullRoundRequested) {
          this.fullRoundRequested = false;
          this.eventsSinceRound = 0;
          const report = await this.reconciler.fullRound(this.baselinePending ? 'baseline' : 'scan');
          if (report.projects > 0) this.baselinePending = false;
          this.afterRound(report);
          if (this.native && !this.stopped) await this.relist(await this.native.sync(report.watchFolders));
        } else if (this.hints.size > 0) {
          const batch = [...this.hints];
          this.hints.clear();
          const checked = await this.reconciler.checkPaths(batch);
          this.delivery.roundEnd();
          if (checked.needFullRound) this.fullRoundRequested = true;
          this.warnOversized(checked.oversized);
          if (this.native && checked.newFolders.length > 0 && !this.stopped) {
            const { added, replaced } = await this.native.add(checked.newFolders);
            if (replaced) this.fullRoundRequested = true;
            await this.relist(added);
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
    // The moves this round found are written, then leave together.
    this.delivery.roundEnd();
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
    // The health check shows what the watcher cannot see (healthcheckv2: a recoverable error, with its cause).
    if (report.rootMissing) this.host.status?.recoverableError(`the Backbone root ${this.root} does not exist: moves are not seen`);
    else if (report.emptyRoot) this.host.status?.recoverableError(`${this.root} holds no project folder (an empty mount point?): moves are not seen`);
    else if (types.size > 0) this.host.status?.recoverableError(`${[...types].join(', ')}: some folders cannot be listed`);
    else this.host.status?.ok();
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

  /** After work: a listing when the next grace period ends. */
  private scheduleAfterWork(): void {
    if (this.stopped) return;
    clearTimeout(this.graceTimer);
    const deadline = this.reconciler.nextDeadline();
    if (deadline !== undefined) {
      this.graceTimer = setTimeout(() => this.requestFullRound(), Math.max(0, deadline - Date.now()) + 5);
      this.graceTimer.unref();
    }
  }

  /** What a start continues from: this agent's own checkpoint, or with leader election, the last term's. */
  private async loadLastReported(store: ReportedStore): Promise<ReportedLoad> {
    const leadership = this.host.leadership;
    if (leadership === undefined) return store.load(store.file);
    const reasons: string[] = [];
    for (const candidate of await termCheckpointCandidates(this.fs, leadership.stateDir, this.id, leadership.epoch, leadership.previousEpoch)) {
      const loaded = await store.load(candidate);
      if (loaded.kind === 'loaded') return loaded;
      reasons.push(loaded.reason);
    }
    return { kind: 'fresh', reason: reasons.length > 0 ? reasons.join('; ') : `no checkpoint of an earlier leader in ${leadership.stateDir} yet` };
  }

  /** Leader election: once this term wrote its own checkpoint, those of earlier terms go. */
  private async removeOlderTerms(): Promise<void> {
    const leadership = this.host.leadership!;
    if (this.olderTermsRemoved || !leadership.holding()) return;
    this.olderTermsRemoved = true;
    await removeOlderTermCheckpoints(this.fs, leadership.stateDir, this.id, leadership.epoch)
      .catch((error: unknown) => this.log.debug(`cannot remove the checkpoints of earlier terms: ${describe(error)}`));
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

  /** A move found: counted once, and kept for the journal and the pipelines. */
  private report(t: Transition): void {
    this.reported++;
    const uid = moveUid(this.root, t.identity);
    const attributes: Attributes = {
      [ATTR.integration]: t.integration, [ATTR.project]: t.project, [ATTR.fromState]: t.from, [ATTR.toState]: t.to,
    };
    this.transitions.add(1, attributes);
    if (t.dwellSeconds !== undefined) this.dwellTime.record(t.dwellSeconds, attributes);
    this.delivery.found({
      u: uid, i: t.integration, p: t.project, n: t.message, f: t.from, t: t.to, b: t.detectedBy, w: t.timeMs,
      ...(t.issue === undefined ? {} : { s: t.issue }),
      ...(t.dwellSeconds === undefined ? {} : { d: t.dwellSeconds }),
      ...(t.detectedBy === 'restart' && this.uncleanStop ? { x: 1 as const } : {}),
    });
  }

  /** Emits the records of these moves and hands them on as one batch; the pipelines' answer. */
  private handOn(moves: readonly StoredMove[]): Promise<Answer> {
    for (const move of moves) {
      const record: Attributes = {
        [ATTR.integration]: move.i, [ATTR.project]: move.p, [ATTR.fromState]: move.f, [ATTR.toState]: move.t,
        [ATTR.message]: move.n, [ATTR.detectedBy]: move.b, [ATTR.recordUid]: move.u,
      };
      if (move.s !== undefined) record[ATTR.issue] = move.s;
      if (move.d !== undefined) record[ATTR.dwellTime] = move.d;
      const transition = {
        integration: move.i, project: move.p, message: move.n, from: move.f, to: move.t, issue: move.s,
        dwellSeconds: move.d, detectedBy: move.b, timeMs: move.w, afterUncleanStop: move.x === 1,
      };
      emitEvent(this.host.logger, telemetry.messageTransition, {
        severity: severityOf(move.f, move.t), body: describeTransition(transition), attributes: record, timestamp: move.w,
      });
    }
    return this.host.handOnLogs();
  }
}
