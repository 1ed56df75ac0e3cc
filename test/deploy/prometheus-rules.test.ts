// The alert rules with Prometheus' own tool (Debian's prometheus package, installed by
// .ci/run): `promtool check rules` for syntax and templates, `promtool test rules` for what
// each alert does on given series (deploy/prometheus/alerts.test.yaml), `promtool check
// config` for the example Prometheus configuration that loads them. Also: every alert has a
// unit test and a severity, summary and description.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { REPO } from './support/agent-child.ts';
import { runTool } from './support/tools.ts';

const DIR = path.join(REPO, 'deploy', 'prometheus');

interface Rule { alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }

test('promtool check rules accepts alerts.yaml', () => {
  const result = runTool('promtool', ['check', 'rules', 'alerts.yaml'], { cwd: DIR });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /SUCCESS: \d+ rules found/);
});

test('promtool test rules: every alert fires when it should and only then', () => {
  const result = runTool('promtool', ['test', 'rules', 'alerts.test.yaml'], { cwd: DIR });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /SUCCESS/);
});

test('every alert has a unit test that expects it to fire, a severity, a summary and a description', () => {
  const rules = (parse(readFileSync(path.join(DIR, 'alerts.yaml'), 'utf8')) as { groups: { rules: Rule[] }[] })
    .groups.flatMap((group) => group.rules);
  const tests = parse(readFileSync(path.join(DIR, 'alerts.test.yaml'), 'utf8')) as {
    tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
  };
  const firing = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
  for (const rule of rules.filter((r) => r.alert)) {
    assert.ok(firing.has(rule.alert!), `${rule.alert} has a test in which it fires`);
    assert.match(rule.labels?.severity ?? '', /^(critical|warning|info)$/, `${rule.alert}: severity`);
    assert.ok(rule.annotations?.summary && rule.annotations.description, `${rule.alert}: summary and description`);
  }
});

test('promtool check config accepts the example Prometheus configuration, rule file included', () => {
  const result = runTool('promtool', ['check', 'config', 'prometheus.example.yml'], { cwd: DIR });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /SUCCESS: 1 rule files found/);
});
