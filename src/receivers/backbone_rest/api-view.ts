// What the Backbone REST API said at the last poll, and what changed since the poll before:
// the backbone_rest receiver applies each poll's answers here; a change of a
// synchronization's status or of a connector (online, reconnecting, issues in error, a
// route) is one log record, said when it happens; the gauges read the current values. A
// synchronization whose requests failed is not reported (nothing is known now) but not
// forgotten; one whose answer had the wrong shape keeps its last good values (stale).
import type { Attributes, Logger, Meter } from '@opentelemetry/api';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { ATTR } from '../../telemetry/attributes.ts';
import { emitEvent, observableGauge, type Severity } from '../../telemetry/instruments.ts';
import {
  type ConnectorStatus, type IntegrationItem, type Position, POSITIONS, type Route, ROUTES, type StatusBlock,
} from './api-model.ts';
import { StateSet } from './state-set.ts';
import * as telemetry from './telemetry.ts';

/** What the API said about one connector, and what it said before (for change events). */
class ConnectorView {
  readonly key: string;
  online: boolean | undefined;
  reconnecting: boolean | undefined;
  issuesInError: number | undefined;
  readonly known: { online?: boolean; reconnecting?: boolean; issuesInError?: number } = {};
  readonly routes = new Map<Route, StateSet>();
  readonly processing = new Map<Route, StateSet>();
  /** Reported in the last successful look at its integration. */
  present = false;

  constructor(key: string) {
    this.key = key;
  }
}

class IntegrationView {
  readonly key: string;
  readonly status = new StateSet();
  readonly connectors = new Map<Position, ConnectorView>();
  /**
   * Whether it is reported: false while the requests about it fail (nothing is known now);
   * true with the last good values while its answer does not have the documented shape.
   */
  present = false;
  /** The values are those of an earlier answer: the last one about it had the wrong shape. */
  stale = false;

  constructor(key: string) {
    this.key = key;
  }
}

/** What the poll learnt about a synchronization's status. */
export type Block = StatusBlock | 'failed' | 'malformed';

/** failed: a list request failed; incomplete: part of a list could not be tied to a synchronization. */
export interface ListState {
  failed: boolean;
  incomplete: boolean;
}

function isRunning(status: string): boolean {
  return status.toUpperCase().replace(/[\s_-]+/g, ' ').trim() === 'RUNNING';
}

function isStarted(routeStatus: string): boolean {
  return routeStatus.toUpperCase().trim() === 'STARTED';
}

export class ApiView {
  private readonly logger: Logger;
  private readonly log: AgentLog;
  private readonly extra: Attributes;
  private readonly integrations = new Map<string, IntegrationView>();
  /** backbone.api.up: 1 when every request of the last poll worked; undefined before the first poll. */
  up: number | undefined;

  constructor(meter: Meter, logger: Logger, log: AgentLog, extra: Attributes) {
    this.logger = logger;
    this.log = log;
    this.extra = extra;
    this.registerGauges(meter);
  }

  /** Whether something of this synchronization is reported. */
  reported(key: string): boolean {
    const view = this.integrations.get(key);
    return view !== undefined && view.present && (view.status.value !== undefined || view.connectors.size > 0);
  }

  /** Keys of the synchronizations that keep the values of an earlier answer. */
  staleKeys(): string[] {
    return [...this.integrations.values()].filter((view) => view.stale).map((view) => view.key);
  }

  /** Takes what one poll found: every synchronization listed, with the status found for it. */
  apply(items: Map<string, IntegrationItem>, blocks: Map<string, Block>, lists: ListState): void {
    const keyless: string[] = [];
    for (const [key, view] of this.integrations) {
      if (items.has(key)) continue;
      if (lists.incomplete) {
        // Part of a list had the wrong shape: it may be in there. Its last good values stay.
        view.stale = true;
      } else if (lists.failed) {
        view.present = false;
      } else {
        this.integrations.delete(key);
        this.log.info(`integration ${key} is no longer listed by the API: no longer reported`);
      }
    }
    for (const item of items.values()) {
      let view = this.integrations.get(item.key);
      if (!view) {
        view = new IntegrationView(item.key);
        this.integrations.set(item.key, view);
      }
      const block = blocks.get(item.key);
      if (block === 'failed' || block === undefined) {
        // The status could not be read this time: nothing is reported, nothing is forgotten.
        view.present = false;
        continue;
      }
      view.present = true;
      if (block === 'malformed') {
        // An answer of the wrong shape: the last good values stay (the failure says so).
        view.stale = true;
        continue;
      }
      view.stale = false;
      this.applyStatus(view, block.status);
      for (const position of POSITIONS) {
        const status = block.connectors[position];
        const key = status?.key ?? item.configuredConnectorKeys[position];
        if (!status || key === undefined) {
          if (status) keyless.push(`the ${position} connector of ${item.key}`);
          view.connectors.delete(position);
          continue;
        }
        let connector = view.connectors.get(position);
        const first = !connector || connector.key !== key;
        if (!connector || connector.key !== key) {
          connector = new ConnectorView(key);
          view.connectors.set(position, connector);
        }
        this.applyConnector(view.key, position, connector, status, first);
      }
    }
    if (keyless.length > 0) {
      this.log.problem('keyless-connectors', 'warn',
        `the API gives no connectorKey for ${keyless.length === 1 ? keyless[0] : `${keyless.length} connectors (for example ${keyless[0]})`}; left out of the metrics`);
    } else {
      this.log.resolved('keyless-connectors', 'every connector has a connectorKey again');
    }
  }

  private applyStatus(view: IntegrationView, status: string | undefined): void {
    const before = view.status.lastKnown;
    view.status.set(status);
    if (status === undefined || status === before) return;
    const severity: Severity = isRunning(status) ? 'INFO' : 'WARN';
    const body = before === undefined
      ? `Synchronization ${view.key} is ${status}.`
      : `Synchronization ${view.key} is now ${status} (was ${before}).`;
    this.log.debug(body);
    emitEvent(this.logger, telemetry.statusChanged, {
      severity, body, attributes: { ...this.extra, [ATTR.integration]: view.key, [ATTR.status]: status },
    });
  }

  private applyConnector(integration: string, position: Position, view: ConnectorView, status: ConnectorStatus, first: boolean): void {
    view.present = true;
    const worse: string[] = [];
    const better: string[] = [];
    const { known } = view;

    view.online = status.online;
    if (status.online !== undefined) {
      if (known.online !== undefined && known.online !== status.online) (status.online ? better : worse).push(status.online ? 'back online' : 'went offline');
      else if (first && !status.online) worse.push('is offline');
      known.online = status.online;
    }
    view.reconnecting = status.reconnecting;
    if (status.reconnecting !== undefined) {
      if (known.reconnecting !== undefined && known.reconnecting !== status.reconnecting) {
        (status.reconnecting ? worse : better).push(status.reconnecting ? 'started reconnecting' : 'stopped reconnecting');
      } else if (first && status.reconnecting) worse.push('is reconnecting');
      known.reconnecting = status.reconnecting;
    }
    view.issuesInError = status.issuesInError;
    if (status.issuesInError !== undefined) {
      const was = known.issuesInError;
      if (was !== undefined && was !== status.issuesInError) {
        (status.issuesInError > was ? worse : better).push(`issues in error ${was} → ${status.issuesInError}`);
      } else if (first && status.issuesInError > 0) worse.push(`has ${status.issuesInError} issue(s) in error`);
      known.issuesInError = status.issuesInError;
    }
    for (const route of ROUTES) {
      let set = view.routes.get(route);
      const value = status.routeStatus[route];
      if (!set && value !== undefined) view.routes.set(route, set = new StateSet());
      if (!set) continue;
      const was = set.lastKnown;
      set.set(value);
      if (value !== undefined && was !== undefined && was !== value) {
        (isStarted(value) ? better : worse).push(`${route} route ${was} → ${value}`);
      }
    }
    for (const route of ROUTES) {
      let set = view.processing.get(route);
      const value = status.processingStatus[route];
      if (!set && value !== undefined) view.processing.set(route, set = new StateSet());
      set?.set(value);
    }

    if (worse.length === 0 && better.length === 0) return;
    const changes = [...worse, ...better].join('; ');
    const body = `Connector ${view.key} (${position} connector of ${integration}): ${changes}.`;
    this.log.debug(body);
    emitEvent(this.logger, telemetry.connectorChanged, {
      severity: worse.length > 0 ? 'WARN' : 'INFO',
      body,
      attributes: { ...this.extra, [ATTR.integration]: integration, [ATTR.connector]: view.key, [ATTR.connectorPosition]: position },
    });
  }

  private registerGauges(meter: Meter): void {
    const up = observableGauge(meter, telemetry.apiUp);
    const status = observableGauge(meter, telemetry.integrationStatus);
    const online = observableGauge(meter, telemetry.connectorOnline);
    const reconnecting = observableGauge(meter, telemetry.connectorReconnecting);
    const issues = observableGauge(meter, telemetry.connectorIssuesInError);
    const route = observableGauge(meter, telemetry.connectorRouteStatus);
    const processing = observableGauge(meter, telemetry.connectorProcessingStatus);
    meter.addBatchObservableCallback((observer) => {
      if (this.up !== undefined) observer.observe(up, this.up, this.extra);
      for (const integration of this.integrations.values()) {
        if (!integration.present) continue;
        for (const [value, current] of integration.status.points()) {
          observer.observe(status, current, { ...this.extra, [ATTR.integration]: integration.key, [ATTR.status]: value });
        }
        for (const [position, connector] of integration.connectors) {
          if (!connector.present) continue;
          const attributes: Attributes = {
            ...this.extra, [ATTR.integration]: integration.key, [ATTR.connector]: connector.key, [ATTR.connectorPosition]: position,
          };
          if (connector.online !== undefined) observer.observe(online, connector.online ? 1 : 0, attributes);
          if (connector.reconnecting !== undefined) observer.observe(reconnecting, connector.reconnecting ? 1 : 0, attributes);
          if (connector.issuesInError !== undefined) observer.observe(issues, connector.issuesInError, attributes);
          for (const [name, set] of connector.routes) {
            for (const [value, current] of set.points()) {
              observer.observe(route, current, { ...attributes, [ATTR.route]: name, [ATTR.routeStatus]: value });
            }
          }
          for (const [name, set] of connector.processing) {
            for (const [value, current] of set.points()) {
              observer.observe(processing, current, { ...attributes, [ATTR.route]: name, [ATTR.processingStatus]: value });
            }
          }
        }
      }
    }, [up, status, online, reconnecting, issues, route, processing]);
  }
}
