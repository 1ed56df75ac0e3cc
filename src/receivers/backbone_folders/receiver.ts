// The backbone_folders receiver: scans every collection_interval (never overlapping itself)
// and reports after each scan, the metric callbacks reading the completed result: the
// batch leaves when the scan is done and its points carry that time.
import type { Attributes, Counter } from '@opentelemetry/api';
import { layoutSpec } from '../../backbone/layout-config.ts';
import { ISSUE_STATES, OTHER_FILE_STATES } from '../../backbone/states.ts';
import type { Lifecycle, ReceiverHost } from '../../component/component.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { counter, emitEvent, observableGauge } from '../../telemetry/instruments.ts';
import type { FoldersConfig } from './config.ts';
import { ScanPlacement } from './scan-placement.ts';
import { ScanThreadStuck } from './scan-thread.ts';
import type { FolderStats, ScanResult } from './scanner.ts';
import * as telemetry from './telemetry.ts';

/** A root pointed at the wrong folder must not flood the logs: at most this many records. */
const MAX_UNKNOWN_FOLDERS_REPORTED = 100;

export class FoldersReceiver implements Lifecycle {
  private readonly config: FoldersConfig;
  private readonly host: ReceiverHost;
  private readonly log: AgentLog;
  private readonly scanErrors: Counter;
  /** Last known stats per folder; folders of a scan cut short keep their earlier values. */
  private folders = new Map<string, FolderStats>();
  private lastScanDurationMs: number | undefined;
  /** Whether the last scan could open the root and found it as it was (undefined before the first scan). */
  private rootPresent: boolean | undefined;
  /** Folders (by key) where files that are not messages were found: their other_files series stays. */
  private readonly otherFilesSeen = new Set<string>();
  /** Whether a scan has found project folders: a root empty after that is not there. */
  private heldProjects = false;
  /** The first scan (without its report): a collection asked for earlier (a flush) waits for it. */
  private firstScan: Promise<void> | undefined;
  private started: Promise<void> | undefined;
  /** Collections asked for before the first scan ended (a flush), waiting for it: they report it. */
  private waitingForFirstScan = 0;
  private readonly reportedUnknown = new Set<string>();
  private activeProblemTypes = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly placement = new ScanPlacement();

  constructor(config: FoldersConfig, host: ReceiverHost, log: AgentLog) {
    this.config = config;
    this.host = host;
    this.log = log;
    this.scanErrors = counter(host.meter, telemetry.scanErrors);
    this.registerGauges();
  }

  async start(): Promise<void> {
    this.log.info('scanning Backbone folders', { root: this.config.root, interval_ms: this.config.collection_interval });
    // The first scan runs while the other receivers start (in slices, or in the scan worker:
    // scan-placement.ts); a collection asked for before it ends waits for it, so that the
    // first batch has data.
    const first = this.scanOnce();
    this.firstScan = this.running;
    this.started = first.then(() => this.schedule());
    return Promise.resolve();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.started;
    await this.running;
    await this.placement.close();
  }

  /** Runs one scan now (if none is running), reports it, and waits for both. */
  async scanOnce(): Promise<void> {
    const first = this.running === undefined && this.firstScan === undefined;
    this.running ??= this.scan().finally(() => { this.running = undefined; });
    await this.running;
    // The first scan is reported by a collection that waited for it, if one did (not twice,
    // the second time stamped later than it was seen).
    if (first && this.waitingForFirstScan > 0) this.host.handOnLogs();
    else if (!this.stopped) await this.host.report();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.scanOnce().then(() => this.schedule());
    }, this.config.collection_interval);
    this.timer.unref();
  }

  private async scan(): Promise<void> {
    let result: ScanResult;
    try {
      result = await this.placement.scan({
        root: this.config.root,
        ...layoutSpec(this.config),
        countOnlyStates: this.config.count_only_states,
        timeoutMs: this.config.timeout,
        maxEntries: this.config.max_entries,
      });
    } catch (error) {
      // A file system that does not answer at all (or, never expected, a crashed worker):
      // say so once, keep the last values, try again at the next interval.
      const stuck = error instanceof ScanThreadStuck;
      this.scanErrors.add(1, { [ATTR.errorType]: stuck ? 'timeout' : 'internal' });
      this.log.problem('scan', 'error', `scan of ${this.config.root} failed: ${(error as Error).message}`);
      this.host.status?.recoverableError(`scan of ${this.config.root} failed: ${(error as Error).message}`);
      return;
    }
    this.log.resolved('scan', `scans of ${this.config.root} work again`);
    this.apply(result);
  }

  private apply(result: ScanResult): void {
    const place = this.placement.lastPlace === 'worker' ? 'in the scan worker' : 'on the agent\'s thread';
    this.log.debug(`scan ${result.cutShort === undefined ? 'complete' : 'cut short'} ${place}: ${result.entries} entries in ${result.durationMs} ms`,
      { entries: result.entries, duration_ms: result.durationMs, place: this.placement.lastPlace });
    const root = result.rootProblem;
    this.rootPresent = root === undefined;
    if (root !== undefined) {
      // Every folder keeps its last values; backbone.root.present says they are not current.
      this.scanErrors.add(1, { [ATTR.errorType]: root.type });
      const what = root.type === 'ENOENT' || root.type === 'ENOTDIR' ? 'does not exist (moved away, renamed or not mounted?)' : `cannot be opened (${root.message})`;
      this.log.problem('root', 'error', `the Backbone root ${this.config.root} ${what}: the folder series keep their last values and backbone.root.present is 0 until it is back`);
      this.host.status?.recoverableError(`the Backbone root ${this.config.root} ${what}`);
      return;
    }
    // A root that held integrations and suddenly holds none is a mount point whose file system
    // went away (unmounted, or not mounted yet after a restart), not a Backbone that stopped:
    // reported as absent, and the folders keep their last values, as for a root that vanished.
    if (result.cutShort === undefined && result.completedProjects.size === 0 && this.heldProjects) {
      this.rootPresent = false;
      this.log.problem('root', 'warn', `the Backbone root ${this.config.root} holds no integration folder any more (an unmounted mount point?): the folder series keep their last values and backbone.root.present is 0 until the integrations are back`);
      return;
    }
    if (result.completedProjects.size > 0) this.heldProjects = true;
    this.log.resolved('root', `the Backbone root ${this.config.root} is back`);
    if (result.cutShort === undefined) {
      this.folders = result.folders;
      this.lastScanDurationMs = result.durationMs;
      this.log.resolved('cut-short', 'scans complete again');
      this.host.status?.ok();
    } else {
      const merged = new Map<string, FolderStats>();
      for (const [key, stats] of this.folders) {
        if (!result.completedProjects.has(`${stats.integration}/${stats.project}`)) merged.set(key, stats);
      }
      for (const [key, stats] of result.folders) merged.set(key, stats);
      this.folders = merged;
      this.scanErrors.add(1, { [ATTR.errorType]: result.cutShort });
      const why = result.cutShort === 'timeout'
        ? `it took longer than timeout (${this.config.timeout} ms)`
        : `it met more than max_entries (${this.config.max_entries}) entries`;
      this.log.problem('cut-short', 'warn', `scan of ${this.config.root} cut short: ${why}; folders not reached keep their last values`);
      this.host.status?.recoverableError(`scan of ${this.config.root} cut short: ${why}`);
    }

    this.reportProblems(result);

    for (const unknown of result.unknownFolders) {
      if (this.reportedUnknown.has(unknown.relativePath)) continue;
      if (this.reportedUnknown.size >= MAX_UNKNOWN_FOLDERS_REPORTED) {
        this.log.problem('unknown-folders', 'warn', `more than ${MAX_UNKNOWN_FOLDERS_REPORTED} folders match no message state; the rest are counted as "unknown" without a record each (is root set to the Backbone folder?)`);
        break;
      }
      this.reportedUnknown.add(unknown.relativePath);
      const body = `Folder ${unknown.relativePath} matches no message state; its files are counted as state "unknown". Map it under "states" in the configuration if it is one.`;
      this.log.warn(body);
      emitEvent(this.host.logger, telemetry.unknownFolder, {
        severity: 'WARN',
        body,
        attributes: { [ATTR.integration]: unknown.integration, [ATTR.project]: unknown.project, [ATTR.path]: unknown.relativePath },
      });
    }
  }

  /** Counts problems by type, and says each type once while it persists, naming one example path. */
  private reportProblems(result: ScanResult): void {
    const byType = new Map<string, { count: number; example: ScanResult['problems'][number] }>();
    for (const problem of result.problems) {
      const entry = byType.get(problem.type);
      if (entry) entry.count++;
      else byType.set(problem.type, { count: 1, example: problem });
    }
    for (const [type, { count, example }] of byType) {
      this.scanErrors.add(count, { [ATTR.errorType]: type });
      this.log.problem(`scan-${type}`, type === 'symlink' ? 'warn' : 'error',
        `scan: ${count} ${type} problem(s), for example ${example.relativePath}: ${example.message}`);
    }
    for (const type of this.activeProblemTypes) {
      if (!byType.has(type)) this.log.resolved(`scan-${type}`, `scan: no more ${type} problems`);
    }
    this.activeProblemTypes = new Set(byType.keys());
  }

  private registerGauges(): void {
    const meter = this.host.meter;
    const messages = observableGauge(meter, telemetry.folderMessages);
    const size = observableGauge(meter, telemetry.folderSize);
    const age = observableGauge(meter, telemetry.folderOldestMessageAge);
    const issues = observableGauge(meter, telemetry.folderIssues);
    const otherFiles = observableGauge(meter, telemetry.folderOtherFiles);
    const duration = observableGauge(meter, telemetry.scanDuration);
    const rootPresent = observableGauge(meter, telemetry.rootPresent);
    meter.addBatchObservableCallback(async (observer) => {
      if (this.lastScanDurationMs === undefined && this.rootPresent === undefined) {
        this.waitingForFirstScan++;
        await this.firstScan;
        this.waitingForFirstScan--;
      }
      const now = Date.now();
      if (this.rootPresent !== undefined) observer.observe(rootPresent, this.rootPresent ? 1 : 0);
      for (const [key, stats] of this.folders) {
        const attributes: Attributes = {
          [ATTR.integration]: stats.integration, [ATTR.project]: stats.project, [ATTR.state]: stats.state,
        };
        observer.observe(messages, stats.messages, attributes);
        // Only where they can be: issue folders under error and missing; other files where
        // Backbone puts them, or where some were found (kept from then on, also at 0).
        if (ISSUE_STATES.has(stats.state)) observer.observe(issues, stats.issues, attributes);
        if (stats.otherFiles > 0) this.otherFilesSeen.add(key);
        if (OTHER_FILE_STATES.has(stats.state) || this.otherFilesSeen.has(key)) observer.observe(otherFiles, stats.otherFiles, attributes);
        if (stats.bytes !== undefined) {
          observer.observe(size, stats.bytes, attributes);
          const oldest = stats.oldestMessageMtimeMs;
          observer.observe(age, oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000), attributes);
        }
      }
      if (this.lastScanDurationMs !== undefined) observer.observe(duration, this.lastScanDurationMs / 1000);
    }, [messages, size, age, issues, otherFiles, duration, rootPresent]);
  }
}
