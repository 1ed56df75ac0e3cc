// Ready configurations for docs/cost.md: filter processors that cut what an installation
// sends. The cost test runs the agent with each of them (so each is a valid configuration
// that does what it says), and docs/cost.md shows them exactly as run.
export interface ReadyConfig {
  /** Its name in docs/cost.md. */
  title: string;
  /** What it keeps and what it drops, for the reader. */
  what: string;
  /** The processors, as YAML under `processors:`. */
  processors: string;
  metrics: string[];
  logs: string[];
}

export const READY_CONFIGS: readonly ReadyConfig[] = [
  {
    title: 'status only',
    what: 'Integration and connector status from the REST API, and its status-change and error records; no folder counts, no moves.',
    processors: `  filter/status_only:
    metrics:
      metric:
        - 'not IsMatch(name, "^backbone\\\\.(integration|connector|api\\\\.up)")'
    logs:
      log_record:
        - 'event_name == "backbone.message.transition"'
        - 'event_name == "backbone.layout.unknown_folder"'
`,
    metrics: ['filter/status_only'],
    logs: ['filter/status_only'],
  },
  {
    title: 'counts without processed',
    what: 'Everything but the `processed` state: its folder series, moves into or out of it (metrics and log records), and the dwell-time histogram.',
    processors: `  filter/without_processed:
    metrics:
      metric:
        - 'name == "backbone.message.dwell_time"'
      datapoint:
        - 'attributes["backbone.state"] == "processed"'
        - 'attributes["backbone.to_state"] == "processed" or attributes["backbone.from_state"] == "processed"'
    logs:
      log_record:
        - 'attributes["backbone.to_state"] == "processed" or attributes["backbone.from_state"] == "processed"'
`,
    metrics: ['filter/without_processed'],
    logs: ['filter/without_processed'],
  },
  {
    title: 'errors only as logs',
    what: 'All metrics; log records only at ERROR (moves into `error`, `sendfailed`, `invalid`, and REST API errors).',
    processors: `  filter/errors_only:
    logs:
      log_record:
        - 'severity_number < SEVERITY_NUMBER_ERROR'
`,
    metrics: [],
    logs: ['filter/errors_only'],
  },
];
