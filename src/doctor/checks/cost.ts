// What the installation the doctor looks at will cost in a backend: series now (from the
// folders and states it found, the integrations and the receivers configured) and log
// records a day (from the message files moved in the last 24 hours, by their times). The
// per-series rules are the ones docs/cost.md measures on the agent's real output; the cost
// test checks this estimate against that output, so the two cannot drift.
import type { Dirent } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { DWELL_TIME_BOUNDARIES } from '../../receivers/backbone_events/telemetry.ts';
import { ISSUE_STATES, OTHER_FILE_STATES } from '../../backbone/states.ts';
import { DIR_BUFFER } from '../../receivers/backbone_folders/scan-limits.ts';
import type { RootInspection } from './root.ts';
import type { Check } from '../report.ts';
import type { DoctorTarget } from '../target.ts';

/** Uncompressed OTLP bytes of one backbone.message.transition record, as docs/cost.md measures it. */
export const BYTES_PER_LOG_RECORD = 400;
/** The REST receiver's series per integration: status, and per connector (2) online, reconnecting, issues in error, 3 routes, 2 processing. */
export const REST_SERIES_PER_INTEGRATION = 17;
/** backbone.api.request.duration: one series per endpoint and answer a poll uses. */
const REST_REQUEST_SERIES = 2;
const REST_REQUEST_BUCKETS = 14;
const DAY_MS = 86_400_000;

/** What an estimate is made from: what the doctor saw on disk and in the configuration. */
export interface Inventory {
  integrations: number;
  projects: number;
  /** State folders (integration, project, state) the scanner reports. */
  stateFolders: number;
  /** Of those, in count-only states (no size, no age). */
  countOnlyFolders: number;
  /** Of those, in error and missing: the only ones with issue folders. */
  issueFolders: number;
  /** Of those, where other files (not messages) belong or were found: receive, invalid, unknown, others holding some. */
  otherFileFolders: number;
  /** Per project: states whose folders hold a file moved in the last 24 hours. */
  recentStates: number;
  /** Message files moved in the last 24 hours: into processed, and elsewhere. */
  recentProcessed: number;
  recentOther: number;
  folders: boolean;
  events: boolean;
  rest: boolean;
}

export interface SeriesEstimate {
  metric: string;
  /** OTLP series (Datadog, New Relic). */
  series: number;
  /** Prometheus series (Grafana Cloud, Prometheus): a histogram's buckets, _sum and _count. */
  prometheus: number;
}

export interface CostEstimate {
  metrics: SeriesEstimate[];
  series: number;
  prometheusSeries: number;
  logRecordsPerDay: number;
  logBytesPerDay: number;
}

export function estimateCost(inventory: Inventory): CostEstimate {
  const metrics: SeriesEstimate[] = [];
  const add = (metric: string, series: number, buckets?: number) =>
    metrics.push({ metric, series, prometheus: buckets === undefined ? series : series * (buckets + 3) });
  if (inventory.rest) {
    add('backbone.api.up', 1);
    add('backbone.api.request.duration', REST_REQUEST_SERIES, REST_REQUEST_BUCKETS);
    add('backbone.integration.status, backbone.connector.*', inventory.integrations * REST_SERIES_PER_INTEGRATION);
  }
  if (inventory.folders) {
    add('backbone.folder.messages', inventory.stateFolders);
    add('backbone.folder.issues', inventory.issueFolders);
    add('backbone.folder.other_files', inventory.otherFileFolders);
    add('backbone.folder.size, .oldest_message.age', 2 * (inventory.stateFolders - inventory.countOnlyFolders));
    add('backbone.scan.duration, backbone.root.present', 2);
  }
  if (inventory.events) {
    // Each state a message moved into is at least one from/to pair; more once messages come back.
    add('backbone.message.transitions', inventory.recentStates);
    add('backbone.message.dwell_time', inventory.recentStates, DWELL_TIME_BOUNDARIES.length);
    add('backbone.watcher.mode', 2);
  }
  // A message processed today moved twice (it arrived in receive, then moved to processed).
  const logRecordsPerDay = inventory.events ? 2 * inventory.recentProcessed + inventory.recentOther : 0;
  return {
    metrics,
    series: metrics.reduce((sum, m) => sum + m.series, 0),
    prometheusSeries: metrics.reduce((sum, m) => sum + m.prometheus, 0),
    logRecordsPerDay,
    logBytesPerDay: logRecordsPerDay * BYTES_PER_LOG_RECORD,
  };
}

interface RecentMoves {
  processed: number;
  other: number;
  /** "integration/project/state" with a recent file. */
  states: Set<string>;
  /** Files whose times were read; less than there are when the limit was reached. */
  looked: number;
  cutShort: boolean;
}

/**
 * Message files whose last change (mtime, or ctime: a rename changes it) is within 24 hours,
 * in every listed state folder (issue folders under error and missing included). Reads names
 * and times only; stops after `limit` files.
 */
export async function recentMoves(inspection: RootInspection, now: number, limit = 200_000): Promise<RecentMoves> {
  const result: RecentMoves = { processed: 0, other: 0, states: new Set(), looked: 0, cutShort: false };
  const suffix = inspection.target.scan.messageSuffix;
  const since = now - DAY_MS;
  const visit = async (dir: string, state: string, key: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = [];
      for await (const entry of await opendir(dir, { bufferSize: DIR_BUFFER })) entries.push(entry);
    } catch {
      return; // The layout check reports folders it cannot read.
    }
    for (const entry of entries) {
      if (result.looked >= limit) {
        result.cutShort = true;
        return;
      }
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth === 0 && ISSUE_STATES.has(state as never)) await visit(full, state, key, 1);
      if (!entry.isFile() || !entry.name.endsWith(suffix)) continue;
      result.looked++;
      const stats = await lstat(full).catch(() => undefined);
      if (!stats || Math.max(stats.mtimeMs, stats.ctimeMs) < since) continue;
      if (state === 'processed') result.processed++;
      else result.other++;
      result.states.add(key);
    }
  };
  for (const folder of inspection.map?.folders ?? []) {
    if (!folder.listed || folder.state === 'unknown') continue;
    await visit(path.join(inspection.target.root, ...folder.rel.split('/')), folder.state, `${folder.integration}/${folder.project}/${folder.state}`, 0);
  }
  return result;
}

export async function inventoryOf(inspections: readonly RootInspection[], target: DoctorTarget, now: number): Promise<{ inventory: Inventory; cutShort: boolean }> {
  const inventory: Inventory = {
    integrations: 0, projects: 0, stateFolders: 0, countOnlyFolders: 0, issueFolders: 0, otherFileFolders: 0,
    recentStates: 0, recentProcessed: 0, recentOther: 0,
    folders: false, events: false, rest: target.rests.length > 0,
  };
  let cutShort = false;
  for (const inspection of inspections) {
    if (inspection.unusable !== undefined || !inspection.map) continue;
    const receivers = inspection.target.receivers;
    inventory.folders ||= receivers.some((r) => r.split('/')[0] === 'backbone_folders');
    inventory.events ||= receivers.some((r) => r.split('/')[0] === 'backbone_events');
    inventory.integrations += new Set(inspection.map.projects.map((p) => p.integration)).size;
    inventory.projects += inspection.map.projects.length;
    const countOnly = new Set<string>(inspection.target.scan.countOnlyStates);
    for (const folder of inspection.scan?.folders.values() ?? []) {
      inventory.stateFolders++;
      if (countOnly.has(folder.state)) inventory.countOnlyFolders++;
      if (ISSUE_STATES.has(folder.state)) inventory.issueFolders++;
      if (OTHER_FILE_STATES.has(folder.state) || folder.otherFiles > 0) inventory.otherFileFolders++;
    }
    const moves = await recentMoves(inspection, now);
    inventory.recentProcessed += moves.processed;
    inventory.recentOther += moves.other;
    inventory.recentStates += moves.states.size;
    cutShort ||= moves.cutShort;
  }
  return { inventory, cutShort };
}

const count = (n: number) => n.toLocaleString('en-US');

/** One line for the Exporters section: what the pipelines will send; --json has the details. */
export async function costCheck(inspections: readonly RootInspection[], target: DoctorTarget, now = Date.now()): Promise<Check> {
  const { inventory, cutShort } = await inventoryOf(inspections, target, now);
  const estimate = estimateCost(inventory);
  const moved = inventory.recentProcessed + inventory.recentOther;
  return {
    id: 'cost.estimate', status: 'ok',
    message: `they will get about ${count(estimate.series)} series (${count(estimate.prometheusSeries)} in Prometheus terms)` +
      ` and ${count(estimate.logRecordsPerDay)}${cutShort ? '+' : ''} log records a day (${(estimate.logBytesPerDay / 1e6).toFixed(1)} MB); see docs/cost.md.`,
    details: { inventory, estimate, recentlyMovedFiles: moved, cutShort },
  };
}
