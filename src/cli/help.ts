// The help texts: one for the whole command line, one per command.
import { AGENT_NAME, AGENT_VERSION } from '../version.ts';
import { type Command, COMMANDS } from './commands.ts';
import { OPTIONS, optionLabel } from './options.ts';

const EXIT_CODES = 'Exit codes: 0 fine, 1 runtime failure, 2 configuration error (or a command line, or a Node.js, it cannot run with).';

export function globalHelp(): string {
  const lines = [`${AGENT_NAME} ${AGENT_VERSION}: Backbone Issue Sync telemetry for OpenTelemetry backends`, '', 'Usage:'];
  for (const command of COMMANDS) {
    const [first, ...more] = command.usage;
    lines.push(`  backbone-otel ${first}`);
    for (const usage of more) lines.push(`  backbone-otel ${usage}`);
    lines.push(`      ${command.summary}`);
  }
  lines.push('  backbone-otel help [COMMAND] | COMMAND --help', '  backbone-otel --version | --help', '', EXIT_CODES, '');
  return lines.join('\n');
}

export function commandHelp(command: Command): string {
  const lines = ['Usage:', ...command.usage.map((usage) => `  backbone-otel ${usage}`), '', `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`];
  if (command.details) lines.push(command.details);
  lines.push('', 'Options:');
  const options = [...command.options, 'help' as const].map((name) => OPTIONS[name]);
  const width = Math.max(...options.map((option) => optionLabel(option).length));
  for (const option of options) lines.push(`  ${optionLabel(option).padEnd(width)}  ${option.help}`);
  lines.push('', EXIT_CODES, '');
  return lines.join('\n');
}
