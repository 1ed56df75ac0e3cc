// For the demo: every interval, something happens to a random synchronization, as in a healthy
// real installation: processing starts and ends, and now and then (one at a time, for a few
// intervals) a connector drops offline or a synchronization stops, then comes back. Issues in error are the message tree's to say
// (the demo counts them there, so that the API and the folders agree), unless `issuesInError`
// asks for random ones.
import { type SimulatedIntegrations, SYNCHRONIZATION_STATUSES } from './api-model.ts';
import { randomInt, seededRandom } from './random.ts';

export interface StatusDriverOptions {
  seed: number;
  intervalMs: number;
  /** Also make issues fall into error and get fixed, at random (default false). */
  issuesInError?: boolean;
}

export class StatusDriver {
  private readonly model: SimulatedIntegrations;
  private readonly options: StatusDriverOptions;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private steps = 0;
  /** Open incidents by integration: the step they end at, and how. */
  private readonly incidents = new Map<string, { until: number; end: () => void }>();

  constructor(model: SimulatedIntegrations, options: StatusDriverOptions) {
    this.model = model;
    this.options = options;
    this.random = seededRandom(options.seed);
  }

  start(): void {
    this.timer ??= setInterval(() => this.step(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One change, now: an open incident may end, processing starts or ends, or, now and then, a new incident. */
  step(): void {
    const random = this.random;
    this.steps++;
    for (const [key, incident] of this.incidents) {
      if (incident.until > this.steps) continue;
      this.incidents.delete(key);
      incident.end();
    }
    const keys = this.model.keys();
    const key = keys[Math.floor(random() * keys.length)];
    if (key === undefined) return;
    const integration = this.model.get(key);
    const position = random() < 0.5 ? 'first' : 'second';
    const connector = integration.status?.[position === 'first' ? 'firstConnector' : 'secondConnector'];
    const roll = random();
    if (roll < 0.4) {
      this.model.setConnector(key, position, { incomingProcessingStatus: random() < 0.5 ? 'PROCESSING' : 'IDLE' });
    } else if (roll < 0.55 && this.options.issuesInError) {
      const now = connector?.issuesInError ?? 0;
      this.model.setConnector(key, position, { issuesInError: Math.max(0, now + (random() < 0.55 ? randomInt(random, 1, 3) : -randomInt(random, 1, 3))) });
    } else if (roll < 0.7 && this.incidents.size === 0) {
      // One incident at a time, over in a few intervals: a healthy installation with a blip.
      const until = this.steps + randomInt(random, 2, 5);
      if (random() < 0.6) {
        this.model.setConnector(key, position, { online: false, reconnecting: true });
        this.incidents.set(key, { until, end: () => this.model.setConnector(key, position, { online: true, reconnecting: false }) });
      } else {
        // Any documented status other than RUNNING, as a real installation shows now and then.
        const others = SYNCHRONIZATION_STATUSES.slice(1);
        this.setRunning(key, others[Math.floor(random() * others.length)]!);
        this.incidents.set(key, { until, end: () => this.setRunning(key, 'RUNNING') });
      }
    }
  }

  private setRunning(key: string, status: string): void {
    this.model.setStatus(key, status);
    const route = status === 'RUNNING' ? 'STARTED' : 'STOPPED';
    for (const p of ['first', 'second'] as const) this.model.setConnector(key, p, { incomingRouteStatus: route, outgoingRouteStatus: route });
  }
}
