// Like run-agent.ts, with the test-only loadgen receiver known, and the agent's own log kept.
import { loadConfigText } from '../../src/config/load-config.ts';
import { AgentLog, type LogSink } from '../../src/diagnostics/agent-log.ts';
import { Service } from '../../src/pipeline/service.ts';
import { testRegistry } from './loadgen-receiver.ts';
import type { RunningAgent } from './run-agent.ts';

export async function startTestAgent(yaml: string, env: Record<string, string | undefined> = {}): Promise<RunningAgent> {
  const logLines: string[] = [];
  const sink: LogSink = { write: (line) => { logLines.push(line); } };
  const config = loadConfigText(yaml, 'test.yaml', testRegistry, env);
  const service = await Service.create(config, new AgentLog({ sink, level: 'debug' }));
  await service.start();
  return { service, logLines, stop: () => service.shutdown() };
}
