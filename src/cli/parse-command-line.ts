// Reads argv into a command and its options. Unlike node:util's parseArgs it knows which
// options each command takes, refuses the others, and suggests the closest name for a typo.
import { suggestKey } from '../config/zod-issues.ts';
import { type Command, COMMANDS, findCommand } from './commands.ts';
import { OPTIONS, type OptionName, type OptionSpec, type OptionValues } from './options.ts';
import { UsageError } from './usage-error.ts';

export type CommandLine =
  | { action: 'help'; command: Command | undefined }
  | { action: 'version' }
  | { action: 'run'; command: Command; values: OptionValues };

/** --help and --version: every command takes them. */
const EVERYWHERE: OptionName[] = ['help', 'version'];
const ALL = Object.values(OPTIONS) as OptionSpec[];

function byName(name: string): OptionSpec | undefined {
  return ALL.find((option) => option.name === name);
}

function byShort(short: string): OptionSpec | undefined {
  return ALL.find((option) => 'short' in option && option.short === short);
}

function unknownCommand(name: string): UsageError {
  const hint = suggestKey(name, [...COMMANDS.map((c) => c.name), 'help']);
  return new UsageError(`unknown command "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; commands: ${COMMANDS.map((c) => c.name).join(', ')}, help`);
}

function unknownOption(arg: string, names: string[], command: string | undefined): UsageError {
  const hint = arg.startsWith('--') ? suggestKey(arg.slice(2).split('=')[0]!, names) : undefined;
  return new UsageError(`unknown option ${arg}${hint ? ` (did you mean --${hint}?)` : ''}`, command);
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  // The command is the first word that is not an option or an option's value.
  let commandIndex = -1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') { commandIndex = i; break; }
    const option = arg.startsWith('--') ? byName(arg.slice(2).split('=')[0]!) : byShort(arg.slice(1));
    // An unknown option is the first thing to say: `--confg x` is not the command x.
    if (!option) throw unknownOption(arg, ALL.map((o) => o.name), undefined);
    if (option.value && !arg.includes('=')) i++;
  }
  const commandName = commandIndex >= 0 ? argv[commandIndex]! : undefined;
  let command: Command | undefined;
  if (commandName === 'help') {
    const helpTopic = argv[commandIndex + 1];
    if (helpTopic !== undefined) {
      command = findCommand(helpTopic);
      if (!command) throw unknownCommand(helpTopic);
    }
    return { action: 'help', command };
  }
  if (commandName !== undefined) {
    command = findCommand(commandName);
    if (!command) throw unknownCommand(commandName);
  }
  // Without a command word the command is run, the default.
  const target = command ?? findCommand('run')!;
  const taken: OptionName[] = [...target.options, ...EVERYWHERE];
  const values: OptionValues = {};
  for (let i = 0; i < argv.length; i++) {
    if (i === commandIndex) continue;
    const arg = argv[i]!;
    if (arg === '--' || !arg.startsWith('-') || arg === '-') {
      throw new UsageError(`unexpected argument "${arg === '--' ? argv[i + 1] ?? '--' : arg}"${command ? ` for ${command.name}` : ''}`, command?.name);
    }
    const long = arg.startsWith('--');
    const [written, inline] = long ? splitOnce(arg.slice(2)) : [arg.slice(1), undefined];
    const option = long ? byName(written) : byShort(written);
    if (!option) throw unknownOption(arg, taken.map((name) => OPTIONS[name].name), target.name);
    const name = option.name as OptionName;
    if (!taken.includes(name)) {
      const takes = target.options.map((n) => `--${n}`);
      throw new UsageError(`${target.name} does not take --${name}; it takes ${takes.length > 0 ? takes.join(', ') : 'no options'}`, target.name);
    }
    if (option.value) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('-') && value !== '-')) {
        throw new UsageError(`--${name} needs a value: --${name} ${option.value}`, command?.name);
      }
      values[name] = value;
    } else {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`, command?.name);
      values[name] = true;
    }
  }
  if (values.help) return { action: 'help', command };
  if (values.version) return { action: 'version' };
  return { action: 'run', command: target, values };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
