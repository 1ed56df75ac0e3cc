// Strict JSON Schemas of Kubernetes objects, made from kubernetes-types (TypeScript
// definitions generated from the Kubernetes OpenAPI specification, published on npm) by
// ts-json-schema-generator, and checked with ajv. Every object gets additionalProperties:
// false, as kubectl's strict field validation does: an unknown or misspelt field fails.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';

const require = createRequire(import.meta.url);
const TYPES_DIR = path.dirname(require.resolve('kubernetes-types/package.json'));
export const KUBERNETES_TYPES_VERSION = (require('kubernetes-types/package.json') as { version: string }).version;

/** Where each kind is declared in kubernetes-types. */
const KINDS: Record<string, { file: string; type: string }> = {
  'apps/v1 DaemonSet': { file: 'apps/v1.d.ts', type: 'DaemonSet' },
  'apps/v1 Deployment': { file: 'apps/v1.d.ts', type: 'Deployment' },
  'v1 ConfigMap': { file: 'core/v1.d.ts', type: 'ConfigMap' },
  'v1 Secret': { file: 'core/v1.d.ts', type: 'Secret' },
  'v1 Service': { file: 'core/v1.d.ts', type: 'Service' },
  'rbac.authorization.k8s.io/v1 Role': { file: 'rbac/v1.d.ts', type: 'Role' },
  'rbac.authorization.k8s.io/v1 RoleBinding': { file: 'rbac/v1.d.ts', type: 'RoleBinding' },
  // Parts of a pod, for Helm values that hold them (additionalContainers, volumes.additional).
  Container: { file: 'core/v1.d.ts', type: 'Container' },
  Volume: { file: 'core/v1.d.ts', type: 'Volume' },
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();
const generators = new Map<string, ReturnType<typeof createGenerator>>();

function validator(name: string): ValidateFunction {
  const known = validators.get(name);
  if (known) return known;
  const where = KINDS[name];
  if (!where) throw new Error(`no schema for ${name}; known: ${Object.keys(KINDS).join(', ')}`);
  let generator = generators.get(where.file);
  if (!generator) {
    generator = createGenerator({
      path: path.join(TYPES_DIR, where.file), type: '*', skipTypeCheck: true, expose: 'export', topRef: true,
      additionalProperties: false, jsDoc: 'none',
    });
    generators.set(where.file, generator);
  }
  const schema = generator.createSchema(where.type);
  const compiled = ajv.compile(schema);
  validators.set(name, compiled);
  return compiled;
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '(top level)' : error.instancePath;
  if (error.keyword === 'additionalProperties') return `${at}: unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  return `${at}: ${error.message ?? error.keyword}`;
}

/** Problems of one object against the schema of its kind ("apps/v1 DaemonSet"), or of a part ("Container"). */
export function validateAs(name: string, value: unknown): string[] {
  const validate = validator(name);
  if (validate(value)) return [];
  // Only the deepest reasons: a oneOf/anyOf failure repeats what its branches said.
  return [...new Set((validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf').map(describe))];
}

/** Problems of a whole object: its apiVersion and kind, then its fields. */
export function validateObject(value: unknown): string[] {
  const object = value as { apiVersion?: unknown; kind?: unknown } | null;
  if (object === null || typeof object !== 'object') return ['not a mapping'];
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return ['apiVersion and kind are required'];
  const name = `${object.apiVersion} ${object.kind}`;
  if (!KINDS[name]) return [`${name} is not a kind these tests know; add it to test/deploy/support/kubernetes-schema.ts`];
  return validateAs(name, value);
}
