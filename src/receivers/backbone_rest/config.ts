import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { durationIn, httpUrl, stringMap } from '../../config/schema-types.ts';
import { ATTR } from '../../telemetry/attributes.ts';

/**
 * A secret (password, token): any YAML scalar is taken as text, because an unquoted
 * all-digit password is a number to YAML. Error messages never repeat the value.
 */
function secret(what: string) {
  return z.codec(
    z.union([z.string(), z.number(), z.boolean()], { error: `expected ${what} (a string)` }),
    z.string(),
    { decode: (value) => String(value), encode: (text) => text },
  ).refine((text) => text.length > 0, `expected ${what}, found an empty value`)
    .refine((text) => !/[\r\n\0]/.test(text), `${what} must not contain line breaks or NUL characters`);
}

const basicAuth = z.strictObject({
  username: z.string({ error: 'expected the Jira user name' }).min(1, 'expected the Jira user name, found an empty value'),
  password: secret('the password'),
});

const bearerAuth = z.strictObject({
  /** A Jira personal access token (Jira Data Center 8.14 and later). */
  token: secret('a personal access token')
    .refine((text) => /^[\x21-\x7e]*$/.test(text), 'a personal access token consists of printable ASCII characters, without spaces'),
});

const AUTH_HELP = 'expected auth with either basic: { username, password } or bearer: { token }';

const authSchema = z.strictObject({
  basic: basicAuth.optional(),
  bearer: bearerAuth.optional(),
}, { error: AUTH_HELP }).refine(
  (auth) => (auth.basic === undefined) !== (auth.bearer === undefined),
  `${AUTH_HELP}, exactly one of them`,
);

const endpointSchema = httpUrl.refine((value) => {
  try {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  } catch {
    return true; // reported by httpUrl
  }
}, 'the endpoint URL must not contain credentials: put them under auth')
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.search === '' && url.hash === '';
    } catch {
      return true;
    }
  }, 'expected the Jira base URL without query or fragment, for example https://jira.example.com/jira');

/** Attribute names of the telemetry contract, which `attributes` may not overwrite. */
const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(ATTR));

export const restConfigSchema = z.strictObject({
  /** The Jira base URL (with its context path); the API path is appended. */
  endpoint: z.string({ error: 'expected the Jira base URL, for example https://jira.example.com/jira' }).pipe(endpointSchema),
  auth: authSchema,
  /** Empty: every integration (needs a Jira administrator). Else one query per project key (enough for a project administrator). */
  project_keys: z.array(z.string().min(1).regex(/^\S+$/, 'expected a Jira project key without spaces, for example AP'))
    .default([])
    .refine((keys) => new Set(keys).size === keys.length, 'a project key is listed twice'),
  collection_interval: durationIn(30_000, { min: 1_000, max: 24 * 3_600_000 }),
  /** Per request: from sending it to the last byte of the answer. */
  timeout: durationIn(10_000, { min: 100, max: 600_000 }),
  tls: z.strictObject({
    /** PEM file of the CA that signed Jira's certificate (a private CA or a self-signed certificate). */
    ca_file: z.string().default(''),
    insecure_skip_verify: z.boolean().default(false),
  }).prefault({}),
  /** Requests in flight at once against this Jira. */
  max_concurrent_requests: z.int().min(1).max(32).default(4),
  /** A larger answer is cut off and counted as a failure. */
  max_response_size: z.int().min(1024).default(16 * 1024 * 1024),
  /** Also GET /health each poll. */
  health_check: z.boolean().default(true),
  /** Extra HTTP request headers (for a proxy in front of Jira, say); values are redacted in print-config. */
  headers: stringMap,
  /**
   * Extra attributes on every metric point and log record of this receiver: to tell
   * several Jiras apart when more than one backbone_rest receiver feeds one pipeline.
   */
  attributes: z.record(z.string().min(1), z.string())
    .default({})
    .refine((attributes) => Object.keys(attributes).every((key) => !RESERVED_ATTRIBUTES.has(key)),
      'attributes must not redefine an attribute of the telemetry contract (backbone.*, url.template, ...); choose another name, for example jira.instance'),
});

export type RestConfig = z.infer<typeof restConfigSchema>;

/** Checks that need the file system: the CA file must be readable PEM. */
export function checkRestConfig(config: RestConfig): string[] {
  if (config.tls.ca_file === '') return [];
  let text: string;
  try {
    text = readFileSync(config.tls.ca_file, 'utf8');
  } catch (error) {
    return [`tls.ca_file: cannot read ${config.tls.ca_file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`];
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    return [`tls.ca_file: ${config.tls.ca_file} holds no PEM certificate (expected a "-----BEGIN CERTIFICATE-----" block)`];
  }
  return [];
}
