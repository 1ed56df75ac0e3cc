// What the doctor checks, taken from a loaded configuration: the Backbone roots (with the
// layout settings the receivers read them by), the REST endpoints, the exporters that send
// somewhere, and the agent's own storage folders. Without a configuration file, the
// command-line flags (--jira-home, --jira-url, --otlp-endpoint) are turned into one and
// loaded the same way, so that defaults and validation are the agent's own.
import path from 'node:path';
import { layoutSpec } from '../backbone/layout-config.ts';
import type { Signal } from '../component/component-id.ts';
import type { Registry } from '../component/component.ts';
import { ConfigError } from '../config/config-issue.ts';
import { type AgentConfig, loadConfigText } from '../config/load-config.ts';
import { createOtlpMetricsExporter } from '../exporters/otlphttp/exporter.ts';
import type { OtlpHttpConfig } from '../exporters/otlphttp/config.ts';
import type { PrometheusConfig } from '../exporters/prometheus/config.ts';
import type { EventsConfig } from '../receivers/backbone_events/config.ts';
import type { WatchMethod } from '../backbone/fs-type.ts';
import { type FoldersConfig, foldersConfigSchema } from '../receivers/backbone_folders/config.ts';
import type { ScanOptions } from '../receivers/backbone_folders/scanner.ts';
import type { RestConfig } from '../receivers/backbone_rest/config.ts';

/** Where the settings came from, so that fixes name what to change. */
export type SourceKind = 'config' | 'flags';

export interface RootTarget {
  /** As configured. */
  root: string;
  /** The receivers reading this root: backbone_folders, backbone_events. */
  receivers: string[];
  /** The folder scanner's settings (a backbone_events-only root gets the scanner's defaults). */
  scan: ScanOptions;
  /** Folder names per state added in the configuration (for the mapping lines to add). */
  states: Partial<Record<string, readonly string[]>>;
  /** Folders the configuration leaves out. */
  exclude: readonly string[];
  /** The backbone_layout extension the receivers name, if they do. */
  layout: string | undefined;
  /** The file-event watcher's method, when a backbone_events receiver reads this root. */
  watch: { receiver: string; method: WatchMethod } | undefined;
}

export interface RestTarget {
  id: string;
  config: RestConfig;
}

export interface PushExporterTarget {
  id: string;
  /** The component type as written: otlphttp, datadog, newrelic, grafana_cloud. */
  type: string;
  /** After a preset expanded: plain otlphttp. */
  config: OtlpHttpConfig;
  signals: Signal[];
}

export interface PrometheusTarget {
  id: string;
  endpoint: string;
}

export interface StorageUse {
  id: string;
  kind: 'checkpoint' | 'queue';
  /** Bytes it may take at most (the disk queue's max_size); undefined when small. */
  maxBytes: number | undefined;
}

export interface StorageTarget {
  dir: string;
  uses: StorageUse[];
}

export interface DoctorTarget {
  source: SourceKind;
  /** For the report's first line. */
  description: string;
  roots: RootTarget[];
  rests: RestTarget[];
  pushExporters: PushExporterTarget[];
  prometheus: PrometheusTarget[];
  storage: StorageTarget[];
  /** backbone_events receivers without storage (they forget what happened while stopped). */
  eventsWithoutStorage: string[];
  resource: Record<string, string>;
  warnings: string[];
}

function signalsOf(config: AgentConfig, section: 'receivers' | 'exporters', id: string): Signal[] {
  const signals = new Set<Signal>();
  for (const pipeline of config.pipelines) if (pipeline[section].includes(id)) signals.add(pipeline.signal);
  return (['metrics', 'logs'] as const).filter((signal) => signals.has(signal));
}

export function targetFromConfig(config: AgentConfig, source: SourceKind, description: string): DoctorTarget {
  const roots = new Map<string, RootTarget>();
  // Receivers on one root read it with one layout (the configuration checks that they agree).
  const rootFor = (layout: FoldersConfig | EventsConfig, folders?: FoldersConfig) => {
    const root = layout.root;
    let target = roots.get(path.resolve(root));
    if (!target) {
      const defaults = folders ?? foldersConfigSchema.parse({ root });
      target = {
        root, receivers: [], states: layout.states, exclude: layout.exclude, layout: layout.layout, watch: undefined,
        scan: {
          root,
          ...layoutSpec(layout),
          countOnlyStates: defaults.count_only_states,
          timeoutMs: defaults.timeout,
          maxEntries: defaults.max_entries,
        },
      };
      roots.set(path.resolve(root), target);
    } else if (folders) {
      // The scanner's own limits win over the defaults a backbone_events receiver brought.
      target.scan = { ...target.scan, countOnlyStates: folders.count_only_states, timeoutMs: folders.timeout, maxEntries: folders.max_entries };
    }
    return target;
  };

  const rests: RestTarget[] = [];
  const storage = new Map<string, StorageTarget>();
  const useStorage = (dir: string, use: StorageUse) => {
    let target = storage.get(dir);
    if (!target) storage.set(dir, (target = { dir, uses: [] }));
    target.uses.push(use);
  };
  const eventsWithoutStorage: string[] = [];

  // Every receiver is checked, also one not (yet) in a pipeline: the warnings say so.
  for (const [id, entry] of config.receivers) {
    if (entry.factory.type === 'backbone_folders') {
      const folders = entry.config as FoldersConfig;
      rootFor(folders, folders).receivers.push(id);
    } else if (entry.factory.type === 'backbone_events') {
      const events = entry.config as EventsConfig;
      const target = rootFor(events);
      target.receivers.push(id);
      target.watch = { receiver: id, method: events.watch_method };
      if (events.storage === undefined) eventsWithoutStorage.push(id);
      else useStorage(events.storage, { id, kind: 'checkpoint', maxBytes: undefined });
    } else if (entry.factory.type === 'backbone_rest') {
      rests.push({ id, config: entry.config as RestConfig });
    }
  }

  const pushExporters: PushExporterTarget[] = [];
  const prometheus: PrometheusTarget[] = [];
  for (const [id, entry] of config.exporters) {
    const signals = signalsOf(config, 'exporters', id);
    if (signals.length === 0) continue; // not in a pipeline: nothing would be sent
    // otlphttp and every preset (which expand to otlphttp) create the same exporter.
    if ((entry.factory.createMetricsExporter as unknown) === createOtlpMetricsExporter) {
      const push = entry.config as OtlpHttpConfig;
      pushExporters.push({ id, type: entry.id.type, config: push, signals });
      if (push.storage !== undefined) useStorage(push.storage, { id, kind: 'queue', maxBytes: push.sending_queue.max_size });
    } else if (entry.factory.type === 'prometheus') {
      prometheus.push({ id, endpoint: (entry.config as PrometheusConfig).endpoint });
    }
  }

  return {
    source, description,
    roots: [...roots.values()],
    rests, pushExporters, prometheus,
    storage: [...storage.values()],
    eventsWithoutStorage,
    resource: config.service.resource,
    warnings: config.warnings,
  };
}

export interface DoctorFlags {
  jiraHome?: string | undefined;
  jiraUrl?: string | undefined;
  otlpEndpoint?: string | undefined;
}

/** Where the Backbone folder lies below JIRA_HOME (spec §2). */
export const BACKBONE_SUBPATH = ['data', 'backbone-issue-sync'] as const;

const FLAGS_FILE = '(command line)';

/** A YAML scalar that stays as written: quoted, and `$` not taken for ${env:...}. */
function literal(value: string): string {
  return JSON.stringify(value.replaceAll('$', '$$'));
}

/**
 * A configuration equivalent to the flags: backbone_folders on JIRA_HOME's Backbone folder,
 * backbone_rest on the Jira URL with credentials from JIRA_USER and JIRA_PASSWORD (or
 * JIRA_TOKEN), otlphttp to the OTLP endpoint (debug when none is given).
 */
export function configFromFlags(flags: DoctorFlags, registry: Registry, env: Record<string, string | undefined> = process.env): AgentConfig {
  if (flags.jiraHome === undefined && flags.jiraUrl === undefined) {
    throw new ConfigError(FLAGS_FILE, [{
      path: [],
      message: 'doctor needs --config FILE, or --jira-home DIR and/or --jira-url URL (with JIRA_USER and JIRA_PASSWORD, or JIRA_TOKEN, set)',
    }]);
  }
  const receivers: string[] = [];
  const lines: string[] = ['receivers:'];
  if (flags.jiraHome !== undefined) {
    const root = [flags.jiraHome.replace(/\/+$/, ''), ...BACKBONE_SUBPATH].join('/');
    lines.push('  backbone_folders:', `    root: ${literal(root)}`);
    receivers.push('backbone_folders');
  }
  if (flags.jiraUrl !== undefined) {
    let auth: string;
    if (env.JIRA_TOKEN) {
      auth = '      bearer: { token: "${env:JIRA_TOKEN}" }';
    } else if (env.JIRA_USER) {
      if (env.JIRA_PASSWORD === undefined) {
        throw new ConfigError(FLAGS_FILE, [{ path: ['--jira-url'], message: 'JIRA_USER is set but JIRA_PASSWORD is not: set both (or JIRA_TOKEN for a personal access token)' }]);
      }
      auth = '      basic: { username: "${env:JIRA_USER}", password: "${env:JIRA_PASSWORD}" }';
    } else {
      throw new ConfigError(FLAGS_FILE, [{
        path: ['--jira-url'],
        message: 'no credentials: set JIRA_USER and JIRA_PASSWORD (a Jira administrator), or JIRA_TOKEN (a personal access token)',
      }]);
    }
    lines.push('  backbone_rest:', `    endpoint: ${literal(flags.jiraUrl)}`, '    auth:', auth);
    receivers.push('backbone_rest');
  }
  const exporter = flags.otlpEndpoint === undefined ? 'debug' : 'otlphttp';
  lines.push('exporters:');
  lines.push(flags.otlpEndpoint === undefined ? '  debug: {}' : `  otlphttp:\n    endpoint: ${literal(flags.otlpEndpoint)}`);
  lines.push('service:', '  pipelines:');
  for (const signal of ['metrics', 'logs']) lines.push(`    ${signal}: { receivers: [${receivers.join(', ')}], exporters: [${exporter}] }`);
  try {
    return loadConfigText(`${lines.join('\n')}\n`, FLAGS_FILE, registry, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Name the flag, not a line of a file the user never saw.
    const flagOf: Record<string, string> = { backbone_folders: '--jira-home', backbone_rest: '--jira-url', otlphttp: '--otlp-endpoint' };
    throw new ConfigError(FLAGS_FILE, error.issues.map((issue) => {
      const component = typeof issue.path[1] === 'string' ? issue.path[1] : '';
      return { path: flagOf[component] ? [flagOf[component]] : issue.path, message: issue.message };
    }));
  }
}

/** The flags as given, for the report's first line (never a credential). */
export function describeFlags(flags: DoctorFlags): string {
  const parts: string[] = [];
  if (flags.jiraHome !== undefined) parts.push(`--jira-home ${flags.jiraHome}`);
  if (flags.jiraUrl !== undefined) parts.push(`--jira-url ${flags.jiraUrl}`);
  if (flags.otlpEndpoint !== undefined) parts.push(`--otlp-endpoint ${flags.otlpEndpoint}`);
  return parts.join(' ');
}
