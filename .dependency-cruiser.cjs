// The rules of the house's layout (docs/architecture.md), checked by `npm test`
// (dependency-cruiser): components are known below them through the interfaces of
// src/component/ only; one file at the top (src/components.ts) imports every factory; the
// kinds of component do not reach into each other.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lower-layers-know-interfaces',
      comment: 'component, config, pipeline, storage, telemetry, backbone and diagnostics know components through src/component/ only; src/components.ts wires them (as the Collector\'s components.go)',
      severity: 'error',
      from: { path: '^src/(component|config|pipeline|storage|telemetry|backbone|diagnostics)/' },
      to: { path: '^src/(receivers|processors|exporters|extensions)/' },
    },
    {
      name: 'only-components-ts-imports-factories',
      comment: 'a factory is imported by src/components.ts (and the component\'s own folder) only',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/components\\.ts$|^src/(receivers|processors|exporters|extensions)/([^/]+)/' },
      to: { path: '^src/(receivers|processors|exporters|extensions)/[^/]+/factory\\.ts$' },
    },
    {
      name: 'receivers-do-not-import-exporters',
      comment: 'a receiver hands batches to its host; what happens after is not its business (crash points live in src/storage/)',
      severity: 'error',
      from: { path: '^src/receivers/' },
      to: { path: '^src/(exporters|processors|extensions|pipeline)/' },
    },
    {
      name: 'extensions-do-not-import-exporters',
      comment: 'an extension takes what it shares with an exporter (host:port, the HTTP server) from src/config or src/component',
      severity: 'error',
      from: { path: '^src/extensions/' },
      to: { path: '^src/(exporters|processors|pipeline)/' },
    },
    {
      name: 'extensions-read-receivers-declarations-only',
      comment: 'an extension may show a receiver\'s public telemetry (its declaration), nothing of its internals',
      severity: 'error',
      from: { path: '^src/extensions/' },
      to: { path: '^src/receivers/', pathNot: '^src/receivers/[^/]+/telemetry\\.ts$' },
    },
    {
      name: 'exporters-and-processors-know-no-pipeline',
      comment: 'exporters and processors are stages of a pipeline; they know batches and the interfaces of src/component/',
      severity: 'error',
      from: { path: '^src/(exporters|processors)/' },
      to: { path: '^src/(receivers|extensions|pipeline)/' },
    },
    {
      name: 'exporters-and-processors-meet-in-pipelines-only',
      severity: 'error',
      from: { path: '^src/(exporters|processors)/([^/]+)/' },
      to: { path: '^src/(exporters|processors)/', pathNot: '^src/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
