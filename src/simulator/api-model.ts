// The simulated Backbone's state, as its REST API (version 1) describes it: synchronizations
// (integrations) with their two connectors and statuses, and the Jira users who may read them.
// The HTTP server (backbone-api.ts) answers from it; tests, the demo and the status driver
// (status-driver.ts) change it.

export interface SimConnectorStatus {
  connectorKey?: string;
  online?: boolean;
  reconnecting?: boolean;
  incomingRouteStatus?: string;
  incomingProcessingStatus?: string;
  incomingDetails?: string;
  outgoingRouteStatus?: string;
  outgoingProcessingStatus?: string;
  outgoingDetails?: string;
  externalRouteStatus?: string;
  issuesInError?: number;
  [field: string]: unknown;
}

export interface SimConnectorConfig {
  connectorKey?: string;
  projectKey?: string;
  [field: string]: unknown;
}

export interface SimIntegration {
  integrationKey: string;
  summary?: string;
  description?: string;
  createdUser?: string;
  lastModifiedUser?: string;
  createdDate?: string;
  lastModifiedDate?: string;
  firstConnector?: SimConnectorConfig;
  secondConnector?: SimConnectorConfig;
  status?: { status?: string; firstConnector?: SimConnectorStatus; secondConnector?: SimConnectorStatus; [field: string]: unknown };
  [field: string]: unknown;
}

export interface SimUser {
  username: string;
  password?: string;
  /** A personal access token (Bearer). */
  token?: string;
  /** A Jira administrator sees every integration. */
  jiraAdmin?: boolean;
  /** Projects (keys) this user administers; such a user must pass projectKey. */
  projectAdminOf?: string[];
}

/**
 * Synchronization statuses Backbone documents: server and Data Center, then cloud and newer
 * versions. The agent knows only RUNNING; every other value must reach the metrics as it is.
 */
export const SYNCHRONIZATION_STATUSES = [
  'RUNNING', 'STOPPED', 'RESTART REQUIRED', 'HANDSHAKE', 'WAITING FOR SLAVE', 'UPDATE REQUIRED',
  'REQUEST SENT', 'INCOMING REQUEST', 'DECLINED',
] as const;

export const DEFAULT_USER: SimUser = { username: 'monitor', password: 'Sup3r-Secret!', token: 'NjQ2MzM0-pat-token', jiraAdmin: true };

/** A synchronization as the documentation shows one: two connectors, both online, running. */
export function sampleIntegration(key: string, firstConnector: string, secondConnector: string): SimIntegration {
  const connector = (connectorKey: string): SimConnectorStatus => ({
    connectorKey, online: true, reconnecting: false,
    incomingRouteStatus: 'STARTED', incomingProcessingStatus: 'IDLE', incomingDetails: '',
    outgoingRouteStatus: 'STARTED', outgoingProcessingStatus: 'IDLE', outgoingDetails: '',
    externalRouteStatus: 'STARTED', issuesInError: 0,
  });
  const projectKey = (connectorKey: string) => connectorKey.replace(/-\d+$/, '');
  return {
    integrationKey: key,
    summary: `Sync ${projectKey(firstConnector)} <-> ${projectKey(secondConnector)}`,
    description: 'Keeps issues of both projects in step',
    createdUser: 'admin',
    lastModifiedUser: 'admin',
    createdDate: '2016-11-10T11:07:10+0100',
    lastModifiedDate: '2016-11-10T11:07:10+0100',
    firstConnector: { connectorKey: firstConnector, projectKey: projectKey(firstConnector) },
    secondConnector: { connectorKey: secondConnector, projectKey: projectKey(secondConnector) },
    status: { status: 'RUNNING', firstConnector: connector(firstConnector), secondConnector: connector(secondConnector) },
  };
}


/** The integrations by key; what the API shows and what changes them. */
export class SimulatedIntegrations {
  private readonly byKey = new Map<string, SimIntegration>();

  constructor(integrations: readonly SimIntegration[] = []) {
    for (const integration of integrations) this.put(integration);
  }

  put(integration: SimIntegration): void {
    this.byKey.set(integration.integrationKey, structuredClone(integration));
  }

  remove(key: string): void {
    this.byKey.delete(key);
  }

  /** The integration, or an error when there is none: for those that change it. */
  get(key: string): SimIntegration {
    const integration = this.byKey.get(key);
    if (!integration) throw new Error(`no simulated integration ${key}`);
    return integration;
  }

  find(key: string): SimIntegration | undefined {
    return this.byKey.get(key);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  all(): SimIntegration[] {
    return [...this.byKey.values()];
  }

  /** Sets the synchronization status (any text: the API may invent new values). */
  setStatus(key: string, status: string): void {
    const integration = this.get(key);
    integration.status ??= {};
    integration.status.status = status;
  }

  /** Changes fields of a connector's status; a field set to undefined is left out of the answers. */
  setConnector(key: string, position: 'first' | 'second', fields: Partial<SimConnectorStatus>): void {
    const integration = this.get(key);
    integration.status ??= {};
    const name = position === 'first' ? 'firstConnector' : 'secondConnector';
    const connector: SimConnectorStatus = integration.status[name] ?? {};
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) delete connector[field];
      else connector[field] = value;
    }
    integration.status[name] = connector;
  }
}
