// Text from a failing Jira (or whatever stands in front of it) is quoted in the agent's log and
// on its status page, and is not to be trusted: a proxy that echoes the request's headers put
// the agent's own `Authorization: Basic …` there. Before such text is shown, anything that
// looks like a credential is replaced by [REDACTED] (header lines that carry one, Basic and
// Bearer values, password=, token= and their JSON forms, user:password@ in URLs, JWTs, long
// opaque tokens), its line breaks and control characters are written as \n and \xNN (a
// message stays one line of the log, and an answer cannot forge log lines), and it is cut to
// a length: a quoted passage to MAX_QUOTED characters, the whole text to MAX_SHOWN.
export const REDACTED = '[REDACTED]';
export const MAX_QUOTED = 200;
export const MAX_SHOWN = 1000;

/** `Authorization: …`, `Cookie: …`, `X-Api-Key: …` up to the end of the line (or of the quoted text). */
// (X-Atlassian-Token: no-check is no secret, and the agent's own advice names it.)
const CREDENTIAL_HEADER = /\b((?:proxy-)?authorization|(?:set-)?cookie|x-(?!atlassian-token\b)[a-z0-9-]*(?:token|key|auth|secret|session)[a-z0-9-]*|api[-_]?key)(\s*[:=]\s*)[^\r\n"\\]+/gi;
/** `Basic dXNlcjpwYXNz`, `Bearer eyJ…`: a scheme and credentials (not a word: "basic credentials"). */
const SCHEME_VALUE = /\b([Bb]asic|[Bb]earer|[Tt]oken|[Nn]egotiate|[Dd]igest)(\s+)([A-Za-z0-9+/=._~-]{5,}[A-Za-z0-9+/=_~-])/g;
const SECRET_NAME = '[a-z0-9_-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|credential|session(?:id)?|private[_-]?key)[a-z0-9_-]*';
/** `password=x`, `jsessionid=x`, in a query or a form. */
const NAMED_ASSIGNMENT = new RegExp(`\\b(${SECRET_NAME})(\\s*=\\s*)("[^"]*"|'[^']*'|[^\\s&,;"'}<]+)`, 'gi');
/** `"token": "x"`, as JSON writes it (a quoted name: "auth.bearer.token: the …" in the agent's own advice is no secret). */
const NAMED_JSON = new RegExp(`(["'])(${SECRET_NAME})\\1(\\s*:\\s*)("[^"]*"|'[^']*'|[^\\s,}]+)`, 'gi');
/** `https://user:password@host`. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi;
/** A JSON Web Token. */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/**
 * 32 or more characters of base64 with upper and lower case letters and digits: a personal
 * access token, an API key (looksLikeToken tells them from paths).
 */
const OPAQUE_TOKEN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/_-])/g;
const MIXED = [/\d/, /[a-z]/, /[A-Z]/];
/**
 * The patterns above look back and forth within runs of name characters: on megabytes that
 * would take long. Answers are cut to this before they are searched (and the word cut there
 * dropped, so that no piece of a credential stays).
 */
const MAX_SEARCHED = 4096;
/** A double-quoted passage longer than MAX_QUOTED. */
const LONG_QUOTE = new RegExp(`"([^"]{${MAX_QUOTED},})"`, 'g');

/** The text with credential-like parts replaced by [REDACTED] (and cut, when longer than MAX_SEARCHED). */
export function redactCredentials(text: string): string {
  const searched = text.length > MAX_SEARCHED ? `${text.slice(0, MAX_SEARCHED).replace(/\S{0,200}$/, '')}…` : text;
  return searched
    .replace(CREDENTIAL_HEADER, (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`)
    .replace(URL_USERINFO, (_match, scheme: string) => `${scheme}${REDACTED}@`)
    // Credentials have capitals, digits or base64's +/=; "basic credentials" is words.
    .replace(SCHEME_VALUE, (match, scheme: string, space: string, value: string) => (/[A-Z0-9+/=]/.test(value) ? `${scheme}${space}${REDACTED}` : match))
    .replace(NAMED_ASSIGNMENT, (match, name: string, separator: string, value: string) =>
      (value.includes(REDACTED) ? match : `${name}${separator}${quoted(value)}`))
    .replace(NAMED_JSON, (match, quote: string, name: string, separator: string, value: string) =>
      (value.includes(REDACTED) ? match : `${quote}${name}${quote}${separator}${quoted(value)}`))
    .replace(JWT, REDACTED)
    .replace(OPAQUE_TOKEN, (match, offset: number, all: string) => (looksLikeToken(match, offset, all) ? REDACTED : match));
}

/**
 * Letters of both cases and digits, and not a path: not in a URL (the agent's own request,
 * "GET https://…/api/1/integrations/INT-16/status"), not two or more /-separated words.
 */
function looksLikeToken(match: string, offset: number, all: string): boolean {
  if (!MIXED.every((kind) => kind.test(match))) return false;
  const runStart = all.lastIndexOf(' ', offset) + 1;
  if (all.slice(runStart, offset).includes('://')) return false;
  return match.split('/').filter((segment) => /^[a-z][a-z-]{3,}$/.test(segment)).length < 2;
}

/** [REDACTED] in the quotes the value had. */
function quoted(value: string): string {
  const quote = value[0] === '"' || value[0] === '\'' ? value[0] : '';
  return `${quote}${REDACTED}${quote}`;
}

/** Quoted passages cut to MAX_QUOTED characters, the whole to MAX_SHOWN, each cut marked with …. */
export function cutAnswerText(text: string): string {
  const quoted = text.replace(LONG_QUOTE, (_match, inner: string) => `"${inner.slice(0, MAX_QUOTED - 1)}…"`);
  return quoted.length > MAX_SHOWN ? `${quoted.slice(0, MAX_SHOWN - 1)}…` : quoted;
}

/** Line breaks as \n, other control characters (tab aside) as \xNN. */
export function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '\\n').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Text from an answer as it may be shown: credentials redacted, on one line, then cut. */
export function shownAnswerText(text: string): string {
  return cutAnswerText(oneLine(redactCredentials(text)));
}
