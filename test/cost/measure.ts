// What an installation costs, measured from the agent's real output: the agent watches a
// generated installation (installation.ts) and the numbers are counted from what its
// exporters sent: series per metric (OTLP and Prometheus), data points, log records per
// move and bytes. Used by the cost test and by scripts/generate-cost-docs.ts.
import { TELEMETRY } from '../../src/components.ts';
import type { MetricDeclaration } from '../../src/telemetry/declaration.ts';
import { prometheusNameOf } from '../../src/telemetry/render-docs.ts';
import { type Installation, runInstallation } from './installation.ts';
import { READY_CONFIGS, type ReadyConfig } from './ready-configs.ts';

/** The generated installation: the demo's shape. */
export const SHAPE = { integrations: 2, projectsPerIntegration: 2 as const, moves: 80 };

export interface MetricCost {
  name: string;
  kind: MetricDeclaration['kind'] | 'agent';
  attributes: readonly string[];
  /** Distinct attribute sets in OTLP (series in Datadog and New Relic terms). */
  series: number;
  /** Series on the prometheus exporter's /metrics (a histogram: each bucket, _sum and _count). */
  prometheusSeries: number;
}

export interface Measurement {
  integrations: number;
  projects: number;
  moves: number;
  /** Moves the watcher can see (cleaning up `processed` is not one: it is never listed). */
  visibleMoves: number;
  metrics: MetricCost[];
  /** Uncompressed OTLP/protobuf bytes per metric data point, averaged over what was sent. */
  bytesPerPoint: number;
  /** Log records of message moves, per visible move. */
  recordsPerMove: number;
  /** Uncompressed OTLP/protobuf bytes one log record adds to a request. */
  bytesPerRecord: number;
}

export interface ReadyConfigCost {
  config: ReadyConfig;
  series: number;
  prometheusSeries: number;
  recordsPerMove: number;
}

const DECLARED = new Map(TELEMETRY.flatMap((component) => component.metrics).map((m) => [m.name, m]));
/** Prometheus family names (histograms without their _bucket/_sum/_count) to declared metrics. */
const BY_PROMETHEUS_NAME = new Map([...DECLARED.values()].map((m) => [prometheusNameOf(m), m.name]));
const AGENT = 'otelcol_* (the agent\'s own metrics)';

function metricOfSample(sample: string): string {
  const family = BY_PROMETHEUS_NAME.get(sample) ?? BY_PROMETHEUS_NAME.get(sample.replace(/_(bucket|sum|count)$/, ''));
  if (family) return family;
  if (sample.startsWith('otelcol_')) return AGENT;
  return sample;
}

/** Rounded to `step`, so that small differences between runs (a body's "12.3 s") do not move the page. */
const round = (value: number, step: number) => Math.round(value / step) * step;

export function measure(installation: Installation): Omit<Measurement, 'integrations' | 'projects' | 'moves'> {
  const otlp = installation.otlp;
  const series = new Map<string, Set<string>>();
  for (const point of otlp.points) {
    const name = point.metric.startsWith('otelcol_') ? AGENT : point.metric;
    let set = series.get(name);
    if (!set) series.set(name, (set = new Set()));
    set.add(`${point.metric} ${JSON.stringify(Object.entries(point.attributes).sort())}`);
  }
  const prometheus = new Map<string, number>();
  for (const sample of installation.prometheus) {
    const name = metricOfSample(sample.name);
    prometheus.set(name, (prometheus.get(name) ?? 0) + 1);
  }
  const names = [...new Set([...series.keys(), ...prometheus.keys()])].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const metrics = names.map((name): MetricCost => {
    const declared = DECLARED.get(name);
    return {
      name, kind: declared?.kind ?? 'agent', attributes: declared?.attributes ?? [],
      series: series.get(name)?.size ?? 0, prometheusSeries: prometheus.get(name) ?? 0,
    };
  });
  const metricRequests = otlp.requests.filter((r) => r.path.endsWith('/v1/metrics'));
  const logRequests = otlp.requests.filter((r) => r.path.endsWith('/v1/logs'));
  const sum = (requests: typeof metricRequests) => requests.reduce((total, r) => total + (r.uncompressedBytes ?? r.bytes), 0);
  const visibleMoves = installation.moves.filter((m) => m.from !== 'processed').length;
  const moveRecords = otlp.logs.filter((r) => r.eventName === 'backbone.message.transition').length;
  return {
    visibleMoves,
    metrics,
    // To 50: the average sits near 160 bytes, and a step of 25 would put it at a rounding edge (162.5).
    bytesPerPoint: round(sum(metricRequests) / Math.max(1, otlp.points.length), 50),
    recordsPerMove: Math.round((moveRecords / Math.max(1, visibleMoves)) * 100) / 100,
    // Up to the next 100: the fit over a few small batches varies by some tens of bytes between runs.
    bytesPerRecord: Math.ceil(marginalBytes(installation, '/v1/logs') / 100) * 100,
  };
}

/**
 * Bytes one more item adds to a request: the slope of request size over items, fitted over
 * the requests sent, so that the resource and envelope a request carries once do not count
 * (log records leave in small batches whose number depends on timing).
 */
function marginalBytes(installation: Installation, path: string): number {
  const accepted = installation.otlp.attempts.filter((a) => a.path.endsWith(path) && a.answer === 200);
  const sizes = installation.otlp.requests.filter((r) => r.path.endsWith(path)).map((r) => r.uncompressedBytes ?? r.bytes);
  const pairs = accepted.map((a, i) => [a.items, sizes[i]!] as const).filter(([items]) => items > 0);
  const n = pairs.length;
  const meanItems = pairs.reduce((sum, [items]) => sum + items, 0) / n;
  const meanBytes = pairs.reduce((sum, [, bytes]) => sum + bytes, 0) / n;
  const variance = pairs.reduce((sum, [items]) => sum + (items - meanItems) ** 2, 0);
  if (variance === 0) return meanBytes / meanItems;
  return pairs.reduce((sum, [items, bytes]) => sum + (items - meanItems) * (bytes - meanBytes), 0) / variance;
}

const ORDER = [...DECLARED.keys()];
function order(name: string): number {
  const index = ORDER.indexOf(name);
  return index < 0 ? ORDER.length : index;
}

export async function measureInstallation(): Promise<Measurement> {
  const installation = await runInstallation({ ...SHAPE, selfMetrics: true });
  try {
    return {
      integrations: SHAPE.integrations,
      projects: SHAPE.integrations * SHAPE.projectsPerIntegration,
      moves: SHAPE.moves,
      ...measure(installation),
    };
  } finally {
    await installation.stop();
  }
}

export async function measureReadyConfig(config: ReadyConfig): Promise<ReadyConfigCost> {
  const installation = await runInstallation({
    ...SHAPE, processors: { yaml: config.processors, metrics: config.metrics, logs: config.logs },
  });
  try {
    const measured = measure(installation);
    const pipeline = measured.metrics.filter((m) => m.kind !== 'agent');
    return {
      config,
      series: pipeline.reduce((total, m) => total + m.series, 0),
      prometheusSeries: pipeline.reduce((total, m) => total + m.prometheusSeries, 0),
      recordsPerMove: measured.recordsPerMove,
    };
  } finally {
    await installation.stop();
  }
}

export async function measureAll(): Promise<{ installation: Measurement; ready: ReadyConfigCost[] }> {
  // Side by side: each waits for its watcher most of the time.
  const [installation, ...ready] = await Promise.all([measureInstallation(), ...READY_CONFIGS.map(measureReadyConfig)]);
  return { installation: installation!, ready: ready as ReadyConfigCost[] };
}
