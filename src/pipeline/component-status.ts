// The state of the agent and of each component, as the health check shows it: the service
// moves the agent through starting, running and stopping; exporters say after each send
// whether it worked. A state keeps the time it began, so "failing for longer than" is known.
import type { ComponentKind } from '../component/component-id.ts';
import type { ComponentState, ComponentStatus, ComponentStatusReporter, StatusView } from '../component/component.ts';

type AgentState = 'starting' | 'running' | 'stopping' | 'stopped';

export class StatusBoard implements StatusView {
  private agentState: AgentState = 'starting';
  private agentSince = Date.now();
  private readonly startedAt = Date.now();
  private readonly entries = new Map<string, ComponentStatus>();
  private readonly queues = new Map<string, () => { size: number; capacity: number }>();

  setAgent(state: AgentState): void {
    if (state === this.agentState) return;
    this.agentState = state;
    this.agentSince = Date.now();
    const componentState: ComponentState | undefined = state === 'running' ? 'ok' : state === 'stopping' ? 'stopping' : state === 'stopped' ? 'stopped' : undefined;
    if (componentState === undefined) return;
    for (const entry of this.entries.values()) {
      // Running leaves errors an exporter already reported in place.
      if (componentState === 'ok' && entry.state !== 'starting') continue;
      this.set(entry, componentState);
    }
  }

  agent(): { state: AgentState; since: number; startedAt: number } {
    return { state: this.agentState, since: this.agentSince, startedAt: this.startedAt };
  }

  /** Registers a component; the returned reporter changes its state. */
  register(kind: ComponentKind, id: string, pipeline?: string): ComponentStatusReporter {
    const key = `${kind}/${id}/${pipeline ?? ''}`;
    const entry: ComponentStatus = { kind, id, state: 'starting', since: Date.now(), ...(pipeline === undefined ? {} : { pipeline }) };
    this.entries.set(key, entry);
    const report = (state: ComponentState, error?: string) => {
      if (this.agentState === 'stopping' || this.agentState === 'stopped') return;
      this.set(entry, state, error);
    };
    return {
      ok: () => report('ok'),
      recoverableError: (message) => report('recoverable_error', message),
      permanentError: (message) => report('permanent_error', message),
      standby: () => report('standby'),
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

  private set(entry: ComponentStatus, state: ComponentState, error?: string): void {
    if (entry.state !== state) {
      entry.state = state;
      entry.since = Date.now();
    }
    if (error === undefined) delete entry.error;
    else entry.error = error;
  }
}
