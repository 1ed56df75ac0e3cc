import type { AgentLog } from '../diagnostics/agent-log.ts';
import type { Service } from './service.ts';

export interface RunHooks {
  started?(): void;
  stopping?(): void;
}

/** Starts a service and runs it until SIGINT or SIGTERM, then flushes and stops: 0, or 1 if it could not start. */
export async function runUntilSignal(service: Service, log: AgentLog, hooks: RunHooks = {}): Promise<number> {
  try {
    await service.start();
  } catch (error) {
    log.error(`cannot start: ${(error as Error).message}`);
    return 1;
  }
  hooks.started?.();
  // The SDK's timers and servers do not keep the process alive by themselves: this does.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  clearInterval(keepAlive);
  log.info(`${signal} received: stopping`);
  hooks.stopping?.();
  await service.shutdown();
  return 0;
}
