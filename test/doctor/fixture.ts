// What the doctor tests share: a simulated Jira site (a Backbone tree under a JIRA_HOME, the
// simulated REST API naming the same integrations), configuration files, and the doctor run
// as users run it (a child process, optionally without the capabilities that let root read
// everything) or in this process (for the report as data).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { doctorCommand, type DoctorOptions } from '../../src/doctor/command.ts';
import { DEFAULT_USER, sampleIntegration, SimulatedBackboneApi, type SimulatedApiOptions } from '../../src/simulator/backbone-api.ts';
import { type BuiltTree, buildTree, type TreeOptions } from '../../src/simulator/backbone-tree.ts';
import { tempDir } from '../helpers/temp-dir.ts';

export const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
export const USER = DEFAULT_USER.username;
export const PASSWORD = DEFAULT_USER.password!;

export interface Site {
  home: string;
  root: string;
  tree: BuiltTree;
  /** A folder for configuration files and storage, outside the home. */
  work: string;
}

export function site(options: Partial<TreeOptions> = {}): Site {
  const work = tempDir('backbone-doctor-');
  const home = path.join(work, 'jira-home');
  const root = path.join(home, 'data', 'backbone-issue-sync');
  mkdirSync(root, { recursive: true });
  const tree = buildTree(root, { seed: 7, integrations: 2, projectsPerIntegration: 2, layout: 'nested', now: 1_700_000_000_000, ...options });
  return { home, root, tree, work };
}

/** The simulated Backbone API, with one integration per integration folder of the tree. */
export async function startJira(tree: BuiltTree | undefined, options: SimulatedApiOptions = {}): Promise<SimulatedBackboneApi> {
  const integrations = (tree?.integrations ?? []).map((i) => sampleIntegration(i.key, i.projects[0]!, i.projects[1] ?? 'ZZ-99'));
  return new SimulatedBackboneApi({ integrations, ...options }).start();
}

export function writeConfig(site: Site, name: string, yaml: string): string {
  const file = path.join(site.work, name);
  writeFileSync(file, yaml);
  return file;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI in a child process (asynchronously: the simulated servers of this process must
 * keep answering). `dropDac` runs it as root without the capabilities that bypass file
 * permissions, as a service account would see the files.
 */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, options: { dropDac?: boolean } = {}): Promise<Run> {
  const command = [process.execPath, CLI, ...args];
  if (options.dropDac && process.getuid?.() === 0) command.unshift('setpriv', '--bounding-set=-dac_override,-dac_read_search', '--');
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The doctor in this process: its exit code and what it wrote. */
export async function runDoctor(options: DoctorOptions, env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write(chunk: Buffer | string, _encoding, done) { out += String(chunk); done(); } });
  const code = await doctorCommand(options, sink, { ...process.env, JIRA_USER: undefined, JIRA_PASSWORD: undefined, JIRA_TOKEN: undefined, ...env });
  return { code, out };
}

export interface JsonCheck {
  id: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix?: string;
  lines?: string[];
  details?: Record<string, unknown>;
}

export interface JsonReport {
  ok: boolean;
  exitCode: number;
  summary: { ok: number; warn: number; fail: number };
  sections: { id: string; title: string; subject?: string; note?: string; checks: JsonCheck[] }[];
}

export function checksOf(report: JsonReport): JsonCheck[] {
  return report.sections.flatMap((s) => s.checks);
}

/** The check with this id; fails the test when there is none. */
export function check(report: JsonReport, id: string): JsonCheck {
  const found = checksOf(report).find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id}; there are: ${checksOf(report).map((c) => `${c.id}=${c.status}`).join(', ')}`);
  return found;
}

/** A healthy configuration for a site: folders, events with storage, REST, one otlphttp exporter. */
export function healthyConfig(s: Site, jiraUrl: string, otlpUrl: string, extra: { exporters?: string; receivers?: string } = {}): string {
  return `receivers:
  backbone_folders:
    root: ${s.root}
  backbone_events:
    root: ${s.root}
    storage: ${path.join(s.work, 'state')}
  backbone_rest:
    endpoint: ${jiraUrl}
    auth:
      basic:
        username: \${env:JIRA_USER}
        password: \${env:JIRA_PASSWORD}
    timeout: 5s
${extra.receivers ?? ''}exporters:
  otlphttp:
    endpoint: ${otlpUrl}
    timeout: 5s
    storage: ${path.join(s.work, 'queue')}
${extra.exporters ?? ''}service:
  pipelines:
    metrics:
      receivers: [backbone_folders, backbone_events, backbone_rest]
      exporters: [otlphttp]
    logs:
      receivers: [backbone_folders, backbone_events, backbone_rest]
      exporters: [otlphttp]
`;
}
