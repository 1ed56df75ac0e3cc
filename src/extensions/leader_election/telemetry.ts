// What leader election emits: part of the public telemetry contract. Both go through the
// pipelines that carry a receiver that runs on the leader only, on every agent.
import type { ComponentTelemetry, EventDeclaration, MetricDeclaration } from '../../telemetry/declaration.ts';

export const EPOCH_ATTR = 'backbone.lease.epoch';
export const HOLDER_ATTR = 'backbone.lease.holder';
export const LEADER_ATTR = 'backbone.agent.leader';

export const agentLeader: MetricDeclaration = {
  name: 'backbone.agent.leader', kind: 'gauge', unit: '1', valueType: 'int', attributes: [],
  description: 'With leader election on: 1 on the agent that holds the lease and runs the receivers of `service.leader_election`, 0 on standbys. Summed over the agents of a cluster it is 1; 0 for longer than `lease_duration` + `renew_interval` means no agent reports.',
};

export const leaderChanged: EventDeclaration = {
  name: 'backbone.agent.leader_changed',
  when: 'This agent became the leader (it took the lease over and starts the receivers of `service.leader_election`) or stopped being it (another agent took over, its lease was not renewed in time, or it handed the lease over at shutdown). `backbone.agent.leader` is true or false, `backbone.lease.epoch` is the term (the fencing token), `backbone.lease.holder` the agent\'s name in the lease.',
  severity: 'INFO when it became the leader or handed the lease over; WARN when it lost the lease',
  attributes: [LEADER_ATTR, EPOCH_ATTR, HOLDER_ATTR],
};

export const leaderElectionTelemetry: ComponentTelemetry = {
  component: 'leader_election',
  metrics: [agentLeader],
  events: [leaderChanged],
};
