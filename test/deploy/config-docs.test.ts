// docs/configuration.md is generated from the components' config schemas by
// scripts/generate-config-docs.ts; it must be current, and name every component and key.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as z from 'zod';
import { renderConfigDocs, TARGET } from '../../scripts/generate-config-docs.ts';
import { registry } from '../../src/components.ts';

const rendered = renderConfigDocs();

test('docs/configuration.md is current (run `node scripts/generate-config-docs.ts` if this fails)', () => {
  assert.equal(readFileSync(TARGET, 'utf8'), rendered);
});

test('every component the agent knows has a section, with each of its top-level keys', () => {
  for (const section of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
    for (const factory of registry[section].values()) {
      const start = rendered.indexOf(`### \`${factory.type}\`\n`);
      assert.ok(start >= 0, `${factory.kind} ${factory.type} has a section`);
      const next = rendered.indexOf('\n### ', start + 1);
      const body = rendered.slice(start, next < 0 ? undefined : next);
      const schema = z.toJSONSchema(factory.configSchema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
      for (const key of Object.keys(schema.properties ?? {})) {
        assert.ok(body.includes(`\`${key}\``) || body.includes(`\`${key}.`), `${factory.type}: ${key}`);
      }
    }
  }
});
