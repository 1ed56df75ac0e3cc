// An alert's runbook as text, the same in every backend: in a Datadog monitor's message, a New
// Relic condition's description, a Prometheus rule's `runbook` annotation and docs/monitoring.md.
import type { Alert } from '../model.ts';

export function runbookMarkdown(alert: Alert): string {
  const list = (items: readonly string[]) => items.map((item) => `- ${item}`).join('\n');
  return [
    alert.runbook.meaning,
    '',
    '**Likely causes**',
    list(alert.runbook.causes),
    '',
    '**Where to look**',
    list(alert.runbook.look),
    '',
    '**What to do**',
    list(alert.runbook.actions),
  ].join('\n');
}
