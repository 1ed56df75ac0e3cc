// The messages the watcher follows, kept compact: 200,000 of them (a partner offline for a
// week) must fit beside Jira. A message holds its name, its folder (shared by every message
// of the folder, so no path string per message) and three numbers; messages are found by
// folder and name, and by name among the folders of a project and side (where a message that
// vanished may have gone). About 150 bytes per message (bench/watcher.bench.ts measures it).
import { joinRel } from './tree-walk.ts';

/** The messages of one folder. */
export class FolderMessages {
  readonly rel: string;
  /** Project and side: messages only move between folders of the same group. */
  readonly group: string;
  readonly byName = new Map<string, Known>();

  constructor(rel: string, group: string) {
    this.rel = rel;
    this.group = group;
  }
}

/** One followed message. */
export class Known {
  readonly name: string;
  readonly dir: FolderMessages;
  /** When it entered its state (whole ms). */
  since: number;
  ino: number;
  /** When it was last seen where it is (ms, this host's clock). */
  seenAt: number;

  constructor(dir: FolderMessages, name: string, since: number, ino: number, seenAt: number) {
    this.dir = dir;
    this.name = name;
    this.since = Math.floor(since);
    this.ino = ino;
    this.seenAt = seenAt;
  }

  get rel(): string {
    return joinRel(this.dir.rel, this.name);
  }

  get folderRel(): string {
    return this.dir.rel;
  }
}

export class KnownMessages {
  private readonly folders = new Map<string, FolderMessages>();
  /** group -> name -> the messages of that name in the group's folders (one, rarely more). */
  private readonly byGroup = new Map<string, Map<string, Known | Known[]>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  folder(rel: string): FolderMessages | undefined {
    return this.folders.get(rel);
  }

  allFolders(): IterableIterator<FolderMessages> {
    return this.folders.values();
  }

  get(rel: string): Known | undefined {
    const slash = rel.lastIndexOf('/');
    return this.folders.get(slash < 0 ? '' : rel.slice(0, slash))?.byName.get(rel.slice(slash + 1));
  }

  has(rel: string): boolean {
    return this.get(rel) !== undefined;
  }

  *values(): IterableIterator<Known> {
    for (const folder of this.folders.values()) yield* folder.byName.values();
  }

  /** Adds a message; the caller makes sure there is none of that name in that folder yet. */
  add(folderRel: string, group: string, name: string, since: number, ino: number, seenAt: number): Known {
    let dir = this.folders.get(folderRel);
    if (!dir) this.folders.set(folderRel, (dir = new FolderMessages(folderRel, group)));
    const known = new Known(dir, name, since, ino, seenAt);
    dir.byName.set(name, known);
    let names = this.byGroup.get(group);
    if (!names) this.byGroup.set(group, (names = new Map()));
    const present = names.get(name);
    if (present === undefined) names.set(name, known);
    else if (Array.isArray(present)) present.push(known);
    else names.set(name, [present, known]);
    this.count++;
    return known;
  }

  delete(known: Known): void {
    const dir = known.dir;
    if (dir.byName.get(known.name) !== known) return;
    dir.byName.delete(known.name);
    if (dir.byName.size === 0) this.folders.delete(dir.rel);
    const names = this.byGroup.get(dir.group);
    const present = names?.get(known.name);
    if (names && present !== undefined) {
      if (present === known) names.delete(known.name);
      else if (Array.isArray(present)) {
        const left = present.filter((k) => k !== known);
        names.set(known.name, left.length === 1 ? left[0]! : left);
      }
      if (names.size === 0) this.byGroup.delete(dir.group);
    }
    this.count--;
  }

  /** The messages of this name in the folders of this group. */
  twins(group: string, name: string): Known[] {
    const present = this.byGroup.get(group)?.get(name);
    if (present === undefined) return [];
    return Array.isArray(present) ? [...present] : [present];
  }
}
