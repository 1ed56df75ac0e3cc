// docs/processors.md: every condition it shows is one the agent takes, in the list it is
// shown under, and every error it quotes is the one the agent gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { checkConditions } from '../../src/processors/filter/ottl/conditions.ts';
import { dataPointContext, logRecordContext, metricContext } from '../../src/processors/filter/ottl/contexts.ts';

const page = readFileSync(new URL('../../docs/processors.md', import.meta.url), 'utf8');
const CONTEXTS = { metric: metricContext, datapoint: dataPointContext, log_record: logRecordContext } as const;

test('every condition in the examples parses in its list', () => {
  let seen = 0;
  for (const [, block] of page.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const visit = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key in CONTEXTS && Array.isArray(value)) {
          const problems = checkConditions(value as string[], CONTEXTS[key as keyof typeof CONTEXTS] as never);
          assert.deepEqual(problems, [], `${key}: ${JSON.stringify(value)}`);
          seen += value.length;
        } else {
          visit(value);
        }
      }
    };
    visit(parse(block!));
  }
  assert.ok(seen >= 8, `${seen} conditions checked`);
});

test('the quoted errors are the agent\'s words', () => {
  const problems = checkConditions(['attributes["backbone.state"] = "processed"', 'attributes["backbone.state"] == processed'], dataPointContext);
  for (const problem of problems) assert.ok(page.includes(problem.message), problem.message);
  assert.equal(problems.length, 2);
});
