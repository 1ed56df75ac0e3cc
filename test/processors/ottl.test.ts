// OTTL conditions as the filter processor reads them: the grammar (precedence, literals,
// paths, enums, IsMatch), OTTL's comparison rules (values of different types are unequal,
// never an error), and errors that say what was expected where.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DataPointView, dataPointContext, type LogRecordView, logRecordContext, METRIC_DATA_TYPE, metricContext, type MetricView } from '../../src/processors/filter/ottl/contexts.ts';
import { compileCondition } from '../../src/processors/filter/ottl/evaluate.ts';
import { OttlSyntaxError } from '../../src/processors/filter/ottl/lexer.ts';

const record = (over: Partial<LogRecordView> = {}): LogRecordView => ({
  body: 'Message 000042.bac moved from receive to processed',
  attributes: { 'backbone.to_state': 'processed', 'backbone.from_state': 'receive', 'backbone.dwell_time': 12.5, retried: true, count: 3 },
  resourceAttributes: { 'service.name': 'backbone-otel-agent', 'host.name': 'jira-1' },
  severityNumber: 9,
  severityText: 'INFO',
  eventName: 'backbone.message.transition',
  ...over,
});

const log = (condition: string, item = record()) => compileCondition(condition, logRecordContext)(item);

function syntaxError(condition: string, context = logRecordContext): OttlSyntaxError {
  try {
    compileCondition(condition, context as typeof logRecordContext);
  } catch (error) {
    assert.ok(error instanceof OttlSyntaxError, `expected a syntax error, got ${String(error)}`);
    return error;
  }
  assert.fail(`"${condition}" was accepted`);
}

test('comparisons of paths and literals, with every operator', () => {
  assert.equal(log('attributes["backbone.to_state"] == "processed"'), true);
  assert.equal(log('attributes["backbone.to_state"] != "processed"'), false);
  assert.equal(log('attributes["backbone.dwell_time"] > 12'), true);
  assert.equal(log('attributes["backbone.dwell_time"] >= 12.5'), true);
  assert.equal(log('attributes["backbone.dwell_time"] < 12.5'), false);
  assert.equal(log('attributes["backbone.dwell_time"] <= 12.5'), true);
  assert.equal(log('attributes["count"] == 3.0'), true, 'ints and floats compare as numbers');
  assert.equal(log('attributes["retried"] == true'), true);
  assert.equal(log('"b" > "a"'), true, 'strings compare by their characters');
  assert.equal(log('true > false'), true, 'false is less than true');
  assert.equal(log('-1 < +2 and -.5 < 0'), true, 'signed numbers and floats without a leading digit');
  assert.equal(log('resource.attributes["host.name"] == "jira-1"'), true);
  assert.equal(log('log.attributes["backbone.from_state"] == "receive"'), true, 'the context prefix may be written');
  assert.equal(log('body == "Message 000042.bac moved from receive to processed"'), true);
  assert.equal(log('event_name == "backbone.message.transition" and severity_text == "INFO"'), true);
  assert.equal(log('attributes["x"] == "a \\"quoted\\" \\\\ value"', record({ attributes: { x: 'a "quoted" \\ value' } })), true, 'escapes in strings');
});

test('severity_number and the SEVERITY_NUMBER_* enums', () => {
  assert.equal(log('severity_number < SEVERITY_NUMBER_WARN'), true, 'INFO (9) is below WARN (13)');
  assert.equal(log('severity_number >= SEVERITY_NUMBER_WARN', record({ severityNumber: 17 })), true);
  assert.equal(log('severity_number == SEVERITY_NUMBER_ERROR', record({ severityNumber: 17 })), true);
  assert.equal(log('severity_number == SEVERITY_NUMBER_INFO4', record({ severityNumber: 12 })), true);
  assert.equal(log('severity_number == SEVERITY_NUMBER_UNSPECIFIED', record({ severityNumber: undefined })), true, 'no severity is UNSPECIFIED (0)');
  assert.equal(log('severity_number == SEVERITY_NUMBER_FATAL4', record({ severityNumber: 24 })), true);
});

test('nil: a missing attribute is nil, and nil equals only nil', () => {
  assert.equal(log('attributes["absent"] == nil'), true);
  assert.equal(log('attributes["absent"] != nil'), false);
  assert.equal(log('attributes["backbone.to_state"] == nil'), false);
  assert.equal(log('attributes["absent"] == ""'), false, 'nil is not the empty string');
  assert.equal(log('attributes["absent"] < 1'), false);
  assert.equal(log('body == nil', record({ body: undefined })), true);
});

test('values of different types are unequal, never an error (OTTL comparison rules)', () => {
  assert.equal(log('attributes["count"] == "3"'), false, 'a number is not equal to a string');
  assert.equal(log('attributes["count"] != "3"'), true);
  assert.equal(log('attributes["count"] < "4"'), false, 'orderings across types are false');
  assert.equal(log('attributes["count"] > "2"'), false);
  assert.equal(log('attributes["retried"] == 1'), false, 'a boolean is not a number');
  assert.equal(log('attributes == "x"'), false, 'a map is not a string');
});

test('precedence: not binds tighter than and, and tighter than or; parentheses group', () => {
  // false or true and false = false or (true and false) = false
  assert.equal(log('false or true and false'), false);
  assert.equal(log('(false or true) and false'), false);
  assert.equal(log('true or true and false'), true);
  assert.equal(log('(true or true) and false'), false);
  // not true and false = (not true) and false = false; not (true and false) = true
  assert.equal(log('not true and false'), false);
  assert.equal(log('not (true and false)'), true);
  assert.equal(log('not false or false'), true);
  assert.equal(log('not not true'), true);
  assert.equal(log('not attributes["backbone.to_state"] == "processed"'), false, 'not applies to the whole comparison');
  assert.equal(log('((attributes["count"] == 3))'), true);
});

test('IsMatch: unanchored regex on strings, numbers as written, nil never matches', () => {
  assert.equal(log('IsMatch(body, "moved from receive")'), true);
  assert.equal(log('IsMatch(body, "^moved")'), false);
  assert.equal(log('IsMatch(attributes["backbone.to_state"], "^(processed|send)$")'), true);
  assert.equal(log('IsMatch(attributes["count"], "^3$")'), true, 'a number is matched as written');
  assert.equal(log('IsMatch(attributes["absent"], ".*")'), false, 'nil never matches');
  assert.equal(log('IsMatch(body, "(?i)MESSAGE")'), true, '(?i) makes it case-insensitive, as in Go');
  assert.equal(log('not IsMatch(body, "error")'), true);
  assert.equal(log('IsMatch(body, "x") == false'), true, 'a converter\'s result compares like a value');
});

test('metric and datapoint contexts: name, description, unit, type, attributes, resource', () => {
  const metric: MetricView = {
    name: 'backbone.message.dwell_time', description: 'Time a message spent', unit: 's',
    type: METRIC_DATA_TYPE.HISTOGRAM, resourceAttributes: { 'host.name': 'jira-1' },
  };
  const onMetric = (condition: string) => compileCondition(condition, metricContext)(metric);
  assert.equal(onMetric('name == "backbone.message.dwell_time"'), true);
  assert.equal(onMetric('metric.name == "backbone.message.dwell_time"'), true);
  assert.equal(onMetric('type == METRIC_DATA_TYPE_HISTOGRAM and unit == "s"'), true);
  assert.equal(onMetric('type == METRIC_DATA_TYPE_SUM'), false);
  assert.equal(onMetric('IsMatch(description, "spent$")'), true);
  assert.equal(onMetric('resource.attributes["host.name"] == "jira-1"'), true);
  const point: DataPointView = { metric, attributes: { 'backbone.state': 'processed' } };
  const onPoint = (condition: string) => compileCondition(condition, dataPointContext)(point);
  assert.equal(onPoint('attributes["backbone.state"] == "processed"'), true);
  assert.equal(onPoint('datapoint.attributes["backbone.state"] == "error"'), false);
  assert.equal(onPoint('metric.name == "backbone.message.dwell_time" and resource.attributes["host.name"] == "jira-1"'), true);
  assert.match(syntaxError('name == "x"', dataPointContext as never).message, /unknown path name in the datapoint context: expected one of attributes\["…"\], resource\.attributes\["…"\], metric\.name/);
  assert.match(syntaxError('severity_number > 1', metricContext as never).message, /unknown path severity_number in the metric context/);
});

test('errors say what was expected, at the offset where it went wrong', () => {
  const cases: [string, number, RegExp][] = [
    ['attributes["a"] = "b"', 16, /unexpected "=": expected == to compare/],
    ['attributes["a"] == ', 19, /unexpected end of the condition: expected a value/],
    ['attributes["a"] == "b" and', 26, /expected a value/],
    ['attributes["a"] == "b" "c"', 23, /unexpected string "c": expected "and", "or" or the end of the condition/],
    ['(attributes["a"] == "b"', 23, /expected "\)" to close the "\("/],
    ['attributes["a"]', 15, /expected a comparison operator \(== != < <= > >=\) after the value/],
    ['attributes[a] == "b"', 11, /expected a key in double quotes/],
    ['attributes["a"] == "b', 19, /unterminated string: expected a closing "/],
    ["attributes['a'] == 'b'", 11, /strings are written in double quotes/],
    ['severity_number < SEVERITY_NUMBER_WARNING', 18, /unknown enum SEVERITY_NUMBER_WARNING in the log_record context: expected one of SEVERITY_NUMBER_UNSPECIFIED, SEVERITY_NUMBER_TRACE/],
    ['atributes["a"] == "b"', 0, /unknown path atributes in the log_record context: expected one of body, attributes\["…"\]/],
    ['body["x"] == "b"', 0, /body takes no key/],
    ['IsMatch(body) ', 0, /IsMatch takes 2 arguments/],
    ['IsMatch(body, "(")', 14, /invalid regular expression "\("/],
    ['IsMatch(body, attributes["p"])', 14, /the pattern of IsMatch must be a string in double quotes/],
    ['Matches(body, "x")', 0, /unknown converter Matches: expected IsMatch/],
    ['set(attributes["a"], "b")', 0, /is an editor: conditions take converters only/],
    ['body == 0x01', 8, /byte literals/],
    ['', 0, /empty condition/],
    ['name == "a" && name == "b"', 12, /unexpected character "&"/],
  ];
  for (const [condition, offset, message] of cases) {
    const error = syntaxError(condition);
    assert.match(error.message, message, condition);
    assert.equal(error.offset, offset, `offset of the error in ${condition}: ${error.message}`);
  }
});

test('IsMatch is RE2, as in the Collector: linear time on a pattern that makes a backtracking engine take seconds', () => {
  // A JavaScript RegExp needs 2^34 steps for this: minutes. RE2 answers at once.
  const name = `${'a'.repeat(34)}!`;
  const started = performance.now();
  assert.equal(log('IsMatch(attributes["name"], "(a+)+$")', record({ attributes: { name } })), false);
  assert.equal(log('IsMatch(attributes["name"], "(a+)+!$")', record({ attributes: { name } })), true);
  assert.ok(performance.now() - started < 500, `took ${Math.round(performance.now() - started)} ms`);
  assert.equal(log('IsMatch(body, "(?i)^message \\\\d+\\\\.bac")'), true, 'Go syntax: (?i), \\d');
});

test('what RE2 refuses (backreferences, lookarounds) and deep nesting are configuration errors at the pattern', () => {
  const cases: [string, number, RegExp][] = [
    ['IsMatch(body, "(a)\\\\1")', 14, /invalid regular expression "\(a\)\\\\1": invalid escape sequence: `\\1` \(IsMatch uses RE2, as the Collector does: no backreferences or lookarounds\)/],
    ['IsMatch(body, "moved(?= to)")', 14, /invalid or unsupported Perl syntax: `\(\?=` \(IsMatch uses RE2/],
    ['IsMatch(body, "(?<!x)y")', 14, /\(IsMatch uses RE2/],
    [`IsMatch(body, "${'('.repeat(3000)}a${')'.repeat(3000)}")`, 14, /invalid regular expression "\(+…": expression nests too deeply/],
  ];
  for (const [condition, offset, message] of cases) {
    const error = syntaxError(condition);
    assert.match(error.message, message, condition.slice(0, 40));
    assert.equal(error.offset, offset);
  }
});

test('conditions nested thousands deep are refused with a message, not a stack overflow; long or-chains work', () => {
  const cases: [string, number, RegExp][] = [
    [`${'('.repeat(3000)}true${')'.repeat(3000)}`, 100, /the condition nests more than 100 levels deep \(parentheses and "not"\)/],
    [`${'not '.repeat(3000)}true`, 400, /nests more than 100 levels deep/],
    [`${'IsMatch('.repeat(3000)}body, "x")`, 800, /nests more than 100 levels deep \(converter calls inside converter calls\)/],
  ];
  for (const [condition, offset, message] of cases) {
    const error = syntaxError(condition);
    assert.match(error.message, message);
    assert.equal(error.offset, offset);
  }
  assert.equal(log(`${'('.repeat(100)}true${')'.repeat(100)}`), true, '100 levels are fine');
  const terms = Array.from({ length: 20_000 }, (_, i) => `attributes["count"] == ${i + 10}`);
  assert.equal(log([...terms, 'attributes["count"] == 3'].join(' or ')), true);
  assert.equal(log(terms.join(' and ')), false);
});

test('include/exclude globs are matched in linear time too', async () => {
  const { globMatcher } = await import('../../src/processors/filter/factory.ts');
  const matches = globMatcher(['backbone.scan.*', `${'a*'.repeat(12)}b`]);
  const started = performance.now();
  assert.equal(matches('a'.repeat(500)), false);
  assert.ok(performance.now() - started < 500, `took ${Math.round(performance.now() - started)} ms`);
  assert.equal(matches('backbone.scan.duration'), true);
  assert.equal(matches('backbone_scan_x'), false, 'the dot is a dot');
});
