// What the status page learns from the log records the pipelines carry: the latest message
// moves, since when each synchronization has its status, the REST API's last error, and the
// folders the layout does not know. Everything is bounded: a page must never grow the agent.
import type { ObservedLogRecord } from '../../component/observed-telemetry.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { type Move, RecentMoves } from './recent-moves.ts';

export interface UnknownFolder {
  integration: string;
  project: string;
  path: string;
  sinceMs: number;
}

export interface ApiErrorSeen {
  timeMs: number;
  message: string;
}

const MAX_UNKNOWN_FOLDERS = 200;
const MAX_TRACKED_INTEGRATIONS = 10_000;

export class Observations {
  readonly moves: RecentMoves;
  /** Integration → [status, since (ms)] as the status_changed records said. */
  private readonly statusSince = new Map<string, [string, number]>();
  private readonly unknown = new Map<string, UnknownFolder>();
  lastApiError: ApiErrorSeen | undefined;

  constructor(recentMoves: number) {
    this.moves = new RecentMoves(recentMoves);
  }

  /** Takes one log record of any pipeline (records of several pipelines may repeat: harmless except for moves, see seen()). */
  take(record: ObservedLogRecord): void {
    const attributes = record.attributes;
    const event = record.eventName ?? text(attributes[ATTR.eventName]);
    const timeMs = record.hrTime[0] * 1000 + record.hrTime[1] / 1e6;
    switch (event) {
      case 'backbone.message.transition':
        this.moves.add({
          timeMs,
          integration: text(attributes[ATTR.integration]),
          project: text(attributes[ATTR.project]),
          from: text(attributes[ATTR.fromState]),
          to: text(attributes[ATTR.toState]),
          message: text(attributes[ATTR.message]),
          severity: record.severityText ?? 'INFO',
          ...optional('issue', attributes[ATTR.issue]),
          ...optionalNumber('dwellSeconds', attributes[ATTR.dwellTime]),
          ...optional('detectedBy', attributes[ATTR.detectedBy]),
        });
        break;
      case 'backbone.integration.status_changed': {
        const integration = text(attributes[ATTR.integration]);
        if (this.statusSince.size < MAX_TRACKED_INTEGRATIONS || this.statusSince.has(integration)) {
          this.statusSince.set(integration, [text(attributes[ATTR.status]), timeMs]);
        }
        break;
      }
      case 'backbone.api.error':
        this.lastApiError = { timeMs, message: typeof record.body === 'string' ? record.body : JSON.stringify(record.body ?? '') };
        break;
      case 'backbone.layout.unknown_folder': {
        const folder = { integration: text(attributes[ATTR.integration]), project: text(attributes[ATTR.project]), path: text(attributes[ATTR.path]), sinceMs: timeMs };
        if (this.unknown.size < MAX_UNKNOWN_FOLDERS && !this.unknown.has(folder.path)) this.unknown.set(folder.path, folder);
        break;
      }
      default:
    }
  }

  /** Since when an integration has `status`, where a record said so. */
  statusChangedAt(integration: string, status: string): number | undefined {
    const seen = this.statusSince.get(integration);
    return seen !== undefined && seen[0] === status ? seen[1] : undefined;
  }

  unknownFolders(): UnknownFolder[] {
    return [...this.unknown.values()];
  }
}

export type { Move };

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return value === undefined || value === null || value === '' ? {} : ({ [key]: String(value) } as Record<K, string>);
}

function optionalNumber<K extends string>(key: K, value: unknown): Partial<Record<K, number>> {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? ({ [key]: number } as Record<K, number>) : {};
}
