// docs/troubleshooting.md explains every warning and error the agent logs: for each
// log.warn / log.error / log.problem call in the code the agent runs (src/cli.ts and what it
// imports) whose message is written there, the first four words of the message's longest
// fixed part must appear in the page. (The REST poller's failure messages are
// explained by error.type instead, and say themselves what to do.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO } from './support/agent-child.ts';

const DOC = readFileSync(path.join(REPO, 'docs', 'troubleshooting.md'), 'utf8');
/** Not the agent's: the simulated Backbone and the demo only run in tests and `npm start`. */
const NOT_THE_AGENT = ['simulator', 'demo'];

/** The text of a call starting at `open` (the index of its "("), up to its matching ")". */
function callText(source: string, open: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      else if (quote === '`' && c === '$' && source[i + 1] === '{') {
        // A ${...} inside a template: skip to its end.
        let inner = 0;
        for (i += 1; i < source.length; i++) {
          if (source[i] === '{') inner++;
          else if (source[i] === '}' && --inner === 0) break;
        }
      }
      continue;
    }
    if (c === '\'' || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return source.slice(open + 1, i);
  }
  return source.slice(open + 1);
}

/** Skips a ${...} of a template, `i` at its "{"; returns the index of its "}". */
function skipInterpolation(text: string, i: number): number {
  let depth = 1;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j]!;
    if (c === '\'' || c === '"' || c === '`') j = skipLiteral(text, j);
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j;
  }
  return text.length;
}

/** The index of the closing quote of the literal that opens at `i`. */
function skipLiteral(text: string, i: number): number {
  const quote = text[i]!;
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j]!;
    if (c === '\\') j++;
    else if (quote === '`' && c === '$' && text[j + 1] === '{') j = skipInterpolation(text, j + 1);
    else if (c === quote) return j;
  }
  return text.length;
}

/** The fixed parts of every top-level string and template literal in a text. */
function literals(text: string): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < text.length; i++) {
    const quote = text[i]!;
    if (quote !== '\'' && quote !== '"' && quote !== '`') continue;
    const parts: string[] = [''];
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j]!;
      if (c === '\\') { parts[parts.length - 1] += text[j + 1] ?? ''; j++; }
      else if (quote === '`' && c === '$' && text[j + 1] === '{') { j = skipInterpolation(text, j + 1); parts.push(''); }
      else if (c === quote) break;
      else parts[parts.length - 1] += c;
    }
    out.push(parts);
    i = j;
  }
  return out;
}

/** The first four words of a fixed part, from its first word that is made of letters. */
function phrase(part: string): string {
  const words = part.trim().split(/\s+/);
  const start = words.findIndex((w) => /^[A-Za-z"][\w"'*-]*[,;:.]?$/.test(w));
  return start < 0 ? '' : words.slice(start, start + 4).join(' ');
}

interface Logged { where: string; fragment: string }

/**
 * The files the agent can run: src/cli.ts and what it imports, transitively (static and
 * dynamic imports, and worker scripts named with new URL('./x.js', import.meta.url)).
 * A component that is not registered yet prints nothing, so it is not asked for here.
 */
function agentFiles(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const references = [
      ...source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g),
      ...source.matchAll(/new URL\('(\.{1,2}\/[^']+)',\s*import\.meta\.url\)/g),
    ].map((m) => m[1]!);
    for (const reference of references) {
      const target = path.resolve(path.dirname(file), reference).replace(/\.js$/, '.ts');
      if (target.endsWith('.ts') && target.startsWith(path.join(REPO, 'src'))) visit(target);
    }
  };
  visit(path.join(REPO, 'src', 'cli.ts'));
  return [...seen].map((file) => path.relative(path.join(REPO, 'src'), file));
}

function loggedMessages(): Logged[] {
  const out: Logged[] = [];
  const dir = path.join(REPO, 'src');
  for (const file of agentFiles()) {
    if (NOT_THE_AGENT.some((part) => file.split(path.sep).includes(part))) continue;
    const source = readFileSync(path.join(dir, file), 'utf8');
    for (const match of source.matchAll(/\b(?:log|sdkLog)\.(warn|error|problem)\(/g)) {
      const args = callText(source, match.index + match[0].length - 1);
      const line = source.slice(0, match.index).split('\n').length;
      let found = literals(args);
      // problem(key, level, message): the key and the level are not the message.
      if (match[1] === 'problem') found = found.slice(1).filter((parts) => !(parts.length === 1 && /^(warn|error)$/.test(parts[0]!)));
      for (const parts of found) {
        // The fixed part with the most words stands for the message.
        const longest = [...parts].sort((a, b) => b.trim().split(/\s+/).length - a.trim().split(/\s+/).length)[0] ?? '';
        const fragment = phrase(longest);
        if (fragment.split(' ').length >= 3) out.push({ where: `src/${file}:${line}`, fragment });
      }
    }
  }
  return out;
}

test('docs/troubleshooting.md explains every warning and error the agent logs', () => {
  const messages = loggedMessages();
  assert.ok(messages.length > 20, `found the agent's messages (${messages.length})`);
  const doc = DOC.replace(/\s+/g, ' ');
  const missing = messages.filter(({ fragment }) => !doc.includes(fragment)).map(({ where, fragment }) => `${where}: "${fragment}"`);
  assert.deepEqual(missing, [], 'add these messages to docs/troubleshooting.md');
});
