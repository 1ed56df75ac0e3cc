// What the agent leaves out of the modules it loads. zod's index loads every one of its
// locales: some 60 modules of error messages in other languages, which the agent never shows
// (its configuration errors are its own English: src/config/zod-issues.ts, and zod configures
// English by itself). Loading them costs 7.6 MB of resident memory (measured: `import('zod')`
// in a bare Node, 59 MB with them, 51 MB without). This hook answers for the locales' index
// with English alone. A zod whose files lie elsewhere is loaded as it is: the hook then
// matches nothing, and only the memory is lost.
// Compiled to syntax old Nodes parse (see src/cli.ts): no ?. or ??, and no named import of
// registerHooks (Node 22.15+), which an old Node would refuse before the version check.
import * as nodeModule from 'node:module';

const ZOD_LOCALES = '/node_modules/zod/v4/locales/index.js';
const ENGLISH_ONLY = 'export { default as en } from "./en.js";\n';

interface LoadResult { format?: string | null; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean }
type Load = (url: string, context: object, next: (url: string, context?: object) => LoadResult) => LoadResult;
interface ModuleHooks { registerHooks?: (hooks: { load: Load }) => unknown }

export function leaveOutUnusedModules(): void {
  const registerHooks = (nodeModule as ModuleHooks).registerHooks;
  if (typeof registerHooks !== 'function') return;
  registerHooks({
    load(url, context, next) {
      if (url.endsWith(ZOD_LOCALES)) return { format: 'module', source: ENGLISH_ONLY, shortCircuit: true };
      return next(url, context);
    },
  });
}
