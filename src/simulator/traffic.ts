// Plays Backbone on a built tree: messages arrive, are applied, fail, wait, are fixed,
// sent, fail to send and are cleaned up, each as a rename (or create/delete) as Backbone does.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ISSUE_STATES, type KnownState } from '../backbone/states.ts';
import type { BuiltTree } from './backbone-tree.ts';
import { LAYOUTS, type LayoutName } from './layouts.ts';
import { randomInt, seededRandom } from './random.ts';

export interface Move {
  integration: string;
  project: string;
  message: string;
  from: KnownState | 'none';
  to: KnownState | 'none';
  issue?: string;
}

interface Project {
  integration: string;
  project: string;
  dir: string;
  /** Files per state: relative to the state folder ("PB-100/000001.bac" under error). */
  files: Map<KnownState, string[]>;
}

export interface TrafficOptions {
  seed: number;
  layout: LayoutName;
  /** Operations per tick. */
  movesPerTick?: number;
  intervalMs?: number;
  /**
   * What happens: `busy` (the default) sends messages everywhere, problems pile up; `healthy`
   * applies most messages, and problems are rarer than their fixes (the demo). In `healthy`,
   * an issue folder is removed when its last message leaves it.
   */
  mix?: 'busy' | 'healthy';
  /** Called after each tick with the moves it made. */
  afterTick?: (moves: Move[]) => void;
}


export class Traffic {
  private readonly random: () => number;
  private readonly layout;
  private readonly projects: Project[];
  private readonly options: TrafficOptions;
  private sequence: number;
  private timer: NodeJS.Timeout | undefined;
  readonly moves: Move[] = [];

  constructor(tree: BuiltTree, options: TrafficOptions) {
    this.options = options;
    this.random = seededRandom(options.seed);
    this.layout = LAYOUTS[options.layout];
    this.sequence = 900_000 + randomInt(this.random, 0, 9_999);
    this.projects = tree.integrations.flatMap((integration) =>
      integration.projects.map((project) => this.discover(tree.root, integration.key, project)));
  }

  start(): void {
    this.timer = setInterval(() => {
      const moves = this.tick();
      this.options.afterTick?.(moves);
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Runs `movesPerTick` operations now; returns the moves made. */
  tick(): Move[] {
    const made: Move[] = [];
    for (let i = 0; i < (this.options.movesPerTick ?? 5); i++) {
      const move = this.step();
      if (move) made.push(move);
    }
    this.moves.push(...made);
    return made;
  }

  private discover(root: string, integration: string, project: string): Project {
    const dir = path.join(root, integration, project);
    const files = new Map<KnownState, string[]>();
    for (const state of Object.keys(this.layout) as KnownState[]) {
      const folder = path.join(dir, this.layout[state]);
      const found: string[] = [];
      if (existsSync(folder)) {
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          if (entry.isFile() && entry.name.endsWith('.bac')) found.push(entry.name);
          if (entry.isDirectory() && ISSUE_STATES.has(state)) {
            for (const inner of readdirSync(path.join(folder, entry.name))) found.push(`${entry.name}/${inner}`);
          }
        }
      }
      files.set(state, found);
    }
    return { integration, project, dir, files };
  }

  /** Issue folders of a project in a state (error, missing) that hold a message. */
  issues(integration: string, project: string, state: KnownState): number {
    const found = this.projects.find((p) => p.integration === integration && p.project === project);
    return new Set((found?.files.get(state) ?? []).map((file) => path.dirname(file))).size;
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  private step(): Move | undefined {
    if (this.options.mix === 'healthy') return this.healthyStep();
    const project = this.pick(this.projects)!;
    const roll = this.random();
    if (roll < 0.25) return this.create(project, 'receive');
    if (roll < 0.55) {
      const to = this.pick<KnownState>(['processed', 'processed', 'processed', 'processed', 'error', 'missing', 'waiting', 'offline', 'outdated'])!;
      return this.move(project, 'receive', to);
    }
    if (roll < 0.65) return this.move(project, this.pick<KnownState>(['error', 'missing', 'waiting', 'offline'])!, this.random() < 0.5 ? 'receive' : 'processed');
    if (roll < 0.8) return this.create(project, 'send');
    if (roll < 0.9) return this.random() < 0.8 ? this.remove(project, 'send') : this.move(project, 'send', 'sendfailed');
    if (roll < 0.95) return this.move(project, 'sendfailed', 'send');
    return this.remove(project, 'processed');
  }

  /** Mostly arrivals applied and messages sent; a problem now and then, fixed more often than made. */
  private healthyStep(): Move | undefined {
    const project = this.pick(this.projects)!;
    const roll = this.random();
    if (roll < 0.3) return this.create(project, 'receive');
    if (roll < 0.6) {
      const to = this.random() < 0.92 ? 'processed' : this.pick<KnownState>(['error', 'missing', 'waiting', 'offline', 'outdated'])!;
      return this.move(project, 'receive', to);
    }
    if (roll < 0.7) return this.move(project, this.pick<KnownState>(['error', 'missing', 'waiting', 'offline', 'outdated'])!, this.random() < 0.7 ? 'processed' : 'receive');
    if (roll < 0.85) return this.create(project, 'send');
    if (roll < 0.97) return this.random() < 0.97 ? this.remove(project, 'send') : this.move(project, 'send', 'sendfailed');
    return this.move(project, 'sendfailed', 'send');
  }

  private statePath(project: Project, state: KnownState, relative: string): string {
    return path.join(project.dir, this.layout[state], relative);
  }

  private create(project: Project, state: KnownState): Move {
    const message = `${String(this.sequence++).padStart(6, '0')}.bac`;
    writeFileSync(this.statePath(project, state, message), Buffer.alloc(randomInt(this.random, 200, 4000), 0x42));
    project.files.get(state)!.push(message);
    return { integration: project.integration, project: project.project, message, from: 'none', to: state };
  }

  private take(project: Project, state: KnownState): string | undefined {
    const files = project.files.get(state)!;
    if (files.length === 0) return undefined;
    const index = Math.floor(this.random() * files.length);
    return files.splice(index, 1)[0];
  }

  private move(project: Project, from: KnownState, to: KnownState): Move | undefined {
    const relative = this.take(project, from);
    if (relative === undefined) return undefined;
    const message = path.basename(relative);
    let target = message;
    let issue: string | undefined;
    if (ISSUE_STATES.has(to)) {
      issue = `${project.project.split('-')[0]}-${randomInt(this.random, 100, 104)}`;
      mkdirSync(this.statePath(project, to, issue), { recursive: true });
      target = `${issue}/${message}`;
    } else if (ISSUE_STATES.has(from)) {
      issue = path.dirname(relative);
    }
    renameSync(this.statePath(project, from, relative), this.statePath(project, to, target));
    project.files.get(to)!.push(target);
    if (issue !== undefined && ISSUE_STATES.has(from) && this.options.mix === 'healthy') this.removeIfEmpty(project, from, issue);
    return { integration: project.integration, project: project.project, message, from, to, ...(issue ? { issue } : {}) };
  }

  /** An issue folder whose last message left it goes too, as the issue is no longer in that state. */
  private removeIfEmpty(project: Project, state: KnownState, issue: string): void {
    if (project.files.get(state)!.some((file) => file.startsWith(`${issue}/`))) return;
    try {
      rmdirSync(this.statePath(project, state, issue)); // only an empty folder
    } catch {
      // Not empty after all, or gone: leave it.
    }
  }

  private remove(project: Project, state: KnownState): Move | undefined {
    const relative = this.take(project, state);
    if (relative === undefined) return undefined;
    rmSync(this.statePath(project, state, relative), { force: true });
    return { integration: project.integration, project: project.project, message: path.basename(relative), from: state, to: 'none' };
  }
}
