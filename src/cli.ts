#!/usr/bin/env node
// backbone-otel: the command line. Exit codes: 0 fine, 2 configuration error, 1 runtime failure.
import { parseArgs } from 'node:util';
import { registry } from './component/registry.ts';
import { ConfigError } from './config/config-issue.ts';
import { type AgentConfig, loadConfigFile } from './config/load-config.ts';
import { printConfig } from './config/print-config.ts';
import { runDemo } from './demo/demo.ts';
import { AgentLog } from './diagnostics/agent-log.ts';
import { doctorCommand } from './doctor/command.ts';
import { runUntilSignal } from './pipeline/run-until-signal.ts';
import { Service } from './pipeline/service.ts';
import { AGENT_NAME, AGENT_VERSION } from './version.ts';

const HELP = `${AGENT_NAME} ${AGENT_VERSION}: Backbone Issue Sync telemetry for OpenTelemetry backends

Usage:
  backbone-otel [run] --config FILE   run the agent
  backbone-otel validate --config FILE
                                      check a configuration; exit 2 with every problem found
  backbone-otel print-config --config FILE
                                      the configuration as it will run, secrets redacted
  backbone-otel doctor --config FILE [--json]
  backbone-otel doctor --jira-home DIR --jira-url URL [--otlp-endpoint URL] [--json]
                                      check a real installation before deploying: folders,
                                      layout, REST API (JIRA_USER/JIRA_PASSWORD or JIRA_TOKEN),
                                      exporters, storage; exit 1 when a check failed
  backbone-otel components            the receivers, processors, exporters and extensions
  backbone-otel demo                  a simulated Backbone, scanned, printed and served on
                                      http://127.0.0.1:9464/metrics until Ctrl-C
  backbone-otel --version | --help

Exit codes: 0 fine, 1 runtime failure, 2 configuration error.
`;

const EXIT_OK = 0;
const EXIT_RUNTIME = 1;
const EXIT_CONFIG = 2;

function load(file: string | undefined): AgentConfig {
  if (!file) throw new ConfigError('(command line)', [{ path: [], message: 'missing --config FILE' }]);
  return loadConfigFile(file, registry);
}

function listComponents(): string {
  const lines: string[] = [];
  for (const kind of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
    lines.push(`${kind}:`);
    const factories = [...registry[kind].values()];
    if (factories.length === 0) lines.push('  (none yet)');
    for (const f of factories) lines.push(`  ${f.type.padEnd(18)} ${f.stability.padEnd(12)} ${f.signals.join(', ').padEnd(14)} ${f.description}`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' },
        // doctor's own options
        json: { type: 'boolean' }, 'jira-home': { type: 'string' }, 'jira-url': { type: 'string' }, 'otlp-endpoint': { type: 'string' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    return EXIT_CONFIG;
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(HELP); return EXIT_OK; }
  if (values.version) { process.stdout.write(`${AGENT_NAME} ${AGENT_VERSION}\n`); return EXIT_OK; }
  const command = positionals[0] ?? 'run';
  try {
    switch (command) {
      case 'run': {
        const config = load(values.config);
        const log = new AgentLog({ level: config.service.telemetry.logs.level, encoding: config.service.telemetry.logs.encoding });
        return await runUntilSignal(new Service(config, log), log);
      }
      case 'validate': {
        const config = load(values.config);
        for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
        process.stdout.write(`${values.config}: valid (${config.pipelines.length} pipeline(s), ${config.receivers.size} receiver(s), ${config.exporters.size} exporter(s))\n`);
        return EXIT_OK;
      }
      case 'print-config':
        process.stdout.write(printConfig(load(values.config)));
        return EXIT_OK;
      case 'components':
        process.stdout.write(listComponents() + '\n');
        return EXIT_OK;
      case 'demo':
        return await runDemo();
      case 'doctor':
        return await doctorCommand({
          config: values.config, json: values.json,
          jiraHome: values['jira-home'], jiraUrl: values['jira-url'], otlpEndpoint: values['otlp-endpoint'],
        });
      default:
        process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
        return EXIT_CONFIG;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + '\n');
      return EXIT_CONFIG;
    }
    process.stderr.write(`${AGENT_NAME}: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_RUNTIME;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
  // Whatever an exporter's HTTP agent may still hold open must not keep a stopped agent alive.
  setTimeout(() => process.exit(), 2000).unref();
}
