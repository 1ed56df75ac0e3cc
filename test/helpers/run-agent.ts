// Runs the agent in this process from YAML text, for tests that need exact control.
import { registry } from '../../src/components.ts';
import { loadConfigText } from '../../src/config/load-config.ts';
import { AgentLog, type LogSink } from '../../src/diagnostics/agent-log.ts';
import { Service } from '../../src/pipeline/service.ts';

export interface RunningAgent {
  service: Service;
  /** Everything the agent logged about itself. */
  logLines: string[];
  stop(): Promise<void>;
}

export async function startAgent(yaml: string, env: Record<string, string | undefined> = {}): Promise<RunningAgent> {
  const logLines: string[] = [];
  const sink: LogSink = { write: (line) => { logLines.push(line); } };
  const config = loadConfigText(yaml, 'test.yaml', registry, env);
  const service = await Service.create(config, new AgentLog({ sink, level: 'debug' }));
  await service.start();
  return { service, logLines, stop: () => service.shutdown() };
}
