// Backbone's alerts, once for every backend (monitoring/render/ writes them as Datadog monitors,
// New Relic conditions, Grafana Cloud rules over OTLP and Prometheus rules for a scraped
// agent), each with its runbook. The conditions name metrics and attributes as
// src/telemetry/ declares them; test/monitoring/ checks them against what the agent sends.
import { AGENT, type Alert, SERVICE } from './model.ts';

const BACKBONE_UI = 'In Jira: Administration > Backbone Issue Sync, the synchronization';
const ROOT = 'JIRA_HOME/data/backbone-issue-sync';
const AGENT_LOG = 'The agent\'s log (journalctl -u backbone-otel-agent, or the container\'s output)';

export const SILENCE_METRIC = 'backbone.root.present';

export const ALERTS: readonly Alert[] = [
  {
    id: 'BackboneSynchronizationNotRunning',
    name: 'Synchronization not RUNNING',
    summary: 'Synchronization {backbone.integration} is {backbone.status}, not RUNNING',
    severity: 'critical',
    condition: {
      kind: 'gauge', metric: 'backbone.integration.status', where: [{ attribute: 'backbone.status', op: 'not_in', values: ['RUNNING'] }],
      by: ['backbone.integration', 'backbone.status'], aggregation: 'max', op: '==', threshold: 1,
    },
    for: '5m',
    runbook: {
      meaning: 'Backbone reports the synchronization in a status other than RUNNING: changes are not exchanged with the partner project; they wait in send/ and receive/ until it runs again.',
      causes: [
        'Someone stopped it (deliberately, for maintenance or after an incident).',
        'RESTART REQUIRED or UPDATE REQUIRED after a configuration change or an app upgrade.',
        'HANDSHAKE, WAITING FOR SLAVE, REQUEST SENT: the partner Jira has not accepted or answered the connection yet.',
      ],
      look: [
        `${BACKBONE_UI}: its status and its configuration conflicts.`,
        'REST: GET /integrations/{integrationKey}/status, field status.status.',
      ],
      actions: [
        'If the stop was not planned: start (or restart) the synchronization in Backbone\'s UI.',
        'For HANDSHAKE / WAITING FOR SLAVE: check the partner Jira is up and has accepted the synchronization.',
        'After an upgrade: apply the update Backbone asks for, then restart it.',
      ],
    },
  },
  {
    id: 'BackboneConnectorOffline',
    name: 'Connector offline',
    summary: 'Connector {backbone.connector} ({backbone.connector.position}) of {backbone.integration} is offline',
    severity: 'critical',
    condition: {
      kind: 'gauge', metric: 'backbone.connector.online', by: ['backbone.integration', 'backbone.connector', 'backbone.connector.position'],
      aggregation: 'max', op: '==', threshold: 0,
    },
    for: '5m',
    runbook: {
      meaning: 'One side of the synchronization is not online: messages to its partner wait in send/ (or sendfailed/) until it is back.',
      causes: ['The partner Jira is down, restarting or in maintenance.', 'Network or proxy between the Jiras, an expired certificate.', 'The connector\'s credentials were changed on the partner side.'],
      look: [`${BACKBONE_UI}, its connectors (online, reconnecting, route details).`, 'REST: status.firstConnector / status.secondConnector, fields online and the *Details strings.', `Folders: ${ROOT}/<integration>/<project>/send and sendfailed.`],
      actions: ['Check the partner Jira answers from this Jira\'s host.', 'Fix the connection or credentials; Backbone sends what waited once the connector is online.'],
    },
  },
  {
    id: 'BackboneConnectorReconnecting',
    name: 'Connector keeps reconnecting',
    summary: 'Connector {backbone.connector} of {backbone.integration} has been reconnecting for 5 minutes',
    severity: 'warning',
    condition: {
      kind: 'gauge', metric: 'backbone.connector.reconnecting', by: ['backbone.integration', 'backbone.connector', 'backbone.connector.position'],
      aggregation: 'max', op: '==', threshold: 1,
    },
    for: '5m',
    runbook: {
      meaning: 'Backbone keeps trying to reach the partner and does not get through: the partner is unreachable or refuses the connection.',
      causes: ['The partner Jira is down or slow.', 'A firewall, proxy or TLS problem between the Jiras.', 'Credentials refused by the partner.'],
      look: [`${BACKBONE_UI}, its connectors.`, 'REST: status.*Connector.reconnecting and incomingDetails / outgoingDetails.'],
      actions: ['Check the partner answers; fix the network or credentials. Backbone reconnects by itself.'],
    },
  },
  {
    id: 'BackboneIssuesInError',
    name: 'Issues in error',
    summary: 'Issues in error on connector {backbone.connector} of {backbone.integration}',
    severity: 'critical',
    condition: {
      kind: 'gauge', metric: 'backbone.connector.issues_in_error', by: ['backbone.integration', 'backbone.connector', 'backbone.connector.position'],
      aggregation: 'max', op: '>', threshold: 0,
    },
    for: '1m',
    runbook: {
      meaning: 'Messages of some issues failed to apply. Each such issue blocks every later change of itself, so the two projects drift apart until someone fixes it.',
      causes: ['A field, option, user or workflow transition that exists on one side only.', 'A required field missing on the receiving side, a permission the synchronization user lacks.'],
      look: [`${BACKBONE_UI}: its error view (the failed messages and their errors).`, 'REST: status.*Connector.issuesInError.', `Folders: ${ROOT}/<integration>/<project>/receive/error/<issue>/.`],
      actions: ['Fix the cause (mapping, field configuration, permission) and retry the messages in Backbone\'s error view.'],
    },
  },
  {
    id: 'BackboneMessageStuckInError',
    name: 'Message stuck in error or sendfailed',
    summary: 'A message has been in {backbone.state} for more than 15 minutes ({backbone.integration}/{backbone.project})',
    severity: 'critical',
    condition: {
      kind: 'gauge', metric: 'backbone.folder.oldest_message.age', where: [{ attribute: 'backbone.state', op: 'in', values: ['error', 'sendfailed'] }],
      by: ['backbone.integration', 'backbone.project', 'backbone.state'], aggregation: 'max', op: '>', threshold: 900,
    },
    for: '1m',
    runbook: {
      meaning: 'The oldest message in error/ (failed to apply) or sendfailed/ (could not be sent to the partner) is older than 15 minutes: nobody has fixed it yet.',
      causes: ['error/: see Issues in error (a mapping or permission problem).', 'sendfailed/: the partner was unreachable or refused the message.'],
      look: [`Folders: ${ROOT}/<integration>/<project>/receive/error/<issue>/ and send/sendfailed/.`, `${BACKBONE_UI}: its error view.`, 'Log records backbone.message.transition with backbone.to_state error or sendfailed name the message and issue.'],
      actions: ['Fix the cause and retry the message in Backbone\'s UI; it then leaves the folder and the alert ends.'],
    },
  },
  {
    id: 'BackboneMessageWaiting',
    name: 'Message waiting for long',
    summary: 'A message has been in {backbone.state} for more than 15 minutes ({backbone.integration}/{backbone.project})',
    severity: 'warning',
    condition: {
      kind: 'gauge', metric: 'backbone.folder.oldest_message.age', where: [{ attribute: 'backbone.state', op: 'in', values: ['missing', 'waiting', 'offline'] }],
      by: ['backbone.integration', 'backbone.project', 'backbone.state'], aggregation: 'max', op: '>', threshold: 900,
    },
    for: '1m',
    runbook: {
      meaning: 'A message has waited for more than 15 minutes. missing/: the issue it needs does not exist yet; waiting/: an earlier message of the same issue is not processed; offline/: Jira was offline when it was to be applied.',
      causes: ['missing/: a sub-task whose parent is not synchronized yet.', 'waiting/: an earlier message of the issue is in error.', 'offline/: Jira was in maintenance or restarting.'],
      look: [`Folders: ${ROOT}/<integration>/<project>/receive/missing/<issue>/, waiting/, offline/.`, 'Log records backbone.message.transition name the message and issue.'],
      actions: ['missing/: synchronize the parent issue first.', 'waiting/: fix the earlier message (error view).', 'offline/: Backbone retries once Jira is back; check it does.'],
    },
  },
  {
    id: 'BackboneReceiveBacklogGrowing',
    name: 'receive/ backlog growing',
    summary: 'The receive/ backlog of {backbone.integration}/{backbone.project} has grown for 15 minutes',
    severity: 'warning',
    condition: {
      kind: 'growing', metric: 'backbone.folder.messages', where: [{ attribute: 'backbone.state', op: 'in', values: ['receive'] }],
      by: ['backbone.integration', 'backbone.project'], window: '10m',
    },
    for: '15m',
    runbook: {
      meaning: 'Messages arrive from the partner faster than Jira applies them, for 15 minutes in a row.',
      causes: ['The synchronization is not RUNNING on this side.', 'Jira is overloaded or its Backbone jobs are slow.', 'A bulk change on the partner side (expected to end by itself).'],
      look: [`${BACKBONE_UI}: status and processing status of the incoming route.`, 'REST: status.*Connector.incomingProcessingStatus.', `Folder: ${ROOT}/<integration>/<project>/receive/.`],
      actions: ['Check the synchronization runs and Jira\'s load; after a bulk change, watch that the backlog shrinks.'],
    },
  },
  {
    id: 'BackboneSendBacklogGrowing',
    name: 'send/ backlog growing',
    summary: 'The send/ backlog of {backbone.integration}/{backbone.project} has grown for 15 minutes',
    severity: 'warning',
    condition: {
      kind: 'growing', metric: 'backbone.folder.messages', where: [{ attribute: 'backbone.state', op: 'in', values: ['send'] }],
      by: ['backbone.integration', 'backbone.project'], window: '10m',
    },
    for: '15m',
    runbook: {
      meaning: 'Local changes queue up faster than they are sent to the partner, for 15 minutes in a row.',
      causes: ['The partner is offline or unreachable (see Connector offline).', 'The outgoing route is stopped.'],
      look: [`${BACKBONE_UI}: its connectors and the outgoing route.`, 'REST: status.*Connector.online, outgoingRouteStatus.', `Folder: ${ROOT}/<integration>/<project>/send/.`],
      actions: ['Bring the partner or the route back; Backbone sends the backlog by itself.'],
    },
  },
  {
    id: 'BackboneScanErrors',
    name: 'Errors scanning the Backbone folders',
    summary: 'The agent on {@agent} meets {error.type} while scanning the Backbone folders',
    severity: 'warning',
    condition: { kind: 'increase', metric: 'backbone.scan.errors', by: [AGENT, 'error.type'], window: '15m', threshold: 0 },
    for: '0s',
    runbook: {
      meaning: 'Scanning the Backbone folders failed in the last 15 minutes: some folders are not counted, so folder numbers are low or stale.',
      causes: ['EACCES: the agent\'s user may not read some folders.', 'timeout or entry_limit: the scan was cut short (a huge processed/, a slow NFS).', 'symlink: a symbolic link in the tree (never followed).'],
      look: [`${AGENT_LOG}: the path and error.`, 'The agent\'s status page (/) and `backbone-otel doctor`.'],
      actions: ['EACCES: run the agent as the Jira user or in Jira\'s group (docs/operations.md, permissions).', 'timeout / entry_limit: raise them or clean up processed/ (docs/troubleshooting.md).'],
    },
  },
  {
    id: 'BackboneRootMissing',
    name: 'Backbone root missing',
    summary: 'The agent on {@agent} cannot open the Backbone root',
    severity: 'critical',
    condition: { kind: 'gauge', metric: 'backbone.root.present', by: [AGENT], aggregation: 'max', op: '==', threshold: 0 },
    for: '5m',
    runbook: {
      meaning: `The Backbone root (${ROOT}) has been missing or unreadable for 5 minutes. Folder counts are the last ones seen and no message move is reported until it is back.`,
      causes: ['The shared home is not mounted (NFS, EFS) on this node.', 'The folder was moved or renamed; the agent\'s root setting is wrong.', 'Permissions changed.'],
      look: [`${AGENT_LOG}: the path it tries.`, '`backbone-otel doctor --config ...` checks the folder.'],
      actions: ['Mount the file system or fix the path or permissions; the agent picks it up at its next scan.'],
    },
  },
  {
    id: 'BackboneApiDown',
    name: 'Backbone REST API not answering',
    summary: 'The Backbone REST API does not answer the agent on {@agent}',
    severity: 'critical',
    condition: { kind: 'gauge', metric: 'backbone.api.up', by: [AGENT], aggregation: 'max', op: '==', threshold: 0 },
    for: '5m',
    runbook: {
      meaning: 'A poll of the Backbone REST API has failed for 5 minutes: synchronization and connector status are not current.',
      causes: ['Jira is down or restarting.', 'The URL is wrong (context path), or a proxy answers instead.', 'Credentials refused (401/403 after a password change, an expired token).', 'The API answered in a shape it does not document (error.type unexpected_response).'],
      look: [`${AGENT_LOG} and log records backbone.api.error.`, 'backbone.api.request.duration by http.response.status_code and error.type.'],
      actions: ['Fix the URL or renew the token (JIRA_TOKEN) and restart the agent; it polls again at its next interval.'],
    },
  },
  {
    id: 'BackboneAgentMetricsExportFailing',
    name: 'Agent cannot send metrics',
    summary: 'Exporter {exporter} of the agent on {@agent} keeps failing to send metrics',
    severity: 'warning',
    condition: { kind: 'increase', metric: 'otelcol_exporter_send_failed_metric_points', by: [AGENT, 'exporter'], window: '5m', threshold: 0 },
    for: '10m',
    runbook: {
      meaning: 'Sending metrics to a backend has failed for 10 minutes; the agent retries and queues meanwhile. Seen in the backend it fails to reach only once sending works again, or through another exporter.',
      causes: ['401/403: the API key, license key or token is wrong or revoked.', '413: requests too large (max_request_size).', 'Network errors: proxy, DNS, firewall.'],
      look: [`${AGENT_LOG} names the cause.`, 'The status page and GET /health (health_check) of the agent.'],
      actions: ['Fix the key or the network; queued data is sent afterwards.'],
    },
  },
  {
    id: 'BackboneAgentLogsExportFailing',
    name: 'Agent cannot send log records',
    summary: 'Exporter {exporter} of the agent on {@agent} keeps failing to send log records',
    severity: 'warning',
    condition: { kind: 'increase', metric: 'otelcol_exporter_send_failed_log_records', by: [AGENT, 'exporter'], window: '5m', threshold: 0 },
    for: '10m',
    runbook: {
      meaning: 'Sending log records (message moves, status changes) to a backend has failed for 10 minutes; the agent retries and queues meanwhile.',
      causes: ['The backend\'s logs intake refuses the key (logs may need their own permission).', 'Network errors.'],
      look: [`${AGENT_LOG} names the cause.`],
      actions: ['Fix the key or the network; queued records are sent afterwards.'],
    },
  },
  {
    id: 'BackboneAgentDroppingMetrics',
    name: 'Agent drops metrics',
    summary: 'Exporter {exporter} of the agent on {@agent} drops metrics: its queue is full',
    severity: 'warning',
    condition: { kind: 'increase', metric: 'otelcol_exporter_enqueue_failed_metric_points', by: [AGENT, 'exporter'], window: '10m', threshold: 0 },
    for: '0s',
    runbook: {
      meaning: 'The sending queue overflowed in the last 10 minutes and the oldest metric points were dropped: there is a gap in the backend.',
      causes: ['The backend has been unreachable for long.', 'The queue is small for the installation (sending_queue.queue_size).'],
      look: [`${AGENT_LOG}.`, 'otelcol_exporter_queue_size against otelcol_exporter_queue_capacity.'],
      actions: ['Fix the backend connection; keep the queue on disk (storage) or make it larger.'],
    },
  },
  {
    id: 'BackboneAgentDroppingLogs',
    name: 'Agent drops log records',
    summary: 'Exporter {exporter} of the agent on {@agent} drops log records: its queue is full',
    severity: 'warning',
    condition: { kind: 'increase', metric: 'otelcol_exporter_enqueue_failed_log_records', by: [AGENT, 'exporter'], window: '10m', threshold: 0 },
    for: '0s',
    runbook: {
      meaning: 'Log records (message moves) were not kept in the last 10 minutes: the sending queue overflowed and dropped its oldest, or backbone_events held more moves than max_held_moves while its storage or a disk queue could not write (the agent log says how many, and from when to when).',
      causes: ['The backend has been unreachable for long.', 'The queue is small for the traffic (sending_queue.queue_size).', 'The disk under storage was full for long (backbone_events keeps up to max_held_moves, 100,000 by default, in memory meanwhile).'],
      look: [`${AGENT_LOG}.`, 'otelcol_exporter_queue_size against otelcol_exporter_queue_capacity.'],
      actions: ['Fix the backend connection; keep the queue on disk (storage) or make it larger.'],
    },
  },
  {
    id: 'BackboneAgentDown',
    name: 'Agent silent',
    summary: 'No agent sends anything about Backbone',
    severity: 'critical',
    condition: { kind: 'silence', metric: SILENCE_METRIC },
    for: '10m',
    runbook: {
      meaning: `Nothing has arrived from the agent for 10 minutes (it sends ${SILENCE_METRIC} at every folder scan, whatever the folders hold): nothing else about Backbone is known meanwhile. With Prometheus scraping the agent: its /metrics does not answer.`,
      causes: ['The agent is stopped, crashed or cannot start (configuration error: exit code 2).', 'It cannot reach the backend (see Agent cannot send metrics).', 'Data Center: no agent is the leader (see No leader).'],
      look: ['systemctl status backbone-otel-agent, or the pod\'s status and events.', `${AGENT_LOG}.`],
      actions: ['Start the agent; `backbone-otel validate --config FILE` shows a configuration problem with its line.'],
    },
  },
  {
    id: 'BackboneAgentNoLeader',
    name: 'No leader among the agents',
    summary: 'No agent of {@service} is the leader: nothing about Backbone is reported',
    severity: 'critical',
    condition: { kind: 'gauge', metric: 'backbone.agent.leader', by: [SERVICE], aggregation: 'sum', op: '==', threshold: 0 },
    for: '2m',
    runbook: {
      meaning: 'With leader election (Data Center), every agent has been a standby for 2 minutes, so none reports the Backbone folders or the REST API. Agents without leader election do not send backbone.agent.leader: this alert stays silent for them.',
      causes: ['The lease folder (lease_dir) is not writable or not reachable.', 'The leader cannot start its receivers.'],
      look: ['The agents\' logs: "cannot read the lease", "cannot renew the lease", and backbone.agent.leader_changed records.', 'docs/data-center.md.'],
      actions: ['Make lease_dir writable for every agent, on the shared home.'],
    },
  },
  {
    id: 'BackboneAgentSeveralLeaders',
    name: 'Several leaders among the agents',
    summary: 'Several agents of {@service} are the leader at once: Backbone values are reported more than once',
    severity: 'warning',
    condition: { kind: 'gauge', metric: 'backbone.agent.leader', by: [SERVICE], aggregation: 'sum', op: '>', threshold: 1 },
    for: '2m',
    runbook: {
      meaning: 'More than one agent reports itself as the leader for 2 minutes: Backbone\'s values and moves are reported by each.',
      causes: ['The agents of one cluster do not share one lease_dir (an emptyDir, a local folder), or not the same Kubernetes Lease.', 'Agents of several Jira clusters share one service.name.'],
      look: ['Each agent\'s lease_dir in its configuration (print-config).'],
      actions: ['Give every agent of the cluster the same lease_dir in the shared home; give each cluster its own service.name (service.resource).'],
    },
  },
];
