// Turns what went wrong with a request into a failure an admin can act on: an `error.type`
// for the telemetry, a signature that says whether two failures are "the same", and one
// specific sentence that names the likely cause and the fix. Never any credential.
import type { IncomingHttpHeaders } from 'node:http';
import { jiraErrorText } from './api-model.ts';

export interface ApiFailure {
  /** error.type: the HTTP status code, an errno or TLS code, or a kind such as `login_page`. */
  errorType: string;
  /** Two failures with the same signature are the same failure (details in the text may differ). */
  signature: string;
  message: string;
  /** A sentence said after the message (and after how many requests failed this way), if any. */
  advice?: string;
  statusCode?: number;
}

export interface RequestContext {
  /** "GET https://jira.example.com/jira/plugins/servlet/backbone-issue-sync/api/1/integrations" */
  display: string;
  host: string;
  /** url.template: "/integrations", "/integrations/{integrationKey}/status", "/health" */
  template: string;
  projectKey?: string;
  integrationKey?: string;
  authKind: 'basic' | 'bearer';
  timeoutMs: number;
  maxBytes: number;
}

export type Phase = 'connecting' | 'tls' | 'waiting' | 'body';

const CREDENTIALS_HELP: Record<RequestContext['authKind'], string> = {
  basic: 'Check auth.basic.username and auth.basic.password (a changed password? a locked or deactivated user?)',
  bearer: 'Check auth.bearer.token: the personal access token may be mistyped, revoked or expired (tokens need Jira Data Center 8.14 or later)',
};

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}

function what(ctx: RequestContext): string {
  if (ctx.integrationKey !== undefined) {
    return ctx.template.endsWith('/status') ? `the status of integration ${ctx.integrationKey}` : `integration ${ctx.integrationKey}`;
  }
  if (ctx.template === '/health') return 'the health of Backbone Issue Sync';
  return ctx.projectKey !== undefined ? `the integrations of project ${ctx.projectKey}` : 'the list of integrations';
}

function failure(errorType: string, message: string, ctx: RequestContext, statusCode?: number, signature = errorType): ApiFailure {
  return { errorType, signature, message: `${ctx.display}: ${message}`, ...(statusCode === undefined ? {} : { statusCode }) };
}

const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED',
]);

/** The request failed before a complete answer: no connection, DNS, TLS, reset. */
export function transportFailure(error: unknown, ctx: RequestContext, phase: Phase, received: number): ApiFailure {
  const err = error as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : 'unknown';
  const detail = err instanceof Error ? err.message : String(error);
  if (code === 'shutdown') return failure(code, 'aborted: the agent is shutting down.', ctx);
  if (code === 'ECONNREFUSED') {
    return failure(code, `connection refused by ${ctx.host}: nothing listens there. Is Jira running, and are host and port in endpoint right?`, ctx);
  }
  if (code === 'ENOTFOUND') {
    return failure(code, `DNS: the host name in endpoint cannot be resolved (${ctx.host.replace(/:\d+$/, '')}). Check endpoint for typos, and this machine's DNS.`, ctx);
  }
  if (code === 'EAI_AGAIN') {
    return failure(code, `DNS: looking up ${ctx.host.replace(/:\d+$/, '')} failed for now (EAI_AGAIN): the DNS server did not answer.`, ctx);
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return failure(code, `cannot reach ${ctx.host} (${code}): a firewall or the network is in the way.`, ctx);
  }
  if (TLS_UNTRUSTED.has(code)) {
    return failure(code,
      `TLS: the certificate of ${ctx.host} is not trusted (${code}: self-signed, or signed by a CA this machine does not know). ` +
      'Set tls.ca_file to the PEM file of the CA that signed it (for a self-signed certificate, the certificate itself); ' +
      'tls.insecure_skip_verify: true turns the check off, for test systems only.', ctx);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return failure(code, `TLS: the certificate of ${ctx.host} ${code === 'CERT_HAS_EXPIRED' ? 'has expired' : 'is not valid yet (is this machine\'s clock right?)'}.`, ctx);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = (error as { cert?: { subjectaltname?: string } }).cert?.subjectaltname;
    const hostname = ctx.host.replace(/:\d+$/, '');
    return failure(code,
      `TLS: the certificate is not for the host name in endpoint (${hostname})${names ? `: it names ${names}` : ''}. ` +
      'Put a name the certificate names in endpoint, or have a certificate made that names this one.', ctx);
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || /wrong version number|packet length too long/i.test(detail)) {
    return failure(code, `TLS handshake with ${ctx.host} failed (${detail.split('\n')[0]}). If that port serves plain HTTP, use http:// in endpoint.`, ctx);
  }
  if (code.startsWith('ERR_TLS_') || code.startsWith('CERT_') || code.includes('CERT')) {
    return failure(code, `TLS: ${detail}.`, ctx);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || detail === 'socket hang up') {
    if (phase === 'body') {
      return failure('truncated',
        `the connection closed after ${bytes(received)} of the answer, before it was complete (a truncated answer: Jira or a proxy cut it off).`, ctx);
    }
    return failure(code === 'EPIPE' ? 'EPIPE' : 'ECONNRESET',
      `${ctx.host} closed the connection without answering. If that port serves HTTPS, use https:// in endpoint; else a proxy or load balancer may drop the request.`, ctx);
  }
  return failure(code, `request failed: ${detail}.`, ctx);
}

export function timeoutFailure(ctx: RequestContext, phase: Phase, received: number, elapsedMs: number): ApiFailure {
  const limit = `within timeout (${seconds(ctx.timeoutMs)})`;
  switch (phase) {
    case 'connecting':
      return failure('timeout', `no connection to ${ctx.host} ${limit}: a firewall may drop the packets, or the host is down.`, ctx);
    case 'tls':
      return failure('timeout', `the TLS handshake with ${ctx.host} did not complete ${limit}.`, ctx);
    case 'waiting':
      return failure('timeout', `Jira accepted the connection but sent no answer ${limit}: Jira is overloaded or stuck (see atlassian-jira.log), or timeout is too short.`, ctx);
    case 'body':
      return failure('timeout',
        `the answer did not complete ${limit}: ${bytes(received)} arrived in ${seconds(Math.round(elapsedMs))} (an endlessly slow answer). Jira or a proxy is stuck, or timeout is too short.`, ctx);
  }
}

export function tooLargeFailure(ctx: RequestContext, received: number, declared: number | undefined): ApiFailure {
  const size = declared !== undefined && declared > received ? `it announced ${bytes(declared)}` : `more than ${bytes(received)}`;
  return failure('response_too_large',
    `the answer is larger than max_response_size (${bytes(ctx.maxBytes)}): ${size}; stopped reading. Raise max_response_size if this Jira really has that many integrations.`, ctx);
}

const LOGIN_PAGE = /os_username|login-form|id="login|login\.jsp|<title>[^<]*log\s?in/i;

function htmlTitle(body: string): string | undefined {
  const match = /<title[^>]*>([^<]*)<\/title>/i.exec(body);
  const title = match?.[1]?.replace(/\s+/g, ' ').trim();
  if (!title) return undefined;
  return title.length > 80 ? `${title.slice(0, 79)}…` : title;
}

export function looksLikeHtml(headers: IncomingHttpHeaders, body: string): boolean {
  const type = String(headers['content-type'] ?? '').toLowerCase();
  return type.includes('text/html') || type.includes('application/xhtml') || /^\s*</.test(body);
}

function captchaDemanded(headers: IncomingHttpHeaders): boolean {
  return String(headers['x-seraph-loginreason'] ?? '').includes('AUTHENTICATION_DENIED') ||
    String(headers['x-authentication-denied-reason'] ?? '').toUpperCase().includes('CAPTCHA');
}

/** A 2xx answer that is an HTML page: Jira's login page (the credentials were not accepted) or something else. */
export function htmlFailure(ctx: RequestContext, statusCode: number, headers: IncomingHttpHeaders, body: string): ApiFailure {
  if (captchaDemanded(headers)) return captchaFailure(ctx, statusCode);
  if (LOGIN_PAGE.test(body) || headers['x-seraph-loginreason'] !== undefined) {
    return failure('login_page',
      `Jira answered with its login page (HTML, status ${statusCode}) instead of JSON: it did not accept the request as logged in. ` +
      `${CREDENTIALS_HELP[ctx.authKind]}; an SSO or login proxy in front of Jira must let this request through.`, ctx, statusCode);
  }
  const title = htmlTitle(body);
  return failure('html_page',
    `answered with an HTML page${title ? ` ("${title}")` : ''} instead of JSON. Is endpoint the Jira base URL (with its context path, for example https://jira.example.com/jira)? A proxy or maintenance page may stand in the way.`,
    ctx, statusCode);
}

function captchaFailure(ctx: RequestContext, statusCode: number): ApiFailure {
  return failure('captcha',
    `Jira demands a CAPTCHA for this user after too many failed logins, so it rejects every request. ` +
    `Fix the credentials (${ctx.authKind === 'basic' ? 'auth.basic' : 'auth.bearer'}), then log in once in a browser as that user, or have an admin reset the failed-login count.`,
    ctx, statusCode, `captcha:${statusCode}`);
}

const LOGIN_LOCATION = /login|os_destination|saml|sso|oauth|openid|auth/i;

/** The path and query of a Location (not the host: "auth.example.com" is no login page). */
function pathAndQuery(location: string): string {
  try {
    const url = new URL(location, 'http://relative.invalid');
    return `${url.pathname}${url.search}`;
  } catch {
    return location;
  }
}

/** Location without its query: where a redirect points, free of tokens in parameters. */
function locationShown(location: string, ctx: RequestContext): string {
  try {
    const base = new URL(ctx.display.replace(/^GET /, ''));
    const url = new URL(location, base);
    return `${url.origin}${url.pathname}`;
  } catch {
    return location.split('?')[0] ?? '';
  }
}

/** A non-2xx answer. */
export function statusFailure(ctx: RequestContext, statusCode: number, headers: IncomingHttpHeaders, body: string, json: unknown): ApiFailure {
  const jira = jiraErrorText(json);
  const said = jira ? ` Jira says: "${jira.replace(/\.$/, '')}".` : '';
  const code = String(statusCode);
  if (statusCode >= 300 && statusCode < 400) {
    const location = typeof headers.location === 'string' ? headers.location : '';
    if (location === '') return failure('redirect', `Jira answered ${statusCode} (a redirect) without saying where to.`, ctx, statusCode);
    const target = locationShown(location, ctx);
    if (LOGIN_LOCATION.test(pathAndQuery(location))) {
      return failure('login_redirect',
        `Jira redirected to its login page (${target}) instead of answering: it did not accept the request as logged in. ` +
        `${CREDENTIALS_HELP[ctx.authKind]}; an SSO or login proxy in front of Jira must let this request through.`, ctx, statusCode);
    }
    return failure('redirect',
      `Jira answered with a redirect (${statusCode}) to ${target}; the agent does not follow redirects (they could carry the credentials elsewhere). ` +
      'Set endpoint to the address Jira redirects to (https:// instead of http://? another host name? the context path?).', ctx, statusCode);
  }
  if (statusCode === 401) {
    if (captchaDemanded(headers)) return captchaFailure(ctx, statusCode);
    return failure(code, `credentials rejected (401): Jira did not accept the configured user. ${CREDENTIALS_HELP[ctx.authKind]}.${said}`, ctx, statusCode);
  }
  if (statusCode === 403) {
    if (/XSRF/i.test(body)) {
      return failure(code,
        'Jira\'s XSRF check failed (403) although the agent sends "X-Atlassian-Token: no-check": a proxy in front of Jira probably drops that header.',
        ctx, statusCode, `${code}:xsrf`);
    }
    if (ctx.template === '/integrations' && ctx.projectKey === undefined) {
      return failure(code,
        'access denied (403): listing all integrations needs a Jira administrator. Give the user Jira administrator rights, or, for a project administrator, ' +
        `set project_keys to the projects the user administers.${said}`, ctx, statusCode);
    }
    if (ctx.projectKey !== undefined) {
      return failure(code,
        `access denied (403) to ${what(ctx)}: the user must be a project administrator of ${ctx.projectKey} (or a Jira administrator). ` +
        `Check the project key in project_keys and the user's project role.${said}`, ctx, statusCode, `${code}:project=${ctx.projectKey}`);
    }
    return failure(code,
      `access denied (403) to ${what(ctx)}: the user needs to be a Jira administrator or an administrator of the integration's projects.${said}`,
      ctx, statusCode, `${code}:${ctx.template}`);
  }
  if (statusCode === 404) {
    if (ctx.template === '/integrations') {
      const tail = ctx.projectKey !== undefined ? ` If it is the project that does not exist, check ${ctx.projectKey} in project_keys.` : '';
      return failure(code,
        'not found (404): either endpoint is not the Jira base URL (it must include the context path, for example https://jira.example.com/jira), ' +
        `or Backbone Issue Sync is not installed or not enabled on this Jira.${tail}${said}`, ctx, statusCode,
        ctx.projectKey !== undefined && jira !== undefined ? `${code}:project=${ctx.projectKey}` : code);
    }
    if (ctx.template === '/health') {
      return failure(code,
        'not found (404): this Backbone Issue Sync version may have no /health endpoint. Set health_check: false to stop asking for it.',
        ctx, statusCode, `${code}:${ctx.template}`);
    }
    return failure(code,
      `not found (404): ${what(ctx)} is not there, although the list of integrations names it (deleted meanwhile, or this Backbone version has no such endpoint).${said}`,
      ctx, statusCode, `${code}:${ctx.template}`);
  }
  if (statusCode === 429) {
    const retry = typeof headers['retry-after'] === 'string' ? ` (Retry-After: ${headers['retry-after']})` : '';
    return failure(code,
      `Jira is rate-limiting this user (429)${retry}: exempt the user from rate limiting, or raise collection_interval.`, ctx, statusCode);
  }
  if (statusCode >= 500) {
    const hint = statusCode === 502 || statusCode === 504
      ? 'a proxy or load balancer in front of Jira got no good answer from Jira: is Jira up?'
      : statusCode === 503
        ? 'Jira is starting, stopping, in maintenance or overloaded.'
        : 'Jira or Backbone Issue Sync failed while answering: see atlassian-jira.log on the Jira node.';
    const title = looksLikeHtml(headers, body) ? htmlTitle(body) : undefined;
    return failure(code, `server error ${statusCode}${title ? ` ("${title}")` : ''}: ${hint}${said}`, ctx, statusCode,
      ctx.template === '/health' ? `${code}:${ctx.template}` : code);
  }
  return failure(code, `Jira answered ${statusCode} to the request for ${what(ctx)}.${said}`, ctx, statusCode, `${code}:${ctx.template}`);
}

export function jsonFailure(ctx: RequestContext, statusCode: number, body: string, error: Error): ApiFailure {
  if (body.trim() === '') {
    return failure('invalid_json', `answered ${statusCode} with an empty body where JSON (${what(ctx)}) was expected.`, ctx, statusCode);
  }
  // JSON.parse names the position where it gave up: at the very end, the text was cut off.
  const position = /at position (\d+)/.exec(error.message);
  const cutOff = /end of (JSON )?input/i.test(error.message) || (position !== null && Number(position[1]) >= body.trimEnd().length - 1);
  return failure('invalid_json',
    `the answer is not valid JSON (${error.message})${cutOff ? ': it ends in the middle, a truncated answer' : ''}. ` +
    'Backbone Issue Sync or a proxy in front of Jira answered with something else.', ctx, statusCode);
}

/**
 * A JSON answer that does not have the documented shape. `problem` names the JSON path and
 * what was expected; `where` (the path without list indexes, and what was expected there)
 * tells two such failures apart.
 */
export function shapeFailure(ctx: RequestContext, statusCode: number, problem: string, where = ''): ApiFailure {
  return {
    ...failure('unexpected_response', `unexpected answer for ${what(ctx)}, not in the documented shape: ${problem}`, ctx, statusCode,
      `unexpected_response:${ctx.template}${where === '' ? '' : `:${where}`}`),
    advice: 'This Backbone Issue Sync version may have changed its API: please report it with this message.',
  };
}
