// deploy/prometheus/alerts.test.yaml is written by hand: which series, when each alert fires
// and with which labels. Its expected annotations, though, follow from the generated rules
// (summary from the labels, description and runbook as the definition words them), so
// `npm run monitoring` refreshes them there, and a runbook edit does not mean editing tests.
import { parse, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';

interface Rule { alert?: string; annotations?: Record<string, string> }

export function refreshExpectedAnnotations(rulesText: string, testText: string): string {
  const rules = new Map((parse(rulesText) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
  const doc = parseDocument(testText);
  for (const test of (doc.get('tests') as YAMLSeq<YAMLMap>).items) {
    for (const check of (test.get('alert_rule_test') as YAMLSeq<YAMLMap> | undefined)?.items ?? []) {
      const rule = rules.get(String(check.get('alertname')));
      if (!rule) throw new Error(`alerts.test.yaml tests ${String(check.get('alertname'))}, which alerts.yaml does not have`);
      for (const expected of (check.get('exp_alerts') as YAMLSeq<YAMLMap> | undefined)?.items ?? []) {
        const labels = (expected.get('exp_labels') as YAMLMap).toJSON() as Record<string, string>;
        const render = (text: string) => text.replace(/\{\{ \$labels\.([a-zA-Z_]+) \}\}/g, (_, label: string) => labels[label] ?? '');
        expected.set('exp_annotations', doc.createNode(Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([key, text]) => [key, render(text)]))));
      }
    }
  }
  return doc.toString({ lineWidth: 0 });
}
