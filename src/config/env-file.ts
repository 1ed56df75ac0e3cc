// `--env-file FILE`: the variables of a systemd EnvironmentFile (the packages'
// /etc/backbone-otel-agent/agent.env), so that validate, print-config and doctor see what the
// service sees; systemd reads the file for the service, but nothing reads it for a command
// typed in a shell. The syntax is systemd's: VAR=value lines; blank lines and lines starting
// with # or ; are skipped; a value may be in single quotes (taken as written) or double quotes
// (\" \\ \$ and \` escapes); quoted values may span lines; an unquoted value loses its
// surrounding blanks and may go on after a \ at the end of its line. What systemd would skip
// with a warning (a line without =, a name that is not one) is an error here, with its line:
// a configuration check should say so. A variable of the file replaces one of the
// environment, as EnvironmentFile= replaces Environment= in a unit.
//
// Values from the file are secrets (API keys, the Jira token): an error never quotes them and
// print-config shows them as [REDACTED], whichever key they land in. The names that came from
// a file are kept with the environment they were put in (envFileVariables).
import { ConfigError, type ConfigIssue } from './config-issue.ts';
import { readConfigFile } from './read-config-file.ts';

type Env = Record<string, string | undefined>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** In double quotes systemd takes \" \\ \$ \` as the character and \ before a line end as a join; any other \ stays. */
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', $: '$', '`': '`', '\n': '' };

const fromFiles = new WeakMap<object, Set<string>>();

/** The variables of an environment file, in order; ConfigError (exit 2) for a line that is not VAR=value. */
export function parseEnvFile(text: string, file: string): Map<string, string> {
  const variables = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  let at = 0;
  let line = 1;
  const problem = (message: string, where = line) => issues.push({ path: [], line: where, column: 1, message });
  while (at < text.length) {
    const start = line;
    const end = lineEnd(text, at);
    const raw = text.slice(at, end).replace(/\r$/, '');
    const trimmed = raw.trimStart();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      at = end + 1;
      line++;
      continue;
    }
    const equals = trimmed.indexOf('=');
    const name = (equals < 0 ? trimmed : trimmed.slice(0, equals)).trim().replace(/^export\s+/, '');
    if (equals < 0 || !NAME.test(name)) {
      // The line may hold a secret: only its start is shown, and only when it is no value.
      problem(equals < 0
        ? 'expected VAR=value (a line without "="); a comment starts with #'
        : `"${name.slice(0, 40)}" is not a variable name: expected letters, digits and _, not starting with a digit`);
      at = end + 1;
      line++;
      continue;
    }
    // The value starts after "=" and its blanks, and may run over several lines.
    let i = at + (raw.length - trimmed.length) + equals + 1;
    while (text[i] === ' ' || text[i] === '\t') i++;
    const value = readValue(text, i);
    if (value.unterminated) {
      problem(`the value of ${name} opens a ${value.quote === '"' ? 'double' : 'single'} quote that is not closed`, start);
      break;
    }
    variables.set(name, value.text);
    line += countNewlines(text, at, value.end);
    at = value.end;
    // After a closing quote, only blanks may follow on that line.
    const rest = lineEnd(text, at);
    if (text.slice(at, rest).replace(/\r$/, '').trim() !== '') problem(`after the closing quote of ${name}: expected the end of the line`);
    at = rest + 1;
    line++;
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
  return variables;
}

interface ValueRead {
  text: string;
  /** Where reading stopped: after the closing quote, or at the end of the (last) line. */
  end: number;
  quote?: string;
  unterminated?: boolean;
}

function readValue(text: string, i: number): ValueRead {
  const quote = text[i];
  if (quote === '"' || quote === '\'') {
    let out = '';
    for (let j = i + 1; j < text.length; j++) {
      const c = text[j]!;
      if (c === quote) return { text: out, end: j + 1, quote };
      if (c === '\\' && quote === '"' && j + 1 < text.length) {
        const next = text[++j]!;
        out += DOUBLE_QUOTE_ESCAPES[next] ?? `\\${next}`;
        continue;
      }
      out += c;
    }
    return { text: out, end: text.length, quote, unterminated: true };
  }
  // Unquoted: to the end of the line; a \ at its end continues on the next.
  let out = '';
  let j = i;
  for (; j < text.length && text[j] !== '\n'; j++) {
    const c = text[j]!;
    if (c === '\\' && (text[j + 1] === '\n' || (text[j + 1] === '\r' && text[j + 2] === '\n'))) {
      j += text[j + 1] === '\r' ? 2 : 1;
      continue;
    }
    if (c === '\\' && j + 1 < text.length && text[j + 1] !== '\n') {
      out += text[++j];
      continue;
    }
    out += c;
  }
  return { text: out.replace(/\r$/, '').trimEnd(), end: j };
}

function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text[i] === '\n') count++;
  return count;
}

/**
 * Reads FILE and sets its variables in `env` (process.env by default), replacing those already
 * set; the names are remembered as secrets of that environment. ConfigError when the file
 * cannot be read or has a line that is not VAR=value.
 */
export function applyEnvFile(file: string, env: Env = process.env): string[] {
  let text: string;
  try {
    text = readConfigFile(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(file, error.issues.map((issue) => ({ ...issue, message: issue.message.replace('the configuration file', 'the environment file').replace('a configuration may', 'an environment file may') })));
  }
  const variables = parseEnvFile(text, file);
  let names = fromFiles.get(env);
  if (names === undefined) fromFiles.set(env, names = new Set());
  for (const [name, value] of variables) {
    env[name] = value;
    names.add(name);
  }
  return [...variables.keys()];
}

/** The names of `env` that an environment file set: their values are secrets. */
export function envFileVariables(env: Env): ReadonlySet<string> {
  return fromFiles.get(env) ?? new Set();
}
