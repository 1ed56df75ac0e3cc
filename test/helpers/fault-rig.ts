// The bench for the fault-injection tests (test/faults): a Backbone tree with messages waiting
// in receive/, the agent as users run it (a child process, backbone_events with a checkpoint,
// otlphttp with a disk queue), a real OTLP receiver, and a mover in its own process that
// journals every rename. check() compares the moves made with the records received.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { queueDirectory } from '../../src/exporters/delivery/push-exporter.ts';
export { seededRandom } from '../../src/simulator/random.ts';
import { type AgentProcess, runAgentProcess } from './agent-process.ts';
import { OtlpReceiver, type ReceivedLog } from './otlp-receiver.ts';
import { tempDir } from './temp-dir.ts';
import { waitFor } from './wait-for.ts';

const MOVER = fileURLToPath(new URL('./journal-mover-child.ts', import.meta.url));

export interface Move {
  name: string;
  from: string;
  to: string;
  ino: number;
}

export interface RigOptions {
  /** Messages waiting in receive/ at the start. */
  messages: number;
  /** Where the disk queue lives (a small tmpfs, say); default under the rig's folder. */
  queueStorage?: string;
  /** Extra YAML under the otlphttp exporter (indented by 4). */
  exporterExtra?: string;
  /** Where backbone_events keeps its checkpoint and journal (a small tmpfs, say); default under the rig's folder. */
  storage?: string;
  /** Extra YAML under the backbone_events receiver (indented by 4). */
  receiverExtra?: string;
  /** backbone_events' watch_method (default poll). */
  watchMethod?: 'poll' | 'native';
}

export class FaultRig {
  readonly home = tempDir();
  readonly root = path.join(this.home, 'backbone-issue-sync');
  readonly project = path.join(this.root, 'INT-16', 'AP-29');
  readonly storage: string;
  readonly queueStorage: string;
  readonly journal = path.join(this.home, 'moves.jsonl');
  readonly otlp = new OtlpReceiver();
  readonly configFile = path.join(this.home, 'agent.yaml');
  /** Every agent process started, for the logs of a failure. */
  readonly lives: AgentProcess[] = [];
  private readonly options: RigOptions;
  private next = 0;

  constructor(options: RigOptions) {
    this.options = options;
    this.queueStorage = options.queueStorage ?? path.join(this.home, 'var', 'queue');
    this.storage = options.storage ?? path.join(this.home, 'var', 'checkpoint');
  }

  get queueDir(): string {
    return queueDirectory(this.queueStorage, 'otlphttp', 'logs');
  }

  get checkpointFile(): string {
    return path.join(this.storage, 'backbone_events.checkpoint.json');
  }

  async setup(): Promise<this> {
    for (const folder of ['processed', 'waiting', 'error/ISS-1']) mkdirSync(path.join(this.project, 'receive', folder), { recursive: true });
    for (let i = 0; i < this.options.messages; i++) writeFileSync(this.message(i), 'message');
    await this.otlp.start();
    this.writeConfig();
    return this;
  }

  message(i: number): string {
    return path.join(this.project, 'receive', `${String(i).padStart(6, '0')}.bac`);
  }

  writeConfig(): void {
    writeFileSync(this.configFile, `
receivers:
  backbone_events:
    root: ${this.root}
    watch_method: ${this.options.watchMethod ?? 'poll'}
    poll_interval: 100ms
    grace_period: 300ms
    storage: ${this.storage}
${this.options.receiverExtra ?? ''}
exporters:
  otlphttp:
    endpoint: ${this.otlp.url}
    encoding: protobuf
    timeout: 1s
    storage: ${this.queueStorage}
    retry_on_failure:
      initial_interval: 50ms
      max_interval: 200ms
${this.options.exporterExtra ?? ''}
service:
  shutdown_timeout: 3s
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [backbone_events]
      exporters: [otlphttp]
`);
  }

  /**
   * Starts the agent and waits until it follows the tree (and, at a fresh start, wrote its
   * first checkpoint); with `dies`, it may also kill itself meanwhile.
   */
  async start(env: Record<string, string> = {}, dies = false): Promise<AgentProcess> {
    const agent = runAgentProcess(this.configFile, env);
    this.lives.push(agent);
    await waitFor(() => {
      if (dies && agent.child.signalCode === 'SIGKILL') return true;
      if (agent.child.exitCode !== null || agent.child.signalCode !== null) {
        throw new Error(`the agent exited (${agent.child.exitCode ?? agent.child.signalCode}):\n${agent.stderr()}`);
      }
      return /following \d+ message/.test(agent.stderr());
    }, 'the agent following the tree', 30_000);
    if (!dies) await waitFor(() => existsSync(this.checkpointFile), 'the first checkpoint', 10_000);
    return agent;
  }

  async kill(agent: AgentProcess): Promise<void> {
    agent.child.kill('SIGKILL');
    await agent.exited;
  }

  /** SIGTERM; the agent must stop by itself, cleanly. */
  async stop(agent: AgentProcess): Promise<void> {
    agent.child.kill('SIGTERM');
    const { code } = await agent.exited;
    assert.equal(code, 0, `the agent stopped cleanly\n${agent.stderr()}`);
  }

  /** Moves the next `count` waiting messages to processed/, one every `intervalMs`, in another process. */
  move(count: number, intervalMs: number): Promise<void> {
    const moves = Array.from({ length: count }, (_, k) => {
      const from = this.message(this.next + k);
      return { from, to: path.join(this.project, 'receive', 'processed', path.basename(from)) };
    });
    this.next += count;
    return this.moveFiles(moves, intervalMs);
  }

  /** A message's file in a state folder of the project ('receive', 'waiting', 'processed', 'error/ISS-1'). */
  at(i: number, folder: string): string {
    const name = path.basename(this.message(i));
    return folder === 'receive' ? this.message(i) : path.join(this.project, 'receive', folder, name);
  }

  /** Makes these renames, one every `intervalMs`, in another process that journals each. */
  moveFiles(moves: { from: string; to: string }[], intervalMs: number): Promise<void> {
    const child = spawn(process.execPath, [MOVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stdin.end(JSON.stringify({ moves, intervalMs, journal: this.journal }));
    return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mover exited with ${code}: ${output}`)))));
  }

  /** The moves the mover made, from its journal. */
  moves(): Move[] {
    if (!existsSync(this.journal)) return [];
    return readFileSync(this.journal, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Move);
  }

  transitions(): ReceivedLog[] {
    return this.otlp.logs.filter((record) => record.eventName === 'backbone.message.transition');
  }

  /** Waits until a record arrived for every move made. */
  async allArrived(timeoutMs = 20_000): Promise<void> {
    await waitFor(() => {
      const names = new Set(this.transitions().map((r) => String(r.attributes['backbone.message'])));
      return this.moves().every((move) => names.has(move.name));
    }, `a record for every move\n${this.report()}`, timeoutMs);
  }

  /** Files left in the queue folder: no temporary file may stay. */
  queueFiles(): string[] {
    try {
      return readdirSync(this.queueDir);
    } catch {
      return [];
    }
  }

  /**
   * The promise: the records received are the moves made, each once. The one duplicate
   * allowed is a request the backend accepted just before a kill -9, sent again byte for
   * byte after the restart: at most `resends` such requests, and nothing else twice.
   */
  check(resends = 0, missing: ReadonlySet<string> = new Set()): { duplicates: number } {
    const made = this.moves();
    const { duplicates, byUid } = this.checkResends(resends);
    // One uid per move, one move per uid, each from receive to processed.
    const reported = new Map<string, string[]>();
    for (const [uid, [record]] of byUid) {
      const name = String(record!.attributes['backbone.message']);
      assert.equal(`${String(record!.attributes['backbone.from_state'])}->${String(record!.attributes['backbone.to_state'])}`, 'receive->processed', `${name}: ${record!.body}`);
      reported.set(name, [...(reported.get(name) ?? []), uid]);
    }
    const expected = made.map((move) => move.name).filter((name) => !missing.has(name)).sort();
    const twice = [...reported].filter(([, uids]) => uids.length > 1).map(([name]) => name);
    assert.deepEqual(twice, [], `moves reported twice under different keys\n${this.report()}`);
    assert.deepEqual([...reported.keys()].sort(), expected, `the moves reported are the moves made\n${this.report()}`);
    return { duplicates };
  }

  /**
   * Records that arrived more than once: only whole requests sent again byte for byte (a kill
   * right after the backend accepted), at most `resends` of them. Returns the records by uid.
   */
  checkResends(resends: number): { duplicates: number; byUid: Map<string, ReceivedLog[]> } {
    const records = this.transitions();
    const byUid = new Map<string, ReceivedLog[]>();
    for (const record of records) {
      const uid = record.attributes['log.record.uid'];
      assert.equal(typeof uid, 'string', `every record carries log.record.uid: ${record.body}`);
      const list = byUid.get(uid as string) ?? [];
      list.push(record);
      byUid.set(uid as string, list);
    }
    // Duplicates: only whole requests sent again, byte for byte.
    const resent = new Set<string>();
    let duplicates = 0;
    for (const [uid, copies] of byUid) {
      if (copies.length === 1) continue;
      duplicates += copies.length - 1;
      const digests = new Set(copies.map((copy) => this.otlp.requests[copy.request!]!.digest));
      assert.equal(digests.size, 1, `${uid} arrived ${copies.length} times in requests that differ: not a re-send of one request\n${this.report()}`);
      resent.add([...digests][0]!);
    }
    for (const digest of resent) {
      const requests = this.otlp.requests.filter((r) => r.digest === digest);
      assert.equal(requests.length, 2, `a request re-sent once, not ${requests.length} times`);
    }
    assert.ok(resent.size <= resends, `${resent.size} request(s) sent twice, at most ${resends} allowed (one per kill right after the backend accepted)\n${this.report()}`);
    return { duplicates, byUid };
  }

  report(): string {
    const made = this.moves();
    const names = new Map<string, number>();
    for (const r of this.transitions()) names.set(String(r.attributes['backbone.message']), (names.get(String(r.attributes['backbone.message'])) ?? 0) + 1);
    const lost = made.filter((m) => !names.has(m.name)).map((m) => m.name);
    const twice = [...names].filter(([, n]) => n > 1).map(([name]) => name);
    const logs = this.lives.map((life, i) => `--- agent life ${i + 1}:\n${life.stderr()}`).join('\n');
    return `made ${made.length}, received ${this.transitions().length}; missing ${lost.length} (${lost.slice(0, 10).join(' ')}); twice ${twice.length} (${twice.slice(0, 10).join(' ')})\n${logs}`;
  }

  async close(): Promise<void> {
    for (const life of this.lives) if (life.child.exitCode === null && life.child.signalCode === null) life.child.kill('SIGKILL');
    await Promise.all(this.lives.map((life) => life.exited));
    await this.otlp.stop();
  }
}

/** A rig for the calling test (or test file), closed when that test ends. */
export async function startRig(messages: number, options: Omit<RigOptions, 'messages'> = {}): Promise<FaultRig> {
  const rig = await new FaultRig({ messages, ...options }).setup();
  after(() => rig.close());
  return rig;
}
