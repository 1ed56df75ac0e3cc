// node:http, taken as Node's own module object rather than imported. An `import` of node:http
// makes Node build the whole ES module namespace, and three of its exports (WebSocket,
// CloseEvent, MessageEvent) are lazy getters that load undici, Node's fetch (750 kB of source,
// compiled), which an agent that never fetches does not need. Alone, `await import('node:http')`
// idles at 58 MB RSS and `process.getBuiltinModule('node:http')` at 45 MB; in the whole agent,
// where much of the same memory is taken by other modules anyway, it saves about 1 MB. Types
// still come from `import type ... from 'node:http'`, which is erased.
export const http: typeof import('node:http') = process.getBuiltinModule('node:http');

/**
 * node:https, loaded when the first https URL is used: it brings tls and Node's root
 * certificates (3.3 MB resident, measured beside node:http and node:crypto), which a
 * configuration with http endpoints only (a local collector, Prometheus) never needs.
 */
export function httpsModule(): typeof import('node:https') {
  return process.getBuiltinModule('node:https');
}
