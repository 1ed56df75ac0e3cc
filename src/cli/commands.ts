// The commands of backbone-otel: what each takes, says about itself in --help, and does.
import { registry } from '../components.ts';
import { ConfigError } from '../config/config-issue.ts';
import { applyEnvFile } from '../config/env-file.ts';
import { type AgentConfig, loadConfigFile } from '../config/load-config.ts';
import { printConfig } from '../config/print-config.ts';
import { AgentLog } from '../diagnostics/agent-log.ts';
import { runUntilSignal } from '../pipeline/run-until-signal.ts';
import { Service } from '../pipeline/service.ts';
import type { OptionName, OptionValues } from './options.ts';

export const EXIT_OK = 0;
export const EXIT_RUNTIME = 1;
export const EXIT_CONFIG = 2;

export interface Command {
  name: string;
  /** Usage lines, without the leading `backbone-otel`. */
  usage: string[];
  summary: string;
  /** More about it, for its own --help. */
  details?: string;
  options: OptionName[];
  run(values: OptionValues): Promise<number>;
}

async function load(values: OptionValues): Promise<AgentConfig> {
  const file = values.config;
  if (typeof file !== 'string') throw new ConfigError('(command line)', [{ path: [], message: 'missing --config FILE' }]);
  useEnvFile(values);
  return withEnvFileNote(values, () => loadConfigFile(file, registry));
}

/** A command typed in a shell does not have the service's environment file: say so after errors about unset variables. */
async function withEnvFileNote<T>(values: OptionValues, body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ConfigError && values['env-file'] === undefined && error.issues.some((issue) => / not set\)$/.test(issue.message))) {
      process.stderr.write('note: variables that systemd sets for the service from its EnvironmentFile are not set here: add --env-file FILE (the packages\' is /etc/backbone-otel-agent/agent.env)\n');
    }
    throw error;
  }
}

/** --env-file FILE: its variables go into this process's environment before anything reads it. */
function useEnvFile(values: OptionValues): void {
  if (typeof values['env-file'] !== 'string') return;
  if (values['env-file'] === '-' && values.config === '-') {
    throw new ConfigError('(command line)', [{ path: [], message: 'only one of --config and --env-file can be - (stdin)' }]);
  }
  applyEnvFile(values['env-file']);
}

const ENV_FILE_DETAILS = ' --env-file FILE sets the variables of a systemd EnvironmentFile first (sudo backbone-otel ... --env-file /etc/backbone-otel-agent/agent.env), replacing those of the environment; values from it are secrets, never shown.';

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

export const COMMANDS: readonly Command[] = [
  {
    name: 'run', usage: ['[run] --config FILE [--env-file FILE]'], summary: 'run the agent',
    details: 'Runs until SIGINT or SIGTERM, which flush what is pending and exit 0. `run` is the default command.' + ENV_FILE_DETAILS,
    options: ['config', 'env-file'],
    async run(values) {
      const config = await load(values);
      const log = new AgentLog({ level: config.service.telemetry.logs.level, encoding: config.service.telemetry.logs.encoding });
      return await runUntilSignal(await Service.create(config, log), log);
    },
  },
  {
    name: 'validate', usage: ['validate --config FILE [--env-file FILE]'], summary: 'check a configuration; exit 2 with every problem found',
    details: 'Reports every problem at once, each with its line, key path and what was expected. Warnings (a component defined and never used; folders of a readable Backbone root that the layout leaves unknown) go to stderr and do not fail.' + ENV_FILE_DETAILS,
    options: ['config', 'env-file'],
    async run(values) {
      const config = await load(values);
      for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
      // Loaded when asked for, as the doctor and the demo: `run` does not carry them in memory.
      const { unknownFolderNotes } = await import('../doctor/unknown-folders.ts');
      for (const note of await unknownFolderNotes(config)) process.stderr.write(`warning: ${note}\n`);
      process.stdout.write(`${String(values.config)}: valid (${config.pipelines.length} pipeline(s), ${config.receivers.size} receiver(s), ${config.exporters.size} exporter(s))\n`);
      return EXIT_OK;
    },
  },
  {
    name: 'print-config', usage: ['print-config --config FILE [--env-file FILE]'], summary: 'the configuration as it will run, secrets redacted',
    details: 'Environment expanded, defaults filled in, durations as durations; secret-looking values, every header value, and every value read from a file (${file:PATH}) or from --env-file are [REDACTED].' + ENV_FILE_DETAILS,
    options: ['config', 'env-file'],
    async run(values) {
      process.stdout.write(printConfig(await load(values)));
      return EXIT_OK;
    },
  },
  {
    name: 'doctor',
    usage: ['doctor --config FILE [--json] [--env-file FILE]', 'doctor --jira-home DIR --jira-url URL [--otlp-endpoint URL] [--json] [--env-file FILE]'],
    summary: 'check a real installation before deploying: folders, layout, REST API, exporters, storage',
    details: 'Credentials for the REST API come from JIRA_USER/JIRA_PASSWORD or JIRA_TOKEN (or --env-file). Exit 1 when a check failed (docs/doctor.md).' + ENV_FILE_DETAILS,
    options: ['config', 'env-file', 'json', 'jira-home', 'jira-url', 'otlp-endpoint'],
    async run(values) {
      useEnvFile(values);
      const text = (name: OptionName) => (typeof values[name] === 'string' ? values[name] : undefined);
      const { doctorCommand } = await import('../doctor/command.ts');
      return await withEnvFileNote(values, () => doctorCommand({
        config: text('config'), json: values.json === true,
        jiraHome: text('jira-home'), jiraUrl: text('jira-url'), otlpEndpoint: text('otlp-endpoint'),
      }));
    },
  },
  {
    name: 'components', usage: ['components'], summary: 'the receivers, processors, exporters and extensions',
    options: [],
    async run() {
      process.stdout.write(listComponents() + '\n');
      return EXIT_OK;
    },
  },
  {
    name: 'demo', usage: ['demo'], summary: 'a simulated Backbone, scanned, printed and served on http://127.0.0.1:9464/metrics until Ctrl-C',
    details: 'Builds a message folder tree with traffic in a temporary folder and a REST API on 127.0.0.1, runs the agent on them with config/demo.yaml, and removes the folder when it ends (Ctrl-C, or the reader of its output going away).',
    options: [],
    async run() {
      const { runDemo } = await import('../demo/demo.ts');
      return await runDemo();
    },
  },
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
