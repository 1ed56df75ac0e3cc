// Builds a Backbone message tree with exactly known contents (seeded, so reproducible),
// and returns what a scan must find. Shared by the tests, the demo and the benchmarks.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ISSUE_STATES, type State } from '../backbone/states.ts';
import { LAYOUTS, type LayoutName } from './layouts.ts';
import { randomInt, seededRandom } from './random.ts';
import { TREE_PROFILES, type TreeProfileName } from './tree-profiles.ts';

export interface ExpectedFolder {
  integration: string;
  project: string;
  state: State;
  messages: number;
  otherFiles: number;
  bytes: number;
  issues: number;
  /** Oldest message mtime in ms, undefined when the state has no message. */
  oldestMessageMtimeMs: number | undefined;
}

export interface TreeOptions {
  seed: number;
  integrations: number;
  /** Projects per integration: 2 when both live on this Jira, 1 when the partner is remote. */
  projectsPerIntegration: 1 | 2;
  layout: LayoutName;
  /** Adds folders that match no state (archive/, receive/tmp/), counted as unknown. */
  unknownFolders?: boolean;
  /** Upper bound of messages per state folder. */
  maxMessagesPerState?: number;
  /** "now" for the mtimes, so ages are known. */
  now?: number;
  /**
   * How many messages each state holds and how old they are: `spread` (the default) anything
   * from 0 to maxMessagesPerState in every state, up to 2 hours old; `healthy` as a working
   * installation looks (tree-profiles.ts): recent messages on their way, a long processed/, and
   * a few real problems.
   */
  profile?: TreeProfileName;
}

export interface BuiltTree {
  root: string;
  integrations: { key: string; projects: string[] }[];
  expected: ExpectedFolder[];
}

export const MESSAGE_STATES = ['receive', 'processed', 'error', 'missing', 'waiting', 'offline', 'outdated', 'send', 'sendfailed'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export function messageName(sequence: number): string {
  return `${String(sequence).padStart(6, '0')}.bac`;
}

export function buildTree(root: string, options: TreeOptions): BuiltTree {
  const random = seededRandom(options.seed);
  const layout = LAYOUTS[options.layout];
  const max = options.maxMessagesPerState ?? 12;
  const now = options.now ?? Date.now();
  const expected: ExpectedFolder[] = [];
  const integrations: BuiltTree['integrations'] = [];
  let sequence = 1;
  const profile = TREE_PROFILES[options.profile ?? 'spread'];
  const projectTotal = options.integrations * options.projectsPerIntegration;
  let projectIndex = -1;

  const writeFile = (file: string, size: number, mtimeMs: number) => {
    writeFileSync(file, Buffer.alloc(size, 0x42));
    utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
  };

  for (let i = 0; i < options.integrations; i++) {
    const integration = `INT-${10 + i}`;
    const projects: string[] = [];
    for (let p = 0; p < options.projectsPerIntegration; p++) {
      const project = `${String.fromCharCode(65 + ((i * 2 + p) % 26))}P-${20 + i * 2 + p}`;
      projectIndex++;
      projects.push(project);
      const projectDir = path.join(root, integration, project);
      for (const state of Object.keys(layout) as (keyof typeof layout)[]) mkdirSync(path.join(projectDir, layout[state]), { recursive: true });

      for (const state of MESSAGE_STATES) {
        const folder: ExpectedFolder = {
          integration, project, state, messages: 0, otherFiles: 0, bytes: 0, issues: 0, oldestMessageMtimeMs: undefined,
        };
        const spec = profile(state, { index: projectIndex, of: projectTotal, max });
        const count = randomInt(random, spec.messages[0], spec.messages[1]);
        const perIssue = ISSUE_STATES.has(state);
        const issueCount = perIssue && count > 0 ? randomInt(random, 1, Math.min(spec.maxIssues, count)) : 0;
        for (let k = 0; k < issueCount; k++) mkdirSync(path.join(projectDir, layout[state], `${project.split('-')[0]}-${100 + k}`), { recursive: true });
        folder.issues = issueCount;
        for (let m = 0; m < count; m++) {
          const dir = perIssue
            ? path.join(projectDir, layout[state], `${project.split('-')[0]}-${100 + (m % issueCount)}`)
            : path.join(projectDir, layout[state]);
          const size = randomInt(random, 200, 4000);
          const mtime = now - randomInt(random, spec.ageSeconds[0], spec.ageSeconds[1]) * 1000;
          writeFile(path.join(dir, messageName(sequence++)), size, mtime);
          folder.messages++;
          folder.bytes += size;
          folder.oldestMessageMtimeMs = Math.min(folder.oldestMessageMtimeMs ?? Infinity, mtime);
        }
        expected.push(folder);
      }

      // invalid/ holds files that are not messages.
      const invalid: ExpectedFolder = {
        integration, project, state: 'invalid', messages: 0, otherFiles: 0, bytes: 0, issues: 0, oldestMessageMtimeMs: undefined,
      };
      for (let k = randomInt(random, 0, 3); k > 0; k--) {
        const size = randomInt(random, 10, 500);
        writeFile(path.join(projectDir, layout.invalid, `stray-${sequence++}.txt`), size, now - 60_000);
        invalid.otherFiles++;
        invalid.bytes += size;
      }
      expected.push(invalid);

      if (options.unknownFolders) {
        const unknown: ExpectedFolder = {
          integration, project, state: 'unknown', messages: 0, otherFiles: 0, bytes: 0, issues: 0, oldestMessageMtimeMs: undefined,
        };
        for (const folder of ['archive', `${layout.receive}/tmp`]) {
          mkdirSync(path.join(projectDir, folder), { recursive: true });
          const size = randomInt(random, 100, 900);
          // An hour old, or (healthy) ten minutes: the unknown folder is what to look at, not its age.
          const mtime = now - (options.profile === 'healthy' ? 600_000 : 3_600_000);
          writeFile(path.join(projectDir, folder, messageName(sequence++)), size, mtime);
          unknown.messages++;
          unknown.bytes += size;
          unknown.oldestMessageMtimeMs = Math.min(unknown.oldestMessageMtimeMs ?? Infinity, mtime);
        }
        expected.push(unknown);
      }
    }
    integrations.push({ key: integration, projects });
  }
  return { root, integrations, expected };
}
