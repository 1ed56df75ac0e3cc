// Folders left out of the tree: `exclude` names (`lost+found`) or globs (`*backup*`, `.snapshot`,
// `hourly.?`), matched against one folder name at any level, case-insensitively like the state
// names. An excluded folder is never listed, counted or watched, nor anything below it.

export type ExcludeMatcher = (name: string) => boolean;

const NOTHING: ExcludeMatcher = () => false;

/** `*` stands for any run of characters, `?` for one; everything else is literal. */
function globSource(pattern: string): string {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return source;
}

export function createExcludeMatcher(patterns: readonly string[]): ExcludeMatcher {
  if (patterns.length === 0) return NOTHING;
  const plain = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    if (/[*?]/.test(pattern)) globs.push(globSource(pattern));
    else plain.add(pattern.toLowerCase());
  }
  const glob = globs.length === 0 ? undefined : new RegExp(`^(?:${globs.join('|')})$`, 'is');
  return (name) => plain.has(name.toLowerCase()) || (glob !== undefined && glob.test(name));
}

/** Why a pattern cannot be an exclude (it names a path, not a folder); undefined when fine. */
export function excludeProblem(pattern: string): string | undefined {
  if (pattern.includes('/')) return `"${pattern}" holds a "/": exclude matches one folder name at any level, such as "backup" or "*.bak"`;
  if (pattern === '*') return '"*" would leave every folder out';
  return undefined;
}
