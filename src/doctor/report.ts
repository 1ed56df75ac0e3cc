// The doctor's report: checks grouped in sections, each OK, WARN or FAIL with what was found
// and, when it is not OK, what to do about it. Rendered as text for a person (one screen for
// a typical site: long lists are cut, --json has everything) or as JSON for machines.

export type Status = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Stable identifier for machines: "root.readable", "rest.authenticated", "exporter.otlphttp". */
  id: string;
  status: Status;
  /** What was found, in plain words. */
  message: string;
  /** What to do about it; set for every WARN and FAIL. */
  fix?: string;
  /** A table or a configuration snippet, shown as written below the message. */
  lines?: string[];
  /** Everything found, for --json (lists in full). */
  details?: Record<string, unknown>;
}

export interface Section {
  id: string;
  title: string;
  /** What the section is about: a folder, a URL. */
  subject?: string;
  /** A line shown when there is nothing to check ("not configured"). */
  note?: string;
  checks: Check[];
}

export interface DoctorReport {
  agent: string;
  version: string;
  /** What was checked: "--config FILE" or the command-line flags. */
  source: string;
  sections: Section[];
  durationMs: number;
}

export interface Summary {
  ok: number;
  warn: number;
  fail: number;
}

export function summarize(report: DoctorReport): Summary {
  const summary: Summary = { ok: 0, warn: 0, fail: 0 };
  for (const section of report.sections) for (const check of section.checks) summary[check.status]++;
  return summary;
}

/** 0 when nothing failed, 1 when something did (warnings do not fail). */
export function exitCode(report: DoctorReport): 0 | 1 {
  return summarize(report).fail > 0 ? 1 : 0;
}

const LABEL: Record<Status, string> = { ok: 'OK', warn: 'WARN', fail: 'FAIL' };
const INDENT = '  ';
const LABEL_WIDTH = 6;

/** Word-wraps `text` to `width` columns, the first line after `first`, the rest after `rest`. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = out.length === 0 ? first : rest;
    let empty = true;
    for (const word of paragraph.split(/ +/)) {
      if (word === '') continue;
      if (!empty && line.length + 1 + word.length > width) {
        out.push(line);
        line = rest + word;
      } else {
        line += (empty ? '' : ' ') + word;
      }
      empty = false;
    }
    out.push(line);
  }
  return out;
}

export function renderText(report: DoctorReport, width = 100): string {
  const out: string[] = [`backbone-otel doctor (${report.agent} ${report.version}): ${report.source}`];
  const body = ' '.repeat(INDENT.length + LABEL_WIDTH);
  for (const section of report.sections) {
    out.push('');
    out.push(section.subject === undefined ? section.title : `${section.title}  ${section.subject}`);
    if (section.note !== undefined) out.push(...wrap(section.note, width, INDENT, INDENT));
    for (const check of section.checks) {
      out.push(...wrap(check.message, width, `${INDENT}${LABEL[check.status].padEnd(LABEL_WIDTH)}`, body));
      for (const line of check.lines ?? []) out.push(`${body}  ${line}`.trimEnd());
      if (check.fix !== undefined && check.status !== 'ok') out.push(...wrap(check.fix, width, `${body}fix: `, `${body}     `));
    }
  }
  const summary = summarize(report);
  out.push('');
  const verdict = summary.fail > 0
    ? 'fix the FAIL lines before deploying'
    : summary.warn > 0 ? 'the agent will work; the WARN lines say what it would miss' : 'ready to run';
  out.push(`Result: ${summary.fail} FAIL, ${summary.warn} WARN, ${summary.ok} OK: ${verdict} (exit ${exitCode(report)}).`);
  return `${out.join('\n')}\n`;
}

export function renderJson(report: DoctorReport): string {
  const summary = summarize(report);
  return `${JSON.stringify({
    agent: report.agent,
    version: report.version,
    source: report.source,
    ok: summary.fail === 0,
    exitCode: exitCode(report),
    summary,
    durationMs: Math.round(report.durationMs),
    sections: report.sections,
  }, null, 2)}\n`;
}

/** "1 file", "3 files". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The first `max` items joined, then "and N more". */
export function listSome(items: readonly string[], max: number, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)}${separator}and ${items.length - max} more`;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}
