// ${env:NAME}, ${env:NAME:-default} and ${file:PATH} in configuration values, as in the
// OpenTelemetry Collector; $$ stands for a literal $. Expansion happens on the parsed YAML
// nodes, so that a value keeps its line and column and errors can say which variable it came
// from.
import { type Document, isPair, isSeq, parse, type Scalar, visit } from 'yaml';
import type { ConfigIssue } from './config-issue.ts';
import { readReferencedFile } from './file-provider.ts';

// The third form is a reference without its closing brace: an error, not literal text.
const REFERENCE = /\$\$|\$\{([^}]*)\}|\$\{[^}]*$/g;
const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
const FILE_REFERENCE = /^file:(.+)$/s;
const EXPECTED = 'expected ${env:NAME}, ${env:NAME:-default} or ${file:PATH}';

/** What expansion did to one value, for error messages and for print-config. */
export interface ExpandedValue {
  source: string;
  unsetVariables: string[];
  /** Its key path. */
  path: (string | number)[];
  /** Whether a part of it is a secret: read from a file, or from a variable of an environment file. */
  secret: boolean;
}

export interface ExpansionOptions {
  /** The configuration file, from whose folder a relative ${file:PATH} is read. */
  configFile: string;
  /** Variables whose values are secrets (set from an environment file). */
  secretVariables?: ReadonlySet<string>;
}

export interface ExpansionResult {
  issues: ConfigIssue[];
  /** Scalar nodes whose value came from the environment. */
  expanded: Map<Scalar, ExpandedValue>;
}

export function expandEnvironment(doc: Document, env: Record<string, string | undefined>, options: ExpansionOptions): ExpansionResult {
  const issues: ConfigIssue[] = [];
  const expanded = new Map<Scalar, ExpandedValue>();
  visit(doc, {
    Scalar(key, node, ancestry) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const source = node.value;
      const unsetVariables: string[] = [];
      let references = 0;
      let secret = false;
      let wholeValueIsReference = false;
      const value = source.replace(REFERENCE, (match, inner: string | undefined, offset: number) => {
        if (match === '$$') return '$';
        if (!match.endsWith('}')) {
          issues.push({ path: keyPath(ancestry, node), message: `"${match}" has no closing }: ${EXPECTED}` });
          return match;
        }
        references++;
        wholeValueIsReference = match.length === source.length && offset === 0;
        const file = FILE_REFERENCE.exec(inner ?? '');
        if (file) {
          const read = readReferencedFile(file[1]!, options.configFile);
          if ('problem' in read) {
            issues.push({ path: keyPath(ancestry, node), message: `${match}: ${read.problem}` });
            return match;
          }
          secret = true;
          return read.value;
        }
        const env_ = ENV_REFERENCE.exec(inner ?? '');
        if (!env_) {
          issues.push({ path: keyPath(ancestry, node), message: `cannot expand "${match}": ${EXPECTED}` });
          return match;
        }
        const [, name, fallback] = env_ as unknown as [string, string, string | undefined];
        const current = env[name];
        if (current !== undefined) {
          if (options.secretVariables?.has(name)) secret = true;
          return current;
        }
        if (fallback !== undefined) return fallback;
        unsetVariables.push(name);
        return '';
      });
      if (value === source) return;
      // A plain `port: ${env:PORT}` becomes the number or boolean the variable holds,
      // as if it had been written there; quoted values stay strings.
      if (wholeValueIsReference && references === 1 && node.type === 'PLAIN') {
        const typed: unknown = value === '' ? '' : safeScalar(value);
        node.value = typed;
      } else {
        node.value = value;
      }
      expanded.set(node, { source, unsetVariables, path: keyPath(ancestry, node), secret });
    },
  });
  return { issues, expanded };
}

function safeScalar(text: string): unknown {
  try {
    const parsed: unknown = parse(text);
    return typeof parsed === 'number' || typeof parsed === 'boolean' ? parsed : text;
  } catch {
    return text;
  }
}

/** The key path of a node from the ancestry that yaml's visit() passes along. */
export function keyPath(ancestry: readonly unknown[], node: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  for (let i = 0; i < ancestry.length; i++) {
    const item = ancestry[i];
    const child = ancestry[i + 1] ?? node;
    if (isPair(item)) path.push(String((item.key as Scalar | null)?.value ?? item.key));
    else if (isSeq(item)) path.push(item.items.indexOf(child as never));
  }
  return path;
}

/**
 * `{ password: ${env:JIRA_PASSWORD} }` is not valid YAML: `{` and `}` end a plain scalar in a
 * flow mapping. References are replaced by placeholders of the same length before parsing (so
 * lines and columns stay true) and put back in every scalar after, so they work anywhere.
 */
export interface MaskedText {
  text: string;
  restore(value: string): string;
}

export function maskReferences(text: string): MaskedText {
  const originals = new Map<string, string>();
  const masked = text.replace(/\$\{[^}\n]*\}/g, (reference, offset: number) => {
    if (offset > 0 && text[offset - 1] === '$') return reference; // $${...} is a literal
    const placeholder = `Q9Zr${originals.size.toString(36)}Z`;
    if (placeholder.length > reference.length) return reference;
    const padded = placeholder.padEnd(reference.length, 'x');
    originals.set(padded, reference);
    return padded;
  });
  if (originals.size === 0) return { text, restore: (value) => value };
  const pattern = /Q9Zr[0-9a-z]+Zx*/g;
  return {
    text: masked,
    restore: (value) => (value.includes('Q9Zr') ? value.replace(pattern, (found) => originals.get(found) ?? found) : value),
  };
}
