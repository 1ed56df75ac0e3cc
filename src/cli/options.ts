// Every option of the command line, once: its name, short form, value and help line. Each
// command lists the ones it takes (commands.ts); the parser refuses the others.

export interface OptionSpec {
  name: string;
  short?: string;
  /** The placeholder of its value (FILE, DIR, URL); none for a flag. */
  value?: string;
  help: string;
}

export const OPTIONS = {
  config: { name: 'config', short: 'c', value: 'FILE', help: 'the configuration file (YAML)' },
  'env-file': { name: 'env-file', value: 'FILE', help: 'variables to set first, VAR=value lines as in a systemd EnvironmentFile (the packages\' agent.env; - is stdin); their values are secrets' },
  json: { name: 'json', help: 'the report as JSON on stdout' },
  'jira-home': { name: 'jira-home', value: 'DIR', help: 'JIRA_HOME (or the shared home on Data Center), without a configuration file' },
  'jira-url': { name: 'jira-url', value: 'URL', help: "Jira's base URL, with its context path; credentials from JIRA_USER/JIRA_PASSWORD or JIRA_TOKEN" },
  'otlp-endpoint': { name: 'otlp-endpoint', value: 'URL', help: 'an OTLP/HTTP endpoint to send a test export to' },
  help: { name: 'help', short: 'h', help: 'this help' },
  version: { name: 'version', short: 'v', help: 'the version' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;
export type OptionValues = Partial<Record<OptionName, string | boolean>>;

export function optionLabel(option: OptionSpec): string {
  return `${option.short ? `-${option.short}, ` : ''}--${option.name}${option.value ? ` ${option.value}` : ''}`;
}
