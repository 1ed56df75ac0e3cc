import type { AgentLog } from '../diagnostics/agent-log.ts';
import { returnMemoryNow, startMemoryReturn } from './memory-return.ts';
import type { Service } from './service.ts';

export interface RunHooks {
  started?(): void;
  stopping?(): void;
}

/**
 * Starts a service and runs it until SIGINT or SIGTERM, then flushes and stops: 0, or 1 if it
 * could not start. The signals are taken before the start, so that a stop asked for while the
 * agent starts (systemd, Kubernetes, during a first listing that takes seconds) is a clean
 * stop once it has started, not the default kill.
 */
export async function runUntilSignal(service: Service, log: AgentLog, hooks: RunHooks = {}): Promise<number> {
  let received: string | undefined;
  let wake: ((signal: string) => void) | undefined;
  const on = (signal: string) => () => {
    received ??= signal;
    wake?.(signal);
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  returnMemoryNow();
  try {
    await service.start();
  } catch (error) {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    log.error(`cannot start: ${(error as Error).message}`);
    return 1;
  }
  hooks.started?.();
  const memory = startMemoryReturn();
  // The SDK's timers and servers do not keep the process alive by themselves: this does.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = received ?? await new Promise<string>((resolve) => { wake = resolve; });
  clearInterval(keepAlive);
  memory?.stop();
  log.info(`${signal} received${received !== undefined && wake === undefined ? ' while starting' : ''}: stopping`);
  hooks.stopping?.();
  await service.shutdown();
  return 0;
}
