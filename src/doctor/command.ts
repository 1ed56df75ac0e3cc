// `backbone-otel doctor`: what it checks comes from --config FILE, or from --jira-home,
// --jira-url and --otlp-endpoint; the report goes to stdout as text, or as JSON with --json.
// Exit code 0 when nothing failed, 1 when something did; a configuration that cannot be
// loaded throws ConfigError (exit 2, as for validate).
import { registry } from '../components.ts';
import { ConfigError } from '../config/config-issue.ts';
import { loadConfigFile } from '../config/load-config.ts';
import { runDoctor } from './doctor.ts';
import { exitCode, renderJson, renderText } from './report.ts';
import { configFromFlags, type DoctorFlags, describeFlags, targetFromConfig } from './target.ts';

export interface DoctorOptions extends DoctorFlags {
  config?: string | undefined;
  json?: boolean | undefined;
}

export async function doctorCommand(options: DoctorOptions, out: NodeJS.WritableStream = process.stdout, env = process.env): Promise<number> {
  if (options.config !== undefined && describeFlags(options) !== '') {
    throw new ConfigError('(command line)', [{ path: [], message: 'give either --config FILE or --jira-home/--jira-url/--otlp-endpoint, not both' }]);
  }
  const target = options.config !== undefined
    ? targetFromConfig(loadConfigFile(options.config, registry, env), 'config', `--config ${options.config}`)
    : targetFromConfig(configFromFlags(options, registry, env), 'flags', describeFlags(options));
  const report = await runDoctor(target);
  out.write(options.json ? renderJson(report) : renderText(report));
  return exitCode(report);
}
