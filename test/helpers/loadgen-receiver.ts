// A receiver for tests only: emits `count` numbered log records (attribute test.seq, test.run)
// at `per_tick` records per event-loop turn, counts them on a counter and reports after each
// turn (as a receiver reports after each poll). It stands in for
// "thousands of transitions" where the test needs to know exactly what was generated.
import { SeverityNumber } from '@opentelemetry/api';
import * as z from 'zod';
import type { ReceiverFactory } from '../../src/component/component.ts';
import { registry, type Registry } from '../../src/components.ts';

const schema = z.strictObject({
  count: z.int().min(0).default(1000),
  run: z.string().default('run'),
  per_tick: z.int().positive().default(100),
  /** Pause between ticks, in milliseconds. */
  pause_ms: z.int().min(0).default(0),
  /** Extra characters in each body, to make records large. */
  body_bytes: z.int().min(0).default(0),
  /** How long start() takes, to watch an agent that is starting. */
  start_delay_ms: z.int().min(0).default(0),
  /** Severity of the records. */
  severity: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
});

const SEVERITY = { DEBUG: SeverityNumber.DEBUG, INFO: SeverityNumber.INFO, WARN: SeverityNumber.WARN, ERROR: SeverityNumber.ERROR } as const;

export const loadgenReceiverFactory: ReceiverFactory<z.infer<typeof schema>> = {
  kind: 'receiver', type: 'loadgen', stability: 'development', description: 'test load: numbered log records',
  signals: ['logs', 'metrics'], configSchema: schema,
  createReceiver: ({ config, log }, host) => {
    const counter = host.meter.createCounter('test.generated', { unit: '{record}' });
    const sizes = host.meter.createHistogram('test.size', { unit: 'By' });
    let stopped = false;
    let emitted = 0;
    let running: Promise<void> | undefined;
    const tick = () => new Promise<void>((resolve) => setTimeout(resolve, config.pause_ms));
    return {
      async start() {
        if (config.start_delay_ms > 0) await new Promise((resolve) => setTimeout(resolve, config.start_delay_ms));
        const padding = 'x'.repeat(config.body_bytes);
        running = (async () => {
          while (!stopped && emitted < config.count) {
            const end = Math.min(config.count, emitted + config.per_tick);
            for (; emitted < end; emitted++) {
              host.logger.emit({
                eventName: 'test.generated', severityNumber: SEVERITY[config.severity], severityText: config.severity,
                body: `record ${emitted} of ${config.run}${padding}`, attributes: { 'test.seq': emitted, 'test.run': config.run, 'event.name': 'test.generated' },
              });
              counter.add(1);
              sizes.record(emitted % 100);
            }
            await host.report();
            await tick();
          }
          log.info(`loadgen: emitted ${emitted} record(s)`);
        })();
      },
      async shutdown() {
        stopped = true;
        await running;
      },
    };
  },
};

/** The agent's registry with the loadgen receiver added. */
export const testRegistry: Registry = {
  ...registry,
  receivers: new Map([...registry.receivers, ['loadgen', loadgenReceiverFactory as ReceiverFactory]]),
};
