// Whether this node's Backbone REST API answers, for leader election on Jira Data Center: every
// agent asks its own node's Jira (standbys too, so that the lease can go to one whose Jira
// answers when the leader's does not). One cheap request per check: /health, or the list of
// integrations when health_check is off (of the first project key, with project_keys).
import type { AvailabilityProbe } from '../../component/component.ts';
import { ApiClient, type ApiRequest } from './api-client.ts';
import type { RestConfig } from './config.ts';
import { apiClientOptions } from './receiver.ts';

export function restAvailability(config: RestConfig): AvailabilityProbe {
  const options = apiClientOptions(config);
  let client: ApiClient | undefined;
  const projectKey = config.project_keys[0];
  const request: ApiRequest = config.health_check
    ? { template: '/health', pathSegments: ['health'], expect: 'any' }
    : {
      template: '/integrations', pathSegments: ['integrations'], expect: 'json',
      ...(projectKey === undefined ? {} : { query: { projectKey }, projectKey }),
    };
  return {
    description: `the Backbone REST API at ${options.baseUrl.href}`,
    async check() {
      client ??= new ApiClient({ ...options, maxConcurrent: 1 });
      const result = await client.get(request);
      return result.ok ? undefined : result.failure.message;
    },
    close() {
      client?.close();
      client = undefined;
    },
  };
}
