// What every exported point and record says about where it comes from.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostname } from 'node:os';
import { parseResourceAttributesEnv } from '../../src/config/resource-attributes-env.ts';
import { buildResource } from '../../src/pipeline/resource.ts';

test('service.*, host.name, OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME and the configuration, in that order of precedence', () => {
  const resource = buildResource(
    { 'deployment.environment': 'prod', 'k8s.pod.name': 'jira-0' },
    { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=staging,team=jira%20ops', OTEL_SERVICE_NAME: 'backbone-agent-eu' },
  );
  const a = resource.attributes;
  assert.equal(a['service.name'], 'backbone-agent-eu');
  assert.match(String(a['service.version']), /^\d+\.\d+\.\d+/);
  assert.match(String(a['service.instance.id']), /^[0-9a-f-]{36}$/);
  assert.equal(a['host.name'], hostname());
  assert.equal(a['team'], 'jira ops');
  assert.equal(a['deployment.environment'], 'prod', 'the configuration wins over the environment');
  assert.equal(a['k8s.pod.name'], 'jira-0');
});

test('malformed OTEL_RESOURCE_ATTRIBUTES pairs are skipped, not fatal', () => {
  assert.deepEqual(parseResourceAttributesEnv('a=1,broken,=x,b=%E0%A4%A,c = 3'), { a: '1', c: '3' });
  assert.deepEqual(parseResourceAttributesEnv(undefined), {});
});
