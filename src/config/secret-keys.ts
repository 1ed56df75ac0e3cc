// Which values are secrets: never printed (print-config), never quoted in an error message.
const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|license[_-]?key|auth(orization)?|credential|private[_-]?key|cookie/i;

/** A value under a secret-looking key, or any header value, is a secret. */
export function isSecretKey(key: string, underHeaders = false): boolean {
  return underHeaders || SECRET_KEY.test(key);
}

/** Whether the value at this key path is a secret (any of its keys looks like one, or it is a header). */
export function isSecretPath(path: readonly (string | number)[]): boolean {
  return path.some((part, index) => typeof part === 'string' && (SECRET_KEY.test(part) || (/^headers$/i.test(part) && index < path.length - 1)));
}
