// The Backbone REST API, step by step as the poller will use it: reachable, authenticated,
// permitted, the answer's shape (status embedded in the list, or one request per
// integration), the integrations found, /health, and whether disk and API name the same
// integrations. Requests and the wording of every failure are the poller's own
// (api-client.ts, failures.ts); the doctor adds which step failed and what to change.
import { ApiClient, type ApiRequest, apiBaseUrl } from '../../receivers/backbone_rest/api-client.ts';
import {
  type IntegrationItem, type Parsed, parseIntegrationList, parseStatusBlock, POSITIONS, type StatusBlock,
} from '../../receivers/backbone_rest/api-model.ts';
import { type ApiFailure, shapeFailure } from '../../receivers/backbone_rest/failures.ts';
import { apiClientOptions } from '../../receivers/backbone_rest/receiver.ts';
import { type Check, listSome, plural } from '../report.ts';
import type { RestTarget, SourceKind } from '../target.ts';

export type Step = 'reachable' | 'authenticated' | 'permitted' | 'shape';
const STEPS: readonly Step[] = ['reachable', 'authenticated', 'permitted', 'shape'];

/** Which step a failure shows is not working. */
export function stepOf(failure: ApiFailure): Step {
  switch (failure.errorType) {
    case '401':
    case 'login_page':
    case 'login_redirect':
    case 'captcha':
      return 'authenticated';
    case '403':
      return failure.signature === '403:xsrf' ? 'reachable' : 'permitted';
    case 'invalid_json':
    case 'unexpected_response':
      return 'shape';
    default:
      return 'reachable';
  }
}

const TRANSPORT = /^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|EHOST|ENET|EPIPE|timeout|truncated)/;
const TLS = /CERT|TLS|SSL|EPROTO/;

function fixFor(failure: ApiFailure, step: Step, target: RestTarget, source: SourceKind): string {
  const endpoint = source === 'flags' ? '--jira-url' : `endpoint of ${target.id}`;
  switch (step) {
    case 'authenticated':
      if (failure.errorType === 'captcha') return 'Fix the credentials first, then log in once in a browser as that user to clear the CAPTCHA (or have an admin reset the failed-login count).';
      return source === 'flags'
        ? 'Set JIRA_USER and JIRA_PASSWORD to a Jira admin\'s login (or JIRA_TOKEN to a token); try it in a browser.'
        : `Correct auth of ${target.id} (a Jira admin's login or token); try it in a browser.`;
    case 'permitted':
      return source === 'flags'
        ? 'Use the login of a Jira administrator: without a configuration the doctor lists every integration, which needs one.'
        : `Use a Jira administrator, or set project_keys of ${target.id} to the projects this user administers.`;
    case 'shape':
      return `Check that ${endpoint} reaches Jira itself, not a proxy or single-sign-on page; if it does, this Backbone version answers differently: ` +
        'tell the agent\'s maintainers, with the answer of the URL above.';
    case 'reachable':
      if (failure.signature === '403:xsrf') return 'A proxy in front of Jira drops the X-Atlassian-Token header: let it through to Jira.';
      if (TLS.test(failure.errorType)) return `Fix TLS as the message says (tls.ca_file of ${target.id} for a private CA; http:// or https:// in ${endpoint}).`;
      if (TRANSPORT.test(failure.errorType)) return `Check that Jira runs and that this host can reach it (firewall, proxy), and the host and port in ${endpoint}.`;
      if (/^(404|html_page|redirect)$/.test(failure.errorType)) {
        return `Set ${endpoint} to Jira's base URL as users open it, with its context path (for example https://jira.example.com/jira), ` +
          'and check that Backbone Issue Sync is installed and enabled (Manage apps).';
      }
      return 'Try again once Jira is up; if it persists, look in atlassian-jira.log on the Jira node.';
  }
}

export interface RestOutcome {
  checks: Check[];
  /** The integration keys the API listed, when every list request worked. */
  integrations: string[] | undefined;
  /** Listed for some projects only (project_keys). */
  scoped: boolean;
}

type Outcome<T> = { ok: true; value: T; statusCode: number; durationMs: number } | { ok: false; failure: ApiFailure };

async function request<T>(client: ApiClient, req: ApiRequest, read: (body: unknown) => Parsed<T>): Promise<Outcome<T>> {
  const result = await client.get(req);
  if (!result.ok) return { ok: false, failure: result.failure };
  const parsed = read(result.body);
  if (!parsed.ok) return { ok: false, failure: shapeFailure(client.contextOf(req), result.statusCode, parsed.problem) };
  return { ok: true, value: parsed.value, statusCode: result.statusCode, durationMs: result.durationMs };
}

/** The poller's message with the request's URL shortened to its path below the API base (the section names the base). */
function said(failure: ApiFailure, target: RestTarget): string {
  const base = apiBaseUrl(target.config.endpoint).href;
  return failure.message.replace(`GET ${base}`, 'GET /');
}

/** OK lines for the steps a failure shows to be working, then the FAIL line of its own step. */
function failedAt(failure: ApiFailure, target: RestTarget, source: SourceKind): Check[] {
  const step = stepOf(failure);
  const checks: Check[] = [];
  const index = STEPS.indexOf(step);
  if (index > 0 && failure.statusCode !== undefined) checks.push({ id: 'rest.reachable', status: 'ok', message: `Jira answers (HTTP ${failure.statusCode}).` });
  if (index > 1) checks.push(authenticatedCheck(target));
  if (index > 2) checks.push(permittedCheck(target));
  checks.push({
    id: `rest.${step}`, status: 'fail', message: said(failure, target),
    fix: fixFor(failure, step, target, source),
    details: { errorType: failure.errorType, statusCode: failure.statusCode },
  });
  return checks;
}

function authenticatedCheck(target: RestTarget): Check {
  const { auth } = target.config;
  return { id: 'rest.authenticated', status: 'ok', message: auth.basic ? `logged in as ${auth.basic.username}.` : 'logged in with the personal access token.' };
}

function permittedCheck(target: RestTarget): Check {
  const keys = target.config.project_keys;
  return {
    id: 'rest.permitted', status: 'ok',
    message: keys.length > 0 ? `may list the integrations of ${plural(keys.length, 'project')} (${keys.join(', ')}).` : 'may list every integration.',
  };
}

function describeStatus(key: string, block: StatusBlock | undefined): string {
  if (!block) return `${key} ?`;
  const inError = POSITIONS.reduce((sum, p) => sum + (block.connectors[p]?.issuesInError ?? 0), 0);
  return `${key} ${block.status ?? '(no status)'}${inError > 0 ? ` (${plural(inError, 'issue')} in error)` : ''}`;
}

export async function checkRest(target: RestTarget, source: SourceKind): Promise<RestOutcome> {
  const { config } = target;
  const client = new ApiClient(apiClientOptions(config));
  const scoped = config.project_keys.length > 0;
  try {
    const keys: (string | undefined)[] = scoped ? config.project_keys : [undefined];
    const lists = await Promise.all(keys.map((projectKey) => request(client, {
      template: '/integrations', pathSegments: ['integrations'], expect: 'json',
      ...(projectKey === undefined ? {} : { query: { projectKey }, projectKey }),
    }, parseIntegrationList)));
    const failures = lists.flatMap((l) => (l.ok ? [] : [l.failure]));
    if (failures.length > 0) {
      // The earliest step any request failed at: that is the one to fix first.
      const first = failures.sort((a, b) => STEPS.indexOf(stepOf(a)) - STEPS.indexOf(stepOf(b)))[0]!;
      return { checks: failedAt(first, target, source), integrations: undefined, scoped };
    }

    const checks: Check[] = [];
    const firstList = lists[0]!;
    if (firstList.ok) {
      checks.push({ id: 'rest.reachable', status: 'ok', message: `Jira answers (HTTP ${firstList.statusCode} in ${Math.round(firstList.durationMs)} ms).` });
    }
    if (config.tls.insecure_skip_verify) {
      checks.push({
        id: 'rest.tls', status: 'warn', message: 'tls.insecure_skip_verify is on: Jira\'s certificate is not checked, so anyone in between could read the credentials.',
        fix: `Set tls.ca_file of ${target.id} to the CA that signed Jira's certificate and turn insecure_skip_verify off.`,
      });
    }
    checks.push(authenticatedCheck(target), permittedCheck(target));

    const items = new Map<string, IntegrationItem>();
    let skipped = 0;
    for (const list of lists) {
      if (!list.ok) continue;
      skipped += list.value.skipped;
      for (const item of list.value.items) if (!items.has(item.key)) items.set(item.key, item);
    }
    const needStatus = [...items.values()].filter((item) => item.embedded === undefined);
    const statuses = await Promise.all(needStatus.map((item) => request(client, {
      template: '/integrations/{integrationKey}/status', pathSegments: ['integrations', item.key, 'status'], expect: 'json', integrationKey: item.key,
    }, parseStatusBlock)));
    const blocks = new Map<string, StatusBlock | undefined>();
    for (const item of items.values()) if (item.embedded) blocks.set(item.key, item.embedded);
    needStatus.forEach((item, index) => {
      const outcome = statuses[index]!;
      blocks.set(item.key, outcome.ok ? outcome.value : undefined);
    });
    const statusFailure = statuses.find((s) => !s.ok);
    if (statusFailure && !statusFailure.ok) {
      const failed = statuses.filter((s) => !s.ok).length;
      const { failure } = statusFailure;
      checks.push({
        id: 'rest.status', status: 'fail',
        message: `the list holds no status, and ${failed} of ${plural(needStatus.length, 'status request')} failed: ${said(failure, target)}`,
        fix: fixFor(failure, stepOf(failure), target, source),
        details: { errorType: failure.errorType, statusCode: failure.statusCode, failed },
      });
      return { checks, integrations: [...items.keys()], scoped };
    }
    const embedded = items.size - needStatus.length;
    const shape = items.size === 0
      ? 'not known yet: the list is empty.'
      : needStatus.length === 0
        ? 'status embedded in the list (older Backbone versions): one request per poll.'
        : embedded === 0
          ? `status not in the list (newer Backbone versions): one more request per integration, ${needStatus.length === 1 ? 'it' : `all ${needStatus.length}`} answered.`
          : `status embedded for ${embedded}, asked separately for ${needStatus.length} (all answered).`;
    checks.push({
      id: 'rest.shape', status: skipped > 0 ? 'warn' : 'ok',
      message: skipped > 0 ? `${shape} ${plural(skipped, 'entry', 'entries')} of the list had no integrationKey and would be left out.` : shape,
      ...(skipped > 0 ? { fix: 'Tell the agent\'s maintainers (with the answer of /integrations): this Backbone version names integrations differently.' } : {}),
      details: { embedded, separate: needStatus.length, skipped },
    });

    const described = [...items.keys()].map((key) => describeStatus(key, blocks.get(key)));
    // "5 integrations, all RUNNING: INT-10, ..." when they are alike, else each with its status.
    const kinds = new Set([...items.keys()].map((key) => blocks.get(key)?.status));
    const [only] = kinds;
    const alike = kinds.size === 1 && only !== undefined && described.every((d) => !d.includes('in error'));
    checks.push(items.size === 0
      ? {
        id: 'rest.integrations', status: 'warn', message: 'the API lists no integration for this user.',
        fix: scoped
          ? `Check project_keys of ${target.id}: the user sees only integrations of those projects.`
          : 'If synchronizations exist, the user sees none of them: use a Jira administrator.',
      }
      : {
        id: 'rest.integrations', status: 'ok',
        message: alike && items.size > 1
          ? `${plural(items.size, 'integration')}, all ${only}: ${listSome([...items.keys()], 8)}.`
          : `${plural(items.size, 'integration')}: ${listSome(described, 6)}.`,
        details: { integrations: Object.fromEntries([...items.keys()].map((key) => [key, blocks.get(key)?.status ?? null])) },
      });

    if (config.health_check) {
      const health = await client.get({ template: '/health', pathSegments: ['health'], expect: 'any' });
      if (health.ok) {
        checks.push({ id: 'rest.health', status: 'ok', message: `/health answers (HTTP ${health.statusCode}).` });
      } else {
        const notThere = health.statusCode === 404;
        checks.push({
          id: 'rest.health', status: 'fail',
          message: `${said(health.failure, target)} Until then backbone.api.up stays 0.`,
          fix: notThere
            ? `Set health_check: false in ${source === 'flags' ? 'the backbone_rest receiver of the configuration' : target.id}.`
            : fixFor(health.failure, stepOf(health.failure), target, source),
          details: { errorType: health.failure.errorType, statusCode: health.statusCode },
        });
      }
    }
    return { checks, integrations: [...items.keys()], scoped };
  } finally {
    client.close();
  }
}

/** Whether the integrations on disk and those the API lists are the same. */
export function agreementCheck(api: readonly string[], disk: readonly string[], scoped: boolean, rootSetting: string): Check {
  const norm = (key: string) => key.toUpperCase();
  const apiKeys = new Set(api.map(norm));
  const diskKeys = new Set(disk.map(norm));
  const diskOnly = disk.filter((k) => !apiKeys.has(norm(k))).sort();
  const apiOnly = api.filter((k) => !diskKeys.has(norm(k))).sort();
  const details = { api: [...api].sort(), disk: [...disk].sort(), diskOnly, apiOnly };
  if (diskOnly.length === 0 && apiOnly.length === 0) {
    return { id: 'rest.agreement', status: 'ok', message: `disk and API name the same ${plural(api.length, 'integration')}.`, details };
  }
  const parts: string[] = [];
  const fixes: string[] = [];
  if (diskOnly.length > 0) {
    parts.push(`on disk only: ${listSome(diskOnly, 6)}`);
    fixes.push(scoped
      ? 'folders of integrations the API does not list: outside project_keys, or deleted (then their folders are leftovers)'
      : 'folders of integrations the API does not list: deleted integrations leave their folders behind (remove them), or root belongs to another Jira');
  }
  if (apiOnly.length > 0) {
    parts.push(`in the API only: ${listSome(apiOnly, 6)}`);
    fixes.push(`integrations without a folder under the root: is ${rootSetting} this Jira's home (on Data Center: the shared home)? A synchronization that never exchanged a message may have none yet`);
  }
  return {
    id: 'rest.agreement', status: 'warn',
    message: `disk and API disagree: ${parts.join('; ')}.`,
    fix: `${fixes.join('. ')}.`.replace(/^./, (c) => c.toUpperCase()),
    details,
  };
}
