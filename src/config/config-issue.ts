/** One problem found in a configuration file, located for the user. */
export interface ConfigIssue {
  /** Key path, for example ['exporters', 'otlphttp', 'encoding']. */
  path: readonly (string | number)[];
  message: string;
  line?: number;
  column?: number;
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(top level)' : out;
}

export function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? file : `${file}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${formatPath(issue.path)}: ${issue.message}`;
}

/** Thrown when a configuration cannot be used; carries every issue found, not only the first. */
export class ConfigError extends Error {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];
  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(`invalid configuration in ${file}:\n` + issues.map((issue) => '  ' + formatIssue(file, issue)).join('\n'));
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}
