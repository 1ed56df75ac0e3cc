// node scripts/generate-cost-docs.ts: writes docs/cost.md from a measurement of the agent's
// real output on a generated installation (test/cost/measure.ts). Takes about a minute: it
// runs the agent four times. test/cost/cost-docs.test.ts fails when the page is stale.
import { writeFileSync } from 'node:fs';
import { measureAll } from '../test/cost/measure.ts';
import { renderCostDocs } from '../test/cost/render-cost-docs.ts';

export const COST_TARGET = new URL('../docs/cost.md', import.meta.url);

const { installation, ready } = await measureAll();
writeFileSync(COST_TARGET, renderCostDocs(installation, ready));
process.stdout.write(`wrote ${COST_TARGET.pathname}\n`);
