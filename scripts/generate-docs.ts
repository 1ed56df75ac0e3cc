// npm run docs: writes the generated reference documents.
import { writeFileSync } from 'node:fs';
import { TELEMETRY } from '../src/components.ts';
import { renderTelemetryDocs } from '../src/telemetry/render-docs.ts';

const target = new URL('../docs/telemetry.md', import.meta.url);
writeFileSync(target, renderTelemetryDocs(TELEMETRY));
process.stdout.write(`wrote ${target.pathname}\n`);
