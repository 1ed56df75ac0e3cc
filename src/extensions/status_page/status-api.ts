// The answers of the status page's JSON endpoints, as one type that
// scripts/generate-status-schema.ts turns into docs/status-page.schema.json.
import type { MovesAnswer } from './recent-moves.ts';
import type { StatusDocument } from './status-document.ts';

export interface StatusApi {
  /** GET /api/status (?integration=&project=&state= filter `moves`). */
  status: StatusDocument;
  /** GET /api/moves?after=N: the moves newer than N, newest first. */
  moves: MovesAnswer;
}
