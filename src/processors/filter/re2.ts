// re2js (RE2 in plain JavaScript: matching in time linear in the text), loaded when the first
// pattern is compiled rather than at start: most configurations have no filter with patterns,
// and re2js is 260 KB of code, about 1.5 MB resident once loaded (measured with `node -e`).
// Its CommonJS build, so that the load is synchronous, as configuration checking is.
import { createRequire } from 'node:module';
import type * as Re2js from 're2js';

let loaded: typeof Re2js | undefined;

export function re2(): typeof Re2js {
  return (loaded ??= createRequire(import.meta.url)('re2js') as typeof Re2js);
}
