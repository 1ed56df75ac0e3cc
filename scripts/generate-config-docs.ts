// node scripts/generate-config-docs.ts: writes docs/configuration.md, the configuration
// reference, from the components the agent knows (src/components.ts). For each
// component: its keys, types, bounds and enums from zod's z.toJSONSchema of its configSchema;
// its defaults as YAML would spell them (the schema decodes a minimal configuration and
// encodes it back, as print-config does); the description of each key from the comment above
// it in the schema's source (read with the TypeScript compiler, which keeps those comments
// through zod's types). Presets (datadog, newrelic, grafana_cloud) are documented from their
// own keys and from what they expand to. test/deploy/config-docs.test.ts fails when the file
// is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import * as z from 'zod';
import { stringify } from 'yaml';
import type { AnyFactory } from '../src/component/component.ts';
import { registry } from '../src/components.ts';
import { redact } from '../src/config/print-config.ts';
import { serviceSchema } from '../src/config/service-schema.ts';
import { PASS_THROUGH } from '../src/exporters/otlphttp/preset.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TARGET = path.join(ROOT, 'docs', 'configuration.md');

/** Settings that make a component's schema accept the rest as defaults. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  'receiver/backbone_folders': { root: '/var/atlassian/application-data/jira/data/backbone-issue-sync' },
  'receiver/backbone_events': { root: '/var/atlassian/application-data/jira/data/backbone-issue-sync' },
  'receiver/backbone_rest': { endpoint: 'https://jira.example.com', auth: { bearer: { token: '${env:JIRA_TOKEN}' } } },
  'processor/memory_limiter': { limit_mib: 256 },
  'exporter/otlphttp': { endpoint: 'http://127.0.0.1:4318' },
  'exporter/datadog': { api_key: '${env:DD_API_KEY}' },
  'exporter/newrelic': { license_key: '${env:NEW_RELIC_LICENSE_KEY}' },
  'extension/leader_election': { lease_dir: '/var/atlassian/application-data/jira-shared/backbone-otel' },
  'extension/backbone_layout': { root: '/var/atlassian/application-data/jira/data/backbone-issue-sync' },
  'exporter/grafana_cloud': { endpoint: 'https://otlp-gateway-prod-eu-west-2.grafana.net/otlp', instance_id: '123456', token: '${env:GRAFANA_CLOUD_TOKEN}' },
};
const SERVICE_MINIMAL = { pipelines: { metrics: { receivers: ['backbone_folders'], exporters: ['prometheus'] } } };

type JsonSchema = {
  type?: string | string[]; enum?: unknown[]; properties?: Record<string, JsonSchema>; required?: string[];
  items?: JsonSchema; additionalProperties?: JsonSchema | boolean; propertyNames?: JsonSchema;
  anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; minimum?: number; maximum?: number; exclusiveMinimum?: number;
  minLength?: number; minItems?: number; pattern?: string;
  /** durationIn()'s range, "1s to 24h". */
  'x-duration-range'?: string;
  /** retiredKey()'s advice: the key is refused, saying what to write instead. */
  'x-retired'?: string;
};

// --- Comments above the keys, through the TypeScript compiler ----------------------------

interface PresetKey {
  key: string;
  doc: string;
  /** The zod code of the key, for its type and default. */
  initializer: string;
  /** The values of a z.enum(...) in it, resolved when they are a named constant. */
  enumValues: string[] | undefined;
}

interface SourceDocs {
  /** Dotted key -> the comment above it. */
  keys(typeAlias: string): Map<string, string>;
  /** A preset's own keys, from the object literal its factory module passes to presetSchema(). */
  presetKeys(file: string): PresetKey[];
}

function readSourceDocs(imports: { name: string; file: string }[], aliases: Record<string, string>): SourceDocs {
  const virtual = path.join(ROOT, 'scripts', '__config-docs__.ts');
  const text = [
    "import type * as z from 'zod';",
    ...imports.map(({ name, file }) => `import type { ${name} } from '${path.relative(path.dirname(virtual), file).replace(/\\/g, '/')}';`),
    ...Object.entries(aliases).map(([alias, expression]) => `export type ${alias} = ${expression};`),
  ].join('\n');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, ROOT);
  const host = ts.createCompilerHost(config.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => (path.resolve(file) === virtual ? ts.createSourceFile(file, text, language) : read(file, language, ...rest));
  const program = ts.createProgram([virtual], { ...config.options, noEmit: true }, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(virtual)!;
  const docOf = (symbol: ts.Symbol): string => {
    let doc = ts.displayPartsToString(symbol.getDocumentationComment(checker));
    // `key: other.key` (a field shared with another schema): the comment of the one it reuses.
    const declaration = symbol.declarations?.[0];
    if (doc === '' && declaration && ts.isPropertyAssignment(declaration) && ts.isPropertyAccessExpression(declaration.initializer)) {
      const target = checker.getSymbolAtLocation(declaration.initializer);
      if (target) doc = ts.displayPartsToString(target.getDocumentationComment(checker));
    }
    return doc.replace(/\s+/g, ' ').trim();
  };
  return {
    keys(typeAlias) {
      const statement = source.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === typeAlias);
      if (!statement) throw new Error(`no type ${typeAlias}`);
      const out = new Map<string, string>();
      const walk = (type: ts.Type, prefix: string, depth: number) => {
        for (const property of checker.getPropertiesOfType(type)) {
          const key = `${prefix}${property.name}`;
          const doc = docOf(property);
          if (doc !== '') out.set(key, doc);
          const inner = checker.getNonNullableType(checker.getTypeOfSymbol(property));
          if (depth < 3 && inner.flags & ts.TypeFlags.Object && !checker.isArrayType(inner) && checker.getIndexInfosOfType(inner).length === 0) {
            walk(inner, `${key}.`, depth + 1);
          }
        }
      };
      walk(checker.getTypeAtLocation(statement.name), '', 0);
      return out;
    },
    presetKeys(file) {
      const module = program.getSourceFile(file) ?? ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const keys: PresetKey[] = [];
      const enumValues = (initializer: ts.Expression): string[] | undefined => {
        let found: string[] | undefined;
        const look = (node: ts.Node) => {
          if (found) return;
          if (ts.isCallExpression(node) && node.expression.getText(module) === 'z.enum' && node.arguments[0]) {
            let list: ts.Node = node.arguments[0];
            if (ts.isIdentifier(list)) {
              const declaration = checker.getSymbolAtLocation(list)?.declarations?.[0];
              if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer) list = declaration.initializer;
            }
            while (ts.isAsExpression(list) || ts.isParenthesizedExpression(list)) list = list.expression;
            if (ts.isArrayLiteralExpression(list)) found = list.elements.filter(ts.isStringLiteral).map((e) => e.text);
          }
          ts.forEachChild(node, look);
        };
        look(initializer);
        return found;
      };
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'presetSchema') {
          const literal = node.arguments[0];
          if (literal && ts.isObjectLiteralExpression(literal)) {
            for (const property of literal.properties) {
              if (!ts.isPropertyAssignment(property)) continue;
              const symbol = checker.getSymbolAtLocation(property.name);
              const jsDoc = ts.getJSDocCommentsAndTags(property).map((d) => (ts.isJSDoc(d) ? ts.getTextOfJSDocComment(d.comment) ?? '' : '')).join(' ');
              keys.push({
                key: property.name.getText(module),
                doc: (symbol ? docOf(symbol) : '') || jsDoc.replace(/\s+/g, ' ').trim(),
                initializer: property.initializer.getText(module).replace(/\s+/g, ' '),
                enumValues: enumValues(property.initializer),
              });
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(module);
      return keys;
    },
  };
}

// --- Rendering -------------------------------------------------------------------------

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown) => (value === '' ? '`""`' : `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``);

function typeText(node: JsonSchema, decoded: unknown): string {
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (node.enum) return node.enum.map((v) => code(v)).join(' | ');
  const variants = node.anyOf ?? node.oneOf;
  if (variants) return variants.map((v) => typeText(v, undefined)).join(' or ');
  if (types.length === 3 && types.includes('boolean')) return 'string';
  if (types.includes('string') && types.includes('number')) return 'size (`500KB`, `64MiB` or bytes)';
  const type = types[0];
  if (type === 'string' && typeof decoded === 'number') return `duration${node['x-duration-range'] ? ` ${node['x-duration-range'].replace(/(\S+) to (\S+)/, '`$1`–`$2`')}` : ' (`500ms`, `30s`, `5m`)'}`;
  if (type === 'integer' || type === 'number') {
    const low = node.minimum ?? (node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + (type === 'integer' ? 1 : 0) : undefined);
    const high = node.maximum !== undefined && node.maximum < 2 ** 52 ? node.maximum : undefined;
    const bounds = low !== undefined && high !== undefined ? ` ${low}–${high}` : low !== undefined ? ` ≥ ${low}` : high !== undefined ? ` ≤ ${high}` : '';
    return `${type === 'integer' ? 'integer' : 'number'}${bounds}`;
  }
  if (type === 'array') return `list of ${node.items ? typeText(node.items, undefined) : 'values'}`;
  if (type === 'object' && node.properties) return `mapping with ${Object.keys(node.properties).map((k) => code(k)).join(', ')}`;
  if (type === 'object') {
    const value = typeof node.additionalProperties === 'object' ? typeText(node.additionalProperties, undefined) : 'value';
    const names = node.propertyNames?.enum ? `${node.propertyNames.enum.map((v) => code(v)).join(', ')} → ` : 'name → ';
    return `map of ${names}${value}`;
  }
  return type ?? 'any';
}

/** Type, default and description of a preset's own key, from its zod code. */
function describePresetKey(key: PresetKey): { type: string; fallback: string; doc: string } {
  const text = key.initializer;
  const type = key.enumValues ? key.enumValues.map((v) => code(v)).join(' | ')
    : /^httpUrl\b/.test(text) ? 'URL'
    : /^z\.boolean\(/.test(text) ? 'boolean'
    : /^z\.union\(\[z\.string\(\)[^\]]*z\.int\(\)/.test(text) ? 'string or integer'
    : /^z\.(string|union)\(/.test(text) ? 'string' : 'see the source';
  const defaultValue = /\.default\(('([^']*)'|[^)]*)\)/.exec(text);
  const fallback = defaultValue ? code(defaultValue[2] ?? defaultValue[1]) : /\.optional\(\)/.test(text) ? '' : 'required';
  const expected = /'expected (?:an? |the )?([^']*)'/.exec(text)?.[1];
  const doc = key.doc || (expected ? `${expected.charAt(0).toUpperCase()}${expected.slice(1)}.` : '');
  return { type, fallback, doc };
}

function valueAt(object: unknown, dotted: string): unknown {
  let current = object;
  for (const part of dotted.split('.')) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
  return current;
}

function keyTable(schema: z.ZodType, minimal: Record<string, unknown>, docs: Map<string, string>): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const decoded = schema.parse(minimal);
  const encoded = z.encode(schema, decoded as never) as Record<string, unknown>;
  const rows = ['| key | type | default | description |', '|---|---|---|---|'];
  const walk = (node: JsonSchema, prefix: string, required: Set<string>, givenInMinimal: boolean) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const dotted = `${prefix}${key}`;
      if (child.properties) {
        walk(child, `${dotted}.`, new Set(child.required ?? []), givenInMinimal || valueAt(minimal, dotted) !== undefined);
        continue;
      }
      if (child['x-retired'] !== undefined) {
        rows.push(`| \`${dotted}\` | retired | | ${cell(`Refused: ${child['x-retired']}.`)} |`);
        continue;
      }
      const given = valueAt(minimal, dotted) !== undefined || givenInMinimal;
      const value = valueAt(encoded, dotted);
      const fallback = given ? (required.has(key) ? 'required' : '') : value === undefined ? (required.has(key) ? 'required' : '') : code(value);
      rows.push(`| \`${dotted}\` | ${cell(typeText(child, valueAt(decoded, dotted)))} | ${cell(fallback)} | ${cell(docs.get(dotted) ?? '')} |`);
    }
  };
  walk(json, '', new Set(json.required ?? []), false);
  return rows.join('\n');
}

function importsOfRegistry(): { name: string; file: string }[] {
  const file = path.join(ROOT, 'src', 'components.ts');
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import \{ (\w+Factory) \} from '([^']+)';$/gm)]
    .map(([, name, relative]) => ({ name: name!, file: path.resolve(path.dirname(file), relative!) }));
}

const KINDS = [
  ['receivers', 'receiver', 'Receivers', 'read Backbone: its message folders, its REST API, the moves of its message files.'],
  ['processors', 'processor', 'Processors', 'work on what receivers produce, in the order a pipeline lists them.'],
  ['exporters', 'exporter', 'Exporters', 'send or serve what the pipelines carry.'],
  ['extensions', 'extension', 'Extensions', 'run beside the pipelines; list them under `service.extensions` to start them.'],
] as const;

export function renderConfigDocs(): string {
  const imports = importsOfRegistry();
  const factoryFile = new Map<AnyFactory, string>();
  const aliases: Record<string, string> = { Service: 'z.output<typeof serviceSchema>' };
  const serviceFile = path.join(ROOT, 'src', 'config', 'service-schema.ts');
  const allImports = [...imports, { name: 'serviceSchema', file: serviceFile }];
  const loaded = new Map<string, string>(); // factory name -> alias
  for (const { name, file } of imports) {
    aliases[`Config_${name}`] = `z.output<(typeof ${name})['configSchema']>`;
    loaded.set(name, `Config_${name}`);
    void file;
  }
  const docs = readSourceDocs(allImports, aliases);
  const byFactory = new Map<AnyFactory, { alias: string; file: string }>();
  for (const section of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
    for (const factory of registry[section].values()) {
      const match = imports.find(({ file }) => file.includes(`${path.sep}${factory.type}${path.sep}`));
      if (!match) throw new Error(`cannot find the module of ${factory.kind} ${factory.type} among the registry's imports`);
      byFactory.set(factory, { alias: loaded.get(match.name)!, file: match.file });
      factoryFile.set(factory, match.file);
    }
  }

  const out: string[] = [];
  out.push('# Configuration reference', '');
  out.push('<!-- Generated by `node scripts/generate-config-docs.ts` from the components\' config schemas. Do not edit by hand. -->', '');
  out.push(
    'The agent reads one YAML file (`backbone-otel run --config FILE`), shaped like the OpenTelemetry',
    'Collector\'s: components are defined under `receivers`, `processors`, `exporters` and `extensions`,',
    'each with a key `type` or `type/name` (`otlphttp/backup`), and `service.pipelines` wires them',
    'together. Every value may use `${env:NAME}` or `${env:NAME:-default}` (`$$` is a literal `$`), and',
    '`${file:PATH}` for the content of a file (a Kubernetes Secret mounted as files, a systemd credential;',
    'one line end at its end dropped, a relative PATH taken from the configuration file\'s folder).',
    '`--env-file FILE` sets the variables of a systemd EnvironmentFile first (the packages\' `agent.env`).',
    'Values read from a file or from `--env-file` are secrets: never quoted in errors, `[REDACTED]` in print-config.',
    'Unknown keys are errors. `backbone-otel validate --config FILE` reports every problem with its',
    'line; `backbone-otel print-config --config FILE` shows the configuration with all defaults',
    'filled in and secrets redacted. Ready-made files: `config/examples/`.',
    '',
    'Durations are written `500ms`, `30s`, `5m`, `1h30m`; each key takes the range its row gives (a value',
    'outside it is an error: the longest is a day, as timers cannot wait much longer). Sizes are written',
    '`500KB`, `1MB`, `64MiB` or a number of bytes. The file itself may be at most 4 MiB of UTF-8.',
    '',
  );
  out.push('## `service`', '', 'Which components run, and how the agent itself behaves.', '');
  out.push(keyTable(serviceSchema as z.ZodType, SERVICE_MINIMAL, docs.keys('Service')), '');
  out.push('Each pipeline (`metrics`, `logs`, `metrics/<name>`, `logs/<name>`) lists `receivers`, optional `processors` (run in that order) and `exporters`.', '');

  for (const [section, kind, title, intro] of KINDS) {
    const factories = [...registry[section].values()];
    out.push(`## ${title}`, '', `${title} ${intro}`, '');
    if (factories.length === 0) out.push('(none yet)', '');
    for (const factory of factories) {
      const { alias, file } = byFactory.get(factory)!;
      out.push(`### \`${factory.type}\``, '');
      out.push(`${factory.description}`, '');
      out.push(`Stability: ${factory.stability}.${factory.signals.length > 0 ? ` Signals: ${factory.signals.join(', ')}.` : ''}`, '');
      const minimal = MINIMAL[`${kind}/${factory.type}`] ?? {};
      const presetKeys = docs.presetKeys(file);
      if (presetKeys.length > 0) {
        out.push('A preset of `otlphttp`: its own keys fill in the endpoint, headers, encoding and temporality.', '');
        out.push('| key | type | default | description |', '|---|---|---|---|');
        for (const key of presetKeys) {
          const { type, fallback, doc } = describePresetKey(key);
          out.push(`| \`${key.key}\` | ${cell(type)} | ${cell(fallback)} | ${cell(doc)} |`);
        }
        out.push('', `Also takes these \`otlphttp\` keys as they are: ${PASS_THROUGH.map((k) => `\`${k}\``).join(', ')}.`, '');
        const expanded = redact(z.encode(factory.configSchema as z.ZodType, factory.configSchema.parse(minimal) as never));
        out.push('With only the keys it needs, it runs as this `otlphttp` configuration (secrets redacted):', '');
        out.push('```yaml', `# ${factory.type}: ${JSON.stringify(minimal)}`, stringify(expanded, { lineWidth: 0 }).trimEnd(), '```', '');
        continue;
      }
      let table: string;
      try {
        table = keyTable(factory.configSchema as z.ZodType, minimal, docs.keys(alias));
      } catch (error) {
        throw new Error(`${kind} ${factory.type}: ${(error as Error).message}; add a minimal configuration for it to MINIMAL in scripts/generate-config-docs.ts`);
      }
      out.push(table, '');
    }
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

if (import.meta.main) {
  writeFileSync(TARGET, renderConfigDocs());
  process.stdout.write(`wrote ${path.relative(process.cwd(), TARGET)}\n`);
}
