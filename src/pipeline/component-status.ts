// The state of the agent and of each component, as the health check shows it (the Collector's
// component status reporting): the service moves the agent through starting, running and
// stopping; each component says how it is doing through the ComponentStatusReporter its
// host gives it (a receiver: root missing, Jira unreachable; an exporter: the backend
// refusing). A state keeps the time it began, so that "failing for longer than
// recovery_duration" is known, while the cause it carries is the latest.
import type { ComponentKind } from '../component/component-id.ts';
import type {
  ComponentState, ComponentStatus, ComponentStatusControl, ComponentStatusReporter, PipelineMembers, StatusView,
} from '../component/component.ts';

export type { ComponentStatusControl };

type AgentState = 'starting' | 'running' | 'stopping' | 'stopped';

export class StatusBoard implements StatusView {
  private agentState: AgentState = 'starting';
  private agentSince = Date.now();
  private readonly startedAt = Date.now();
  private readonly entries = new Map<string, ComponentStatus>();
  private readonly queues = new Map<string, () => { size: number; capacity: number }>();
  private readonly members: readonly PipelineMembers[];

  constructor(pipelines: readonly PipelineMembers[] = []) {
    this.members = pipelines.map(({ id, receivers, exporters }) => ({ id, receivers: [...receivers], exporters: [...exporters] }));
  }

  setAgent(state: AgentState): void {
    if (state === this.agentState) return;
    this.agentState = state;
    this.agentSince = Date.now();
    const componentState: ComponentState | undefined = state === 'running' ? 'ok' : state === 'stopping' ? 'stopping' : state === 'stopped' ? 'stopped' : undefined;
    if (componentState === undefined) return;
    for (const entry of this.entries.values()) {
      // Running leaves what a component already reported in place.
      if (componentState === 'ok' && entry.state !== 'starting') continue;
      this.set(entry, componentState);
    }
  }

  agent(): { state: AgentState; since: number; startedAt: number } {
    return { state: this.agentState, since: this.agentSince, startedAt: this.startedAt };
  }

  /** Registers a component; the returned control changes its state. */
  register(kind: ComponentKind, id: string, pipeline?: string): ComponentStatusControl {
    const key = `${kind}/${id}/${pipeline ?? ''}`;
    const entry: ComponentStatus = { kind, id, state: 'starting', since: Date.now(), ...(pipeline === undefined ? {} : { pipeline }) };
    this.entries.set(key, entry);
    const report = (state: ComponentState, error?: string) => {
      if (this.agentState === 'stopping' || this.agentState === 'stopped') return;
      this.set(entry, state, error);
    };
    const reporter = (open: () => boolean): ComponentStatusReporter => ({
      ok: () => { if (open()) report('ok'); },
      recoverableError: (cause) => { if (open()) report('recoverable_error', cause); },
      permanentError: (cause) => { if (open()) report('permanent_error', cause); },
      fatalError: (cause) => { if (open()) report('fatal_error', cause); },
    });
    return {
      ...reporter(() => true),
      starting: () => report('starting'),
      okIfStarting: () => { if (entry.state === 'starting') report('ok'); },
      standby: () => report('standby'),
      gated: reporter,
    };
  }

  /** Where an exporter's queue size is read, to show it with its status. */
  queue(kind: ComponentKind, id: string, pipeline: string, read: () => { size: number; capacity: number }): void {
    this.queues.set(`${kind}/${id}/${pipeline}`, read);
  }

  components(): ComponentStatus[] {
    return [...this.entries.entries()].map(([key, entry]) => {
      const read = this.queues.get(key);
      return read ? { ...entry, queue: read() } : { ...entry };
    });
  }

  pipelines(): readonly PipelineMembers[] {
    return this.members;
  }

  private set(entry: ComponentStatus, state: ComponentState, error?: string): void {
    if (entry.state !== state) {
      entry.state = state;
      entry.since = Date.now();
    }
    if (error === undefined) delete entry.error;
    else entry.error = error;
  }
}
