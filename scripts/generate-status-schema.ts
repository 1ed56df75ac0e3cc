// Writes docs/status-page.schema.json: the JSON Schema of the status page's /api/status and
// /api/moves answers, made from their TypeScript types so that the documented shape is the
// shape the code builds (test/extensions/status-page-schema.test.ts checks both).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

export const STATUS_SCHEMA_FILE = fileURLToPath(new URL('../docs/status-page.schema.json', import.meta.url));

export function statusPageSchema(): string {
  const generator = createGenerator({
    path: fileURLToPath(new URL('../src/extensions/status_page/status-api.ts', import.meta.url)),
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    type: 'StatusApi', skipTypeCheck: true, expose: 'all', topRef: true, additionalProperties: false, jsDoc: 'extended',
  });
  const schema = generator.createSchema('StatusApi');
  return JSON.stringify({ $id: 'backbone-otel-agent/status-page', title: 'backbone-otel status page API', ...schema }, null, 2) + '\n';
}

if (import.meta.main) writeFileSync(STATUS_SCHEMA_FILE, statusPageSchema());
