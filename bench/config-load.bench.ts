// Configuration loading: a generated file of about 1 MB (many receivers, each with its state
// folders, and an exporter with many headers), loaded as `validate` loads it (loadConfigText:
// YAML with positions, duplicate keys, ${env:...}, every schema, the pipelines), against
// yaml's parseDocument of the same text alone (without its own duplicate-key check, which is
// quadratic: the agent checks duplicates itself). A quarter of the file shows that the time grows
// in proportion to the size (it was quadratic in the number of keys: 30,000 keys took 9 s).
import { parseDocument } from 'yaml';
import { registry } from '../src/components.ts';
import { loadConfigText } from '../src/config/load-config.ts';
import { formatTable, median, type Row, say, writeResults } from './bench-kit.ts';

const runs = 5;

/** A valid configuration of roughly `bytes` bytes. */
function generate(bytes: number): string {
  const receivers: string[] = [];
  const headers: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++, size += receivers.at(-1)!.length + headers.at(-1)!.length + 20) {
    receivers.push(`  backbone_folders/node${i}:
    root: \${env:BACKBONE_ROOT:-/var/atlassian/application-data/jira/data/backbone-issue-sync}/n${i}
    collection_interval: 30s
    states:
      error: [error_${i}, failed_${i}]
      processed: [done_${i}]`);
    headers.push(`      x-tenant-${i}: "tenant ${i}"`);
  }
  return `receivers:\n${receivers.join('\n')}
exporters:
  otlphttp:
    endpoint: http://127.0.0.1:4318
    headers:
${headers.join('\n')}
service:
  pipelines:
    metrics:
      receivers: [${receivers.map((_, i) => `backbone_folders/node${i}`).join(', ')}]
      exporters: [otlphttp]
`;
}

function time(work: () => void): number {
  work(); // warm up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return median(times);
}

const big = generate(1024 * 1024);
const quarter = generate(256 * 1024);
const keys = (big.match(/:/g) ?? []).length;
const loadBig = time(() => loadConfigText(big, 'big.yaml', registry, {}));
const parseBig = time(() => parseDocument(big, { uniqueKeys: false }));
const loadQuarter = time(() => loadConfigText(quarter, 'quarter.yaml', registry, {}));

const rows: Row[] = [
  { figure: `load ${(big.length / 1024 / 1024).toFixed(2)} MB (~${keys} keys), ms`, agent: loadBig, baseline: parseBig, baselineName: 'yaml parseDocument, no key check', unit: 'ms', target: 3, targetKind: 'ratio' },
  { figure: 'load 1 MB, ms (well under a second)', agent: loadBig, baseline: undefined, baselineName: '-', unit: 'ms', target: 500, targetKind: 'absolute' },
  { figure: 'load 1 MB / load 0.25 MB (4 when linear)', agent: loadBig / loadQuarter, baseline: undefined, baselineName: '-', unit: 'x', target: 6, targetKind: 'absolute' },
];
say(`config load: medians of ${runs} runs, in one process (Node's start not included)`);
say(formatTable(rows));
writeResults('config-load', rows, { bytes: big.length, keys });
