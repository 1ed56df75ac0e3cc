// Which backend an exporter sends to, as far as its endpoint, headers or preset tell, and
// whether its temporality suits that backend (docs/backends.md has the sources): Datadog's
// intake takes delta only; New Relic recommends delta; Grafana Cloud stores in Mimir, a
// Prometheus store, which wants cumulative.
import type { Check } from '../report.ts';
import type { PushExporterTarget } from '../target.ts';

export type Backend = 'datadog' | 'newrelic' | 'grafana_cloud';

const NAMES: Record<Backend, string> = { datadog: 'Datadog', newrelic: 'New Relic', grafana_cloud: 'Grafana Cloud' };

function hostOf(url: string | undefined): string {
  try {
    return url === undefined ? '' : new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

export function backendOf(target: PushExporterTarget): Backend | undefined {
  if (target.type === 'datadog' || target.type === 'newrelic' || target.type === 'grafana_cloud') return target.type;
  const { config } = target;
  const hosts = [config.endpoint, config.metrics_endpoint, config.logs_endpoint].map(hostOf);
  const headers = new Set(Object.keys(config.headers).map((h) => h.toLowerCase()));
  if (hosts.some((h) => /(^|\.)(datadoghq\.(com|eu)|ddog-gov\.com)$/.test(h)) || headers.has('dd-api-key')) return 'datadog';
  if (hosts.some((h) => /(^|\.)nr-data\.net$/.test(h))) return 'newrelic';
  if (hosts.some((h) => /(^|\.)grafana\.net$/.test(h))) return 'grafana_cloud';
  return undefined;
}

/** undefined when the backend is not recognised, or the exporter sends no metrics. */
export function temporalityCheck(target: PushExporterTarget): Check | undefined {
  if (!target.signals.includes('metrics')) return undefined;
  const backend = backendOf(target);
  if (backend === undefined) return undefined;
  const temporality = target.config.temporality;
  const id = `exporter.${target.id}.temporality`;
  const name = NAMES[backend];
  const preset = target.type === backend ? '' : ` (or use the ${backend} exporter, which sets it)`;
  if (backend === 'datadog' && temporality === 'cumulative') {
    return {
      id, status: 'fail',
      message: `temporality cumulative to ${name}: its OTLP intake takes delta metrics only, so the agent's counters and histograms would be rejected.`,
      fix: `Set temporality: delta in ${target.id}${preset}.`,
    };
  }
  if (backend === 'newrelic' && temporality === 'cumulative') {
    return {
      id, status: 'warn',
      message: `temporality cumulative to ${name}, which recommends delta: cumulative counters cost more there and read oddly after a restart.`,
      fix: `Set temporality: delta in ${target.id}${preset}.`,
    };
  }
  if (backend === 'grafana_cloud' && temporality === 'delta') {
    return {
      id, status: 'warn',
      message: `temporality delta to ${name}, which stores metrics in Mimir (a Prometheus store) and expects cumulative: delta counters may be dropped or misread.`,
      fix: `Set temporality: cumulative in ${target.id}${preset}.`,
    };
  }
  return { id, status: 'ok', message: `temporality ${temporality}, as ${name} expects.` };
}
