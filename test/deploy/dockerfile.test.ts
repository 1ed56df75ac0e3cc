// The Dockerfile, without Docker (no engine runs here): its instructions are read and the
// paths and commands they name are checked for real. Every COPY source exists and is not
// left out by .dockerignore; each stage is laid out in a folder of its own, its COPY
// instructions applied and its RUN commands run (npm ci offline, from npm's cache; npm run
// package, the release's own build, for the image's architecture; tar); then the final
// stage's ENTRYPOINT + CMD is started from its folder, with its ENV, against a simulated
// Backbone: the release tree's bin/backbone-otel must serve /metrics with its own Node.js and
// production dependencies only, the HEALTHCHECK command must pass against it (and fail when
// nothing answers), and nothing may be written outside the state directory (the image is
// meant for a read-only root file system). Plus: the build on Node 24 slim, the final stage
// Debian slim with no Node.js but the release's, a numeric non-root USER, and EXPOSE matching
// the default configuration.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse, parseDocument } from 'yaml';
import { buildTree } from '../../src/simulator/backbone-tree.ts';
import { freePort } from '../helpers/free-port.ts';
import { parsePrometheusText } from '../helpers/prometheus-text.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { REPO } from './support/agent-child.ts';
import { treeSnapshot } from '../helpers/tree-snapshot.ts';
import { INSTALL_DIR } from '../../scripts/package/layout.ts';

interface Instruction { keyword: string; args: string; line: number }
interface Stage { name: string | undefined; image: string; instructions: Instruction[] }

function readDockerfile(file: string): Stage[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const instructions: Instruction[] = [];
  let current: Instruction | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trimEnd();
    if (current === undefined && (line.trim() === '' || line.trim().startsWith('#'))) return;
    if (current && line.trim().startsWith('#')) return; // comments inside a continued instruction
    const text = line.endsWith('\\') ? line.slice(0, -1) : line;
    if (current) current.args += ` ${text.trim()}`;
    else {
      const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(text);
      assert.ok(match, `Dockerfile:${index + 1}: not an instruction: ${line}`);
      current = { keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: index + 1 };
    }
    if (!line.endsWith('\\')) {
      instructions.push(current);
      current = undefined;
    }
  });
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      stages.push({ image: image!, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      assert.ok(stages.length > 0, `Dockerfile:${instruction.line}: ${instruction.keyword} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** Flags (--from=x) and the rest: a JSON array, or words. */
function splitArgs(args: string): { flags: Record<string, string>; words: string[]; json: boolean } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let match = /^--([a-z-]+)=(\S+)\s+/.exec(rest); match; match = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
    flags[match[1]!] = match[2]!;
    rest = rest.slice(match[0].length);
  }
  if (rest.startsWith('[')) return { flags, words: JSON.parse(rest) as string[], json: true };
  return { flags, words: rest.split(/\s+/).filter((w) => w !== ''), json: false };
}

/** .dockerignore as Docker reads it: Go path patterns with **, the last matching line wins, ! re-includes. */
function dockerIgnored(patterns: string[], file: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = path.posix.normalize((negate ? raw.slice(1) : raw).trim()).replace(/^\/+/, '');
    const regex = new RegExp(`^${pattern.split('/').map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))).join('/').replace(/\.\*\//g, '(?:.*/)?')}(?:/.*)?$`);
    if (regex.test(file)) ignored = !negate;
  }
  return ignored;
}

const stages = readDockerfile(path.join(REPO, 'Dockerfile'));
const finalStage = stages.at(-1)!;
const ignorePatterns = readFileSync(path.join(REPO, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
const packageJson = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>; devDependencies: Record<string, string>;
};
const only = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const env: Record<string, string> = {};
for (const instruction of only(finalStage, 'ENV')) {
  for (const match of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) env[match[1]!] = match[2]!.replace(/^"|"$/g, '');
}
const command = [...splitArgs(only(finalStage, 'ENTRYPOINT')[0]?.args ?? '[]').words, ...splitArgs(only(finalStage, 'CMD')[0]?.args ?? '[]').words];
const configPath = command[command.indexOf('--config') + 1]!;

interface DefaultConfig {
  exporters: { prometheus: { endpoint: string } };
  extensions: { health_check: { endpoint: string; path?: string; liveness_path?: string } };
  service: { extensions?: string[] };
}
/** The configuration CMD names, from the COPY that puts it there. */
function defaultConfigSource(): string {
  const copy = only(finalStage, 'COPY').map((c) => splitArgs(c.args).words).find((words) => words.at(-1) === configPath);
  assert.ok(copy, `the configuration ${configPath} that CMD names is copied into the image`);
  return path.join(REPO, copy[0]!);
}
function defaultConfig(): DefaultConfig {
  return parse(readFileSync(defaultConfigSource(), 'utf8')) as DefaultConfig;
}

test('built on Node.js 24 slim, the project\'s major; run on Debian slim with the release\'s own Node.js only', () => {
  const major = packageJson.devDependencies.node?.split('.')[0];
  assert.equal(major, '24');
  assert.ok(stages.length >= 2, 'a build stage and the final stage');
  for (const stage of stages.slice(0, -1)) assert.match(stage.image, /^node:24(\.\d+)*-slim(@sha256:[0-9a-f]{64})?$/, `FROM ${stage.image}`);
  // glibc 2.28+ and libstdc++ for the bundled Node.js, and no second Node.js.
  assert.match(finalStage.image, /^debian:(bookworm|trixie|12|13)(\.\d+)*-slim(@sha256:[0-9a-f]{64})?$/, `FROM ${finalStage.image}`);
  assert.ok(stages[0]!.name, 'the build stage has a name');
});

test('every COPY source exists and is not left out by .dockerignore; --from names a stage', () => {
  const names = new Set(stages.map((s) => s.name));
  for (const stage of stages) {
    for (const copy of only(stage, 'COPY')) {
      const { flags, words } = splitArgs(copy.args);
      const sources = words.slice(0, -1);
      if (flags.from !== undefined) {
        assert.ok(names.has(flags.from), `Dockerfile:${copy.line}: --from=${flags.from} is a stage`);
        continue;
      }
      for (const source of sources) {
        assert.ok(existsSync(path.join(REPO, source)), `Dockerfile:${copy.line}: ${source} exists`);
        assert.ok(!dockerIgnored(ignorePatterns, source), `Dockerfile:${copy.line}: ${source} is not in .dockerignore`);
        if (statSync(path.join(REPO, source)).isDirectory()) {
          for (const entry of readdirSync(path.join(REPO, source), { recursive: true }) as string[]) {
            assert.ok(!dockerIgnored(ignorePatterns, path.posix.join(source, entry)), `${source}/${entry} reaches the image`);
          }
        }
      }
    }
  }
  // What must never reach the build context.
  for (const secretish of ['node_modules', '.git', 'test', '.env']) assert.ok(dockerIgnored(ignorePatterns, secretish), `${secretish} is ignored`);
});

test('the release tree of npm run package (production dependencies only), and src/ imports nothing from devDependencies', () => {
  const copy = only(finalStage, 'COPY').map((c) => splitArgs(c.args)).find((c) => c.words.at(-1) === INSTALL_DIR);
  assert.ok(copy?.flags.from, `${INSTALL_DIR} comes from a stage`);
  assert.deepEqual(copy.words.slice(0, -1), [INSTALL_DIR]);
  const runs = only(stages.find((s) => s.name === copy.flags.from)!, 'RUN').map((r) => r.args).join(' && ');
  // The release's build (scripts/package.ts: npm ci --omit=dev, no source maps), the tarball a VM gets.
  assert.match(runs, /npm run package -- --format tar --arch \$\{TARGETARCH\}/);
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const problems: string[] = [];
  for (const file of readdirSync(path.join(REPO, 'src'), { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(path.join(REPO, 'src', file), 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      const [, typeOnly, specifier] = match;
      if (typeOnly || specifier!.startsWith('.') || builtins.has(specifier!)) continue;
      const name = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!;
      if (!(name in packageJson.dependencies)) problems.push(`src/${file} imports ${specifier}, which is not a production dependency`);
    }
  }
  assert.deepEqual(problems, []);
});

test('a numeric non-root user; EXPOSE the metrics port; HEALTHCHECK the liveness of the health_check extension of the default configuration', () => {
  const user = only(finalStage, 'USER').at(-1)?.args ?? '';
  assert.match(user, /^[1-9]\d*(:[1-9]\d*)?$/, 'USER is numeric (Kubernetes runAsNonRoot can check it) and not root');
  const config = defaultConfig();
  assert.ok(config.exporters.prometheus.endpoint.startsWith('0.0.0.0:'), 'metrics reachable from outside the container');
  assert.deepEqual(only(finalStage, 'EXPOSE').flatMap((e) => e.args.split(/\s+/)), [config.exporters.prometheus.endpoint.split(':').at(-1)]);
  assert.ok(config.service.extensions?.includes('health_check'), 'the health_check extension is enabled');
  const healthcheck = only(finalStage, 'HEALTHCHECK')[0]?.args ?? '';
  assert.ok(healthcheck.includes(`http://${config.extensions.health_check.endpoint}${config.extensions.health_check.liveness_path ?? '/livez'}'`), 'the HEALTHCHECK asks the extension\'s liveness, which a backend outage does not fail');
  assert.equal(command[0], `${INSTALL_DIR}/bin/backbone-otel`, 'the release\'s command, which runs its own Node.js');
  assert.ok(healthcheck.includes(`CMD ["${INSTALL_DIR}/runtime/node"`), 'the HEALTHCHECK asks with the bundled Node.js');
});

// --- The image, laid out in a folder ----------------------------------------------------
// Its own temporary folder, removed in after() once the agent has stopped (it writes there).
const image = path.join(mkdtempSync(path.join(tmpdir(), 'backbone-image-')), 'rootfs');
let metricsPort = 0;
let healthPort = 0;
let agent: ReturnType<typeof spawn> | undefined;
let agentOutput = '';
const inImage = (file: string) => path.join(image, file);

/** Runs the RUN commands the test knows how to check, in a stage's folder (`root` is its "/"), with the stage's ARG defaults. */
function run(instruction: Instruction, root: string, workdir: string, args: Record<string, string>): void {
  for (const part of instruction.args.split('&&').map((p) => p.trim().replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => args[name] ?? ''))) {
    const words = part.split(/\s+/);
    if (part.startsWith('npm ci')) {
      const result = spawnSync('npm', [...words.slice(1), '--offline'], { cwd: path.join(root, workdir), encoding: 'utf8', timeout: 120_000 });
      assert.equal(result.status, 0, `Dockerfile:${instruction.line}: ${part} (offline, from npm's cache; run npm ci once first):\n${result.stderr}`);
    } else if (part.startsWith('npm run package')) {
      // With this Node.js first on the PATH, as node:24-slim has its own. A type-checked build and
      // the runtime compressed: minutes on a busy machine, so a generous guard against a hang.
      const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
      const result = spawnSync('npm', words.slice(1), { cwd: path.join(root, workdir), env, encoding: 'utf8', timeout: 600_000 });
      assert.equal(result.status, 0, `Dockerfile:${instruction.line}: ${part}:\n${result.stdout}${result.stderr}`);
    } else if (words[0] === 'tar') {
      // tar -xzf <glob, relative to WORKDIR> ... -C <absolute>
      const [pattern] = words.filter((w) => w.endsWith('.tar.gz'));
      const dir = path.join(root, workdir, path.dirname(pattern!));
      const matches = readdirSync(dir).filter((f) => new RegExp(`^${path.basename(pattern!).replace(/[.+]/g, '\\$&').replace(/\*/g, '.*')}$`).test(f));
      assert.equal(matches.length, 1, `Dockerfile:${instruction.line}: ${pattern} names one file: ${matches.join(', ')}`);
      const mapped = words.slice(1).map((w) => (w === pattern ? path.join(dir, matches[0]!) : w.startsWith('/') ? path.join(root, w) : w));
      const result = spawnSync('tar', mapped, { cwd: path.join(root, workdir), encoding: 'utf8' });
      assert.equal(result.status, 0, `Dockerfile:${instruction.line}: ${part}:\n${result.stderr}`);
    } else if (part.startsWith('npm cache clean')) {
      // Only makes the image smaller; never run here (it would empty this machine's cache).
    } else if (words[0] === 'mkdir') {
      for (const dir of words.slice(1).filter((w) => !w.startsWith('-'))) mkdirSync(path.join(root, dir), { recursive: true });
    } else if (words[0] === 'chown' || words[0] === 'chmod') {
      for (const target of words.slice(2)) assert.ok(existsSync(path.join(root, target)), `Dockerfile:${instruction.line}: ${words[0]} ${target}: it exists`);
    } else {
      assert.fail(`Dockerfile:${instruction.line}: this test does not know how to check "RUN ${part}"; teach it`);
    }
  }
}

before(async () => {
  const stageRoots = new Map<string, string>();
  let workdir = '/';
  for (const stage of stages) {
    const root = stage === finalStage ? image : path.join(path.dirname(image), `stage-${stage.name ?? stageRoots.size}`);
    mkdirSync(root, { recursive: true });
    if (stage.name) stageRoots.set(stage.name, root);
    workdir = '/';
    // BuildKit sets TARGETARCH to the platform built for: this machine's here.
    const args: Record<string, string> = { TARGETARCH: process.arch === 'x64' ? 'amd64' : process.arch };
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'ARG') {
        const [name, value] = instruction.args.split('=');
        args[name!] ??= value ?? '';
      } else if (instruction.keyword === 'WORKDIR') {
        workdir = instruction.args;
        mkdirSync(path.join(root, workdir), { recursive: true });
      } else if (instruction.keyword === 'COPY') {
        const { flags, words } = splitArgs(instruction.args);
        const target = words.at(-1)!;
        const targetPath = path.join(root, target.startsWith('/') ? target : path.join(workdir, target));
        for (const source of words.slice(0, -1)) {
          const from = flags.from === undefined ? path.join(REPO, source) : path.join(stageRoots.get(flags.from)!, source);
          const destination = target.endsWith('/') ? path.join(targetPath, path.basename(source)) : targetPath;
          mkdirSync(path.dirname(destination), { recursive: true });
          cpSync(from, destination, { recursive: true });
        }
      } else if (instruction.keyword === 'RUN') {
        run(instruction, root, workdir, args);
      }
    }
  }

  // The Backbone folder, mounted read-only at $BACKBONE_ROOT in the container.
  buildTree(inImage(env.BACKBONE_ROOT!), { seed: 5, integrations: 1, projectsPerIntegration: 2, layout: 'nested' });
  metricsPort = await freePort();
  healthPort = await freePort();
  // The image's configuration with free ports (tests run side by side), everything else as is.
  const document = parseDocument(readFileSync(inImage(configPath), 'utf8'));
  document.setIn(['exporters', 'prometheus', 'endpoint'], `127.0.0.1:${metricsPort}`);
  document.setIn(['extensions', 'health_check', 'endpoint'], `127.0.0.1:${healthPort}`);
  const configFile = inImage(`${configPath}.test.yaml`);
  writeFileSync(configFile, document.toString());
  const args = command.slice(1).map((word) => (word === configPath ? configFile : word.startsWith('/') ? inImage(word) : word));
  const home = path.join(path.dirname(image), 'home');
  mkdirSync(home);
  agent = spawn(inImage(command[0]!), args, {
    cwd: inImage(workdir),
    env: {
      PATH: process.env.PATH ?? '', HOME: home, TMPDIR: home,
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('/') ? inImage(v) : v])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stdout!.on('data', (chunk: Buffer) => { agentOutput += chunk.toString(); });
  agent.stderr!.on('data', (chunk: Buffer) => { agentOutput += chunk.toString(); });
});

after(async () => {
  if (agent && agent.exitCode === null && agent.signalCode === null) {
    const exited = new Promise((resolve) => agent!.once('exit', resolve));
    agent.kill('SIGTERM');
    const timer = setTimeout(() => agent!.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(path.dirname(image), { recursive: true, force: true });
});

test('the image\'s ENTRYPOINT and CMD run the agent from production dependencies, and the HEALTHCHECK passes', async () => {
  const before_ = treeSnapshot(inImage(INSTALL_DIR));
  const homeBefore = readdirSync(path.join(path.dirname(image), 'home'));
  const url = `http://127.0.0.1:${metricsPort}/metrics`;
  // The first scan of the simulated Backbone folder, served as backbone_folder_messages.
  await waitFor(async () => {
    if (agent?.exitCode !== null) assert.fail(`the agent exited (${agent?.exitCode}):\n${agentOutput}`);
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    if (!response?.ok) return false;
    return parsePrometheusText(await response.text()).some((s) => s.name === 'backbone_folder_messages');
  }, 'the agent in the image layout to serve the folders on /metrics', 20_000);
  for (const dependency of Object.keys(packageJson.devDependencies)) assert.ok(!existsSync(inImage(`${INSTALL_DIR}/node_modules/${dependency}`)), `no devDependency in the image: ${dependency}`);
  assert.ok(!existsSync(inImage(`${INSTALL_DIR}/src`)), 'the sources stay in the build stage');
  // The release's Node.js, the project's major (the image has no other).
  const runtimeVersion = spawnSync(inImage(`${INSTALL_DIR}/runtime/node`), ['--version'], { encoding: 'utf8' }).stdout;
  assert.equal(runtimeVersion.split('.')[0], `v${packageJson.devDependencies.node!.split('.')[0]}`);

  // HEALTHCHECK CMD ["node", "-e", ...] exactly as written, against the agent's health port.
  const healthEndpoint = defaultConfig().extensions.health_check.endpoint;
  const healthcheck = only(finalStage, 'HEALTHCHECK')[0]!.args;
  const words = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim()) as string[];
  const probe = async (port: number) => spawnSync(inImage(words[0]!), words.slice(1).map((w) => w.replace(healthEndpoint, `127.0.0.1:${port}`)), { encoding: 'utf8', timeout: 10_000 });
  // 503 while the agent starts: wait, with a deadline, for it to report healthy.
  await waitFor(async () => (await probe(healthPort)).status === 0, 'the HEALTHCHECK command to pass', 20_000);
  assert.equal((await probe(await freePort())).status, 1, 'HEALTHCHECK fails when nothing answers');

  // Nothing written to the application, $HOME or $TMPDIR: a read-only root file system is enough.
  assert.deepEqual(treeSnapshot(inImage(INSTALL_DIR)), before_);
  assert.deepEqual(readdirSync(path.join(path.dirname(image), 'home')), homeBefore);
});
