// npm run docs: writes the generated reference documents.
import { writeFileSync } from 'node:fs';
import { renderTelemetryDocs } from '../src/telemetry/render-docs.ts';

const target = new URL('../docs/telemetry.md', import.meta.url);
writeFileSync(target, renderTelemetryDocs());
process.stdout.write(`wrote ${target.pathname}\n`);
