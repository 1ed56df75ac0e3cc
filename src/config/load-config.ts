// Reads a configuration file: YAML with positions, ${env:...} expansion, the top-level and
// service schema, every component's own schema, and the pipelines' references. Every
// problem is collected with its key path, line and column, and all are reported together.
import * as z from 'zod';
import { type Document, isAlias, isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Scalar, visit } from 'yaml';
import type { AnyFactory, Claim, ExporterFactory, ExtensionFactory, FactoryBase, ProcessorFactory, ReceiverFactory, ResolveContext } from '../component/component.ts';
import { type ComponentId, type ComponentKind, parseComponentId, type Signal } from '../component/component-id.ts';
import type { Registry } from '../component/component.ts';
import { ConfigError, type ConfigIssue, formatPath } from './config-issue.ts';
import { type DuplicateKey, duplicateKeysOf } from './duplicate-keys.ts';
import { type ExpandedValue, expandEnvironment, maskReferences } from './env-expansion.ts';
import { envFileVariables } from './env-file.ts';
import { readConfigFile } from './read-config-file.ts';
import { isSecretPath } from './secret-keys.ts';
import { storageIssues } from './storage-places.ts';
import { type ServiceConfig, topLevelSchema } from './service-schema.ts';
import { describeZodIssue, knownKeysAt, suggestKey } from './zod-issues.ts';

export interface ComponentEntry<F extends AnyFactory> {
  id: ComponentId;
  factory: F;
  config: unknown;
  /** Keys resolve() took from another component (a receiver's layout: extension): print-config leaves them out. */
  fromElsewhere?: readonly string[];
}

export interface PipelineConfig {
  id: string;
  signal: Signal;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export interface AgentConfig {
  file: string;
  receivers: Map<string, ComponentEntry<ReceiverFactory>>;
  processors: Map<string, ComponentEntry<ProcessorFactory>>;
  exporters: Map<string, ComponentEntry<ExporterFactory>>;
  extensions: Map<string, ComponentEntry<ExtensionFactory>>;
  pipelines: PipelineConfig[];
  service: ServiceConfig;
  /** Things that work but are probably not meant (a component defined and never used). */
  warnings: string[];
  /**
   * Key paths of values that hold a secret whatever their key: read with ${file:PATH}, or from
   * a variable that an environment file (--env-file) set. print-config redacts them.
   */
  secretPaths?: (string | number)[][];
}

type Env = Record<string, string | undefined>;

export function loadConfigFile(file: string, registry: Registry, env: Env = process.env): AgentConfig {
  return loadConfigText(readConfigFile(file), file, registry, env);
}

const SECTIONS = [
  ['receivers', 'receiver'], ['processors', 'processor'], ['exporters', 'exporter'], ['extensions', 'extension'],
] as const satisfies readonly (readonly [keyof Registry, ComponentKind])[];

export function loadConfigText(text: string, file: string, registry: Registry, env: Env = process.env): AgentConfig {
  const lineCounter = new LineCounter();
  const masked = maskReferences(text);
  // yaml's own uniqueKeys check compares every key with every other of its mapping, which
  // makes a large file take minutes; duplicateKeysOf() does the same with a Set.
  const doc = parseDocument(masked.text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const duplicates: DuplicateKey[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.value = masked.restore(node.value);
    },
    Map(_key, node, ancestry) {
      duplicates.push(...duplicateKeysOf(node, ancestry));
    },
  });
  const locator = new Locator(doc, lineCounter);
  const issues: ConfigIssue[] = doc.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { path: [], message: `YAML: ${error.message.split('\n')[0]}`, line, column: col };
  });
  for (const key of duplicates) {
    const { line, col } = lineCounter.linePos(key.offset);
    issues.push({ path: key.path, message: `"${key.name}" is defined twice in this mapping (keys must be unique)`, line, column: col });
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
  if (doc.contents === null) throw new ConfigError(file, [{ path: [], message: 'the file is empty: expected receivers, exporters and service' }]);

  const expansion = expandEnvironment(doc, env, { configFile: file, secretVariables: envFileVariables(env) });
  locator.expanded = expansion.expanded;
  issues.push(...expansion.issues.map((issue) => locator.locate(issue)));

  const raw = toPlainValues(doc, lineCounter, file);
  const top = topLevelSchema.safeParse(raw, { reportInput: true });
  if (!top.success) {
    issues.push(...zodIssues(top.error, [], topLevelSchema, locator));
    throw new ConfigError(file, sortByLine(issues));
  }

  const config: AgentConfig = {
    file, receivers: new Map(), processors: new Map(), exporters: new Map(), extensions: new Map(),
    pipelines: [], service: top.data.service, warnings: [],
    secretPaths: [...expansion.expanded.values()].filter((value) => value.secret).map((value) => value.path),
  };
  const written = new Map<string, ReadonlySet<string>>();
  for (const [section, kind] of SECTIONS) {
    const factories = registry[section] as ReadonlyMap<string, AnyFactory>;
    for (const [idText, value] of Object.entries(top.data[section])) {
      const path = [section, idText];
      const id = parseComponentId(idText);
      if (typeof id === 'string') {
        issues.push(locator.locate({ path, message: id }, true));
        continue;
      }
      const factory = factories.get(id.type);
      if (!factory) {
        const known = [...factories.keys()];
        const hint = suggestKey(id.type, known);
        issues.push(locator.locate({
          path,
          message: `unknown ${kind} type "${id.type}"` + (hint ? ` (did you mean "${hint}"?)` : '') +
            `; known: ${known.length > 0 ? known.join(', ') : 'none yet'}`,
        }, true));
        continue;
      }
      const parsed = factory.configSchema.safeParse(value ?? {}, { reportInput: true });
      if (!parsed.success) {
        issues.push(...zodIssues(parsed.error, path, factory.configSchema, locator));
        continue;
      }
      for (const problem of factory.crossCheck?.(parsed.data) ?? []) issues.push(locator.locate({ path, message: problem }, true));
      (config[section] as Map<string, ComponentEntry<AnyFactory>>).set(idText, { id, factory, config: parsed.data });
      written.set(`${section}/${idText}`, new Set(value !== null && typeof value === 'object' ? Object.keys(value) : []));
    }
  }

  resolveComponents(config, written, new Set(Object.keys(top.data.extensions)), locator, issues);
  checkPipelines(config, top.data.service, raw, locator, issues);
  checkExtensions(config, top.data.service, definedExtensionsOf(top.data.extensions), locator, issues);
  // Once per key: a component's own check (backbone_events' storage) may have said it already.
  const said = new Set(issues.map((issue) => formatPath(issue.path)));
  for (const issue of storageIssues(config, (keyPath) => locator.locate({ path: keyPath, message: '' }).line)) {
    if (!said.has(formatPath(issue.path))) issues.push(locator.locate(issue));
  }
  if (issues.length > 0) throw new ConfigError(file, sortByLine(issues));
  return config;
}

/** What listing a component twice in one pipeline would do. */
const TWICE = {
  receivers: 'everything it reports would enter the pipeline twice',
  processors: 'every batch would pass it twice',
  exporters: 'every batch would be sent twice',
} as const;

function checkPipelines(config: AgentConfig, service: ServiceConfig, raw: unknown, locator: Locator, issues: ConfigIssue[]): void {
  const rawSections = raw as Record<string, Record<string, unknown> | null | undefined>;
  const used = new Set<string>();
  const exporterPipelines = new Map<string, string[]>();
  for (const [pipelineId, pipeline] of Object.entries(service.pipelines)) {
    const path = ['service', 'pipelines', pipelineId];
    const signal = pipelineId.split('/')[0];
    if (signal !== 'metrics' && signal !== 'logs') {
      issues.push(locator.locate({
        path,
        message: `"${pipelineId}" is not a pipeline id: expected metrics, logs, metrics/<name> or logs/<name>` +
          (signal === 'traces' ? ' (this agent emits no traces)' : ''),
      }, true));
      continue;
    }
    const lists = [['receivers', 'receiver'], ['processors', 'processor'], ['exporters', 'exporter']] as const;
    for (const [section, kind] of lists) {
      const listed = new Map<string, number>();
      pipeline[section].forEach((idText, index) => {
        const itemPath = [...path, section, index];
        const first = listed.get(idText);
        if (first !== undefined) {
          const firstLine = locator.locate({ path: [...path, section, first], message: '' }).line;
          issues.push(locator.locate({
            path: itemPath,
            message: `${kind} "${idText}" is listed twice in this pipeline (first at ${formatPath([section, first])}${firstLine === undefined ? '' : `, line ${firstLine}`}): ${TWICE[section]}; list it once`,
          }));
          return;
        }
        listed.set(idText, index);
        const entry = (config[section] as Map<string, ComponentEntry<AnyFactory>>).get(idText);
        used.add(`${section}/${idText}`);
        if (!entry) {
          // Defined but invalid components were reported already; only report missing ones.
          if (rawSections[section]?.[idText] === undefined) {
            const hint = suggestKey(idText, Object.keys(rawSections[section] ?? {}));
            issues.push(locator.locate({
              path: itemPath,
              message: `${kind} "${idText}" is not defined under ${section}` + (hint ? ` (did you mean "${hint}"?)` : ''),
            }));
          }
          return;
        }
        if (!entry.factory.signals.includes(signal)) {
          issues.push(locator.locate({
            path: itemPath,
            message: `${kind} "${idText}" does not support ${signal}; it supports ${entry.factory.signals.join(', ')}`,
          }));
        }
        else if (section === 'exporters') exporterPipelines.set(idText, [...(exporterPipelines.get(idText) ?? []), pipelineId]);
      });
    }
    config.pipelines.push({ id: pipelineId, signal, ...pipeline });
  }
  for (const [idText, pipelines] of exporterPipelines) {
    const entry = config.exporters.get(idText);
    if (entry?.factory.onePipelineOnly && pipelines.length > 1) {
      issues.push(locator.locate({
        path: ['exporters', idText],
        message: `exporter "${idText}" can serve one pipeline only, but is in ${pipelines.join(' and ')}; define a second one (${entry.id.type}/other) with its own endpoint`,
      }, true));
    }
  }
  for (const section of ['receivers', 'processors', 'exporters'] as const) {
    for (const idText of config[section].keys()) {
      if (!used.has(`${section}/${idText}`)) config.warnings.push(`${section}.${idText} is defined but not used in any pipeline`);
    }
  }
}

/**
 * Completes the components that name others (factory.resolve: a receiver's `layout:`), then
 * checks that the components sharing a resource (factory.claims: a Backbone root) agree on it.
 */
function resolveComponents(
  config: AgentConfig, written: Map<string, ReadonlySet<string>>, definedExtensions: ReadonlySet<string>, locator: Locator, issues: ConfigIssue[],
): void {
  const extensionIds = [...definedExtensions];
  const extension: ResolveContext['extension'] = (id) => {
    if (!definedExtensions.has(id)) return undefined;
    const entry = config.extensions.get(id);
    // Defined but invalid: its own issues say why.
    return { type: entry?.id.type ?? parseComponentIdType(id), config: entry?.config, enabled: config.service.extensions.includes(id), valid: entry !== undefined };
  };
  const claims = new Map<string, { path: (string | number)[]; claim: Claim }>();
  for (const [section] of SECTIONS) {
    for (const [idText, entry] of config[section] as Map<string, ComponentEntry<AnyFactory>>) {
      const path = [section, idText];
      const factory = entry.factory as FactoryBase<unknown>;
      if (factory.resolve) {
        const resolved = factory.resolve(entry.config, { written: written.get(`${section}/${idText}`) ?? new Set(), extension, extensionIds });
        if (resolved.problems) {
          issues.push(...resolved.problems.map((problem) => locator.locate({ path: [...path, ...problem.path], message: problem.message }, true)));
          continue;
        }
        entry.config = resolved.config;
        if (resolved.fromElsewhere) entry.fromElsewhere = resolved.fromElsewhere;
      }
      for (const claim of factory.claims?.(entry.config) ?? []) {
        const claimPath = [...path, ...claim.path];
        const first = claims.get(claim.resource);
        if (first === undefined) {
          claims.set(claim.resource, { path: claimPath, claim });
          continue;
        }
        const differences = first.claim.differences(claim);
        if (differences.length === 0) continue;
        const firstAt = locator.locate({ path: first.path, message: '' }, true);
        const here = locator.locate({ path: claimPath, message: '' }, true);
        const what = `differently: ${differences.join('; ')}${claim.advice ? `; ${claim.advice}` : ''}`;
        issues.push(locator.locate({ path: claimPath, message: `${claim.resource} is also read by ${formatPath(first.path)}${firstAt.line === undefined ? '' : ` (line ${firstAt.line})`}, ${what}` }, true));
        issues.push(locator.locate({ path: first.path, message: `${claim.resource} is also read by ${formatPath(claimPath)}${here.line === undefined ? '' : ` (line ${here.line})`}, ${what}` }, true));
      }
    }
  }
}

function definedExtensionsOf(section: Record<string, unknown>): ReadonlySet<string> {
  return new Set(Object.keys(section));
}

function parseComponentIdType(idText: string): string {
  const id = parseComponentId(idText);
  return typeof id === 'string' ? idText : id.type;
}

function checkExtensions(config: AgentConfig, service: ServiceConfig, defined: ReadonlySet<string>, locator: Locator, issues: ConfigIssue[]): void {
  service.extensions.forEach((idText, index) => {
    // Defined but invalid ones were reported already.
    if (!config.extensions.has(idText) && !defined.has(idText)) {
      issues.push(locator.locate({ path: ['service', 'extensions', index], message: `extension "${idText}" is not defined under extensions` }));
    }
  });
}

function zodIssues(error: z.ZodError, prefix: (string | number)[], schema: unknown, locator: Locator): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const hint = suggestKey(key, known);
        out.push(locator.locate({
          path: [...path, key],
          message: `unknown key "${key}"` + (hint ? ` (did you mean "${hint}"?)` : '') + (known.length > 0 ? `; expected one of: ${known.join(', ')}` : ''),
        }, true));
      }
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    // A custom issue may point inside a string value (an OTTL condition): params.offset.
    const offset = (issue as { params?: { offset?: unknown } }).params?.offset;
    out.push(locator.locate({ path, message: describeZodIssue(issue, input, isSecretPath(path) || locator.holdsSecret(path)) }, false, typeof offset === 'number' ? offset : undefined));
  }
  return out;
}

/** Anchors and aliases may repeat a part; a few hundred repetitions mean a billion-laughs file. */
const MAX_ALIAS_COUNT = 100;

function toPlainValues(doc: Document, lineCounter: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let first: number | undefined;
    visit(doc, { Alias(_key, node) { first ??= node.range?.[0]; return first === undefined ? undefined : visit.BREAK; } });
    const position = first === undefined ? undefined : lineCounter.linePos(first);
    throw new ConfigError(file, [{
      path: [], line: position?.line, column: position?.col,
      message: `the YAML aliases (*name) of this file expand to more than ${MAX_ALIAS_COUNT} copies of their anchors: a configuration never needs that many, and expanding them could exhaust memory`,
    }]);
  }
}

function sortByLine(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** Finds the line and column of a key path, or of its deepest part that exists. */
class Locator {
  private readonly doc: Document;
  private readonly lineCounter: LineCounter;
  expanded = new Map<Scalar, ExpandedValue>();

  constructor(doc: Document, lineCounter: LineCounter) {
    this.doc = doc;
    this.lineCounter = lineCounter;
  }

  /** Whether the value at the path came from a file or an environment file: never quoted. */
  holdsSecret(path: readonly (string | number)[]): boolean {
    const node = this.find(path, false);
    return isScalar(node) && this.expanded.get(node)?.secret === true;
  }

  /** `offset`: a position inside the string value at the path, for an error in its text. */
  locate(issue: ConfigIssue, atKey = false, offset?: number): ConfigIssue {
    const node = this.find(issue.path, atKey);
    if (!node?.range) return issue;
    const position = this.lineCounter.linePos(offset === undefined ? node.range[0] : sourceOffset(node, offset));
    let message = issue.message;
    const expanded = isScalar(node) ? this.expanded.get(node) : undefined;
    if (expanded) {
      const unset = expanded.unsetVariables.length > 0 ? `; ${expanded.unsetVariables.join(', ')} not set` : '';
      // A secret's literal parts (`pass${env:X}`) stay unsaid: only its references are named.
      const source = isSecretPath(issue.path) || expanded.secret ? (expanded.source.match(/\$\{[^}]*\}/g) ?? []).join(' ') : expanded.source;
      message += ` (value of ${source}${unset})`;
    }
    return { ...issue, message, line: position.line, column: position.col };
  }

  private find(path: readonly (string | number)[], atKey: boolean): { range?: [number, number, number] | null } | undefined {
    let node: unknown = this.doc.contents;
    let found = node as { range?: [number, number, number] | null } | undefined;
    // Where a key is missing, point at the key of the mapping that lacks it.
    let holderKey: typeof found;
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(part));
        if (!pair) return holderKey ?? found;
        holderKey = isNode(pair.key) ? pair.key : undefined;
        if (last && atKey && isNode(pair.key)) return pair.key;
        node = pair.value;
        // `key:` with no value: point at the key.
        found = (isNode(node) ? node : isNode(pair.key) ? pair.key : found) as typeof found;
      } else if (isNode(node) && 'items' in node && Array.isArray(node.items) && typeof part === 'number') {
        node = node.items[part];
        if (!isNode(node)) return found;
        found = node;
      } else {
        return found;
      }
    }
    return found;
  }
}

/**
 * Where the character at `offset` of a one-line string scalar stands in the file: after the
 * opening quote, and after the escapes before it ('' in single quotes, \" and \\ in double
 * quotes). Other scalars (block or multi-line ones) point at their start.
 */
function sourceOffset(node: { range?: [number, number, number] | null }, offset: number): number {
  const start = node.range![0];
  if (!isScalar(node) || typeof node.value !== 'string') return start;
  const value = node.value.slice(0, offset);
  switch (node.type) {
    case 'PLAIN': return start + offset;
    case 'QUOTE_SINGLE': return start + 1 + offset + (value.match(/'/g)?.length ?? 0);
    case 'QUOTE_DOUBLE': return start + 1 + offset + (value.match(/["\\]/g)?.length ?? 0);
    default: return start;
  }
}
