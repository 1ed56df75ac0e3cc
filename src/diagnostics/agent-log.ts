// The agent's own log on stderr (what it is doing, what went wrong), separate from the log
// records it exports. Two encodings as in the Collector: "console" (one readable line) and
// "json" (one object per line, for journald or Kubernetes). Hand-written rather than pino:
// pino's readable output needs pino-pretty and a worker thread, and this is 60 lines.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogEncoding = 'console' | 'json';
export type LogFields = Record<string, string | number | boolean | undefined>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogSink {
  write(line: string): void;
}

export class AgentLog {
  private readonly level: LogLevel;
  private readonly encoding: LogEncoding;
  private readonly sink: LogSink;
  private readonly fields: LogFields;
  /** Problems currently reported, by key, so that a persisting one is said once. */
  private readonly activeProblems: Map<string, string>;

  constructor(options: { level?: LogLevel; encoding?: LogEncoding; sink?: LogSink; fields?: LogFields } = {}, shared?: Map<string, string>) {
    this.level = options.level ?? 'info';
    this.encoding = options.encoding ?? 'console';
    this.sink = options.sink ?? { write: (line) => process.stderr.write(line) };
    this.fields = options.fields ?? {};
    this.activeProblems = shared ?? new Map();
  }

  /** A logger whose lines carry extra fields, for example the component id. */
  child(fields: LogFields): AgentLog {
    return new AgentLog(
      { level: this.level, encoding: this.encoding, sink: this.sink, fields: { ...this.fields, ...fields } },
      this.activeProblems,
    );
  }

  debug(message: string, fields?: LogFields): void { this.write('debug', message, fields); }
  info(message: string, fields?: LogFields): void { this.write('info', message, fields); }
  warn(message: string, fields?: LogFields): void { this.write('warn', message, fields); }
  error(message: string, fields?: LogFields): void { this.write('error', message, fields); }

  /**
   * Reports a problem once while it persists: repeated calls with the same key and message
   * are silent; a different message for the same key is reported again.
   */
  problem(key: string, level: 'warn' | 'error', message: string, fields?: LogFields): boolean {
    const fullKey = `${String(this.fields.component ?? '')}|${key}`;
    if (this.activeProblems.get(fullKey) === message) return false;
    this.activeProblems.set(fullKey, message);
    this.write(level, message, fields);
    return true;
  }

  /** Ends a problem reported with problem(); says so once if it had been reported. */
  resolved(key: string, message: string, fields?: LogFields): void {
    const fullKey = `${String(this.fields.component ?? '')}|${key}`;
    if (!this.activeProblems.delete(fullKey)) return;
    this.write('info', message, fields);
  }

  /** The problems reported and not resolved yet, by component (for the status page). */
  openProblems(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [fullKey, message] of this.activeProblems) {
      const component = fullKey.slice(0, fullKey.indexOf('|'));
      out.set(component, [...(out.get(component) ?? []), message]);
    }
    return out;
  }

  private write(level: LogLevel, message: string, fields?: LogFields): void {
    if (RANK[level] < RANK[this.level]) return;
    const all: LogFields = { ...this.fields, ...fields };
    const time = new Date().toISOString();
    if (this.encoding === 'json') {
      this.sink.write(JSON.stringify({ time, level, msg: message, ...all }) + '\n');
      return;
    }
    let extra = '';
    for (const [key, value] of Object.entries(all)) {
      if (value === undefined) continue;
      const text = String(value);
      extra += ` ${key}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`;
    }
    this.sink.write(`${time} ${level.toUpperCase().padEnd(5)} ${message}${extra}\n`);
  }
}
