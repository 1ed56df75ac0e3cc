// Which file system the Backbone root lives on. inotify (and fs.watch on any OS) only sees
// changes made through this host's kernel: on NFS, SMB/CIFS, FUSE and cluster file systems,
// what another node writes raises no event, so backbone_events' `auto` polls there. On such a
// file system a system call can also hang (a server that does not answer), so backbone_folders
// scans there in its worker, which it can abandon. On Jira Data Center the shared home is
// usually such a mount.

import { readFile, realpath, statfs } from 'node:fs/promises';

/** What detectFsType reads (the file system, or a test's stand-in). */
export interface FsTypeProbe {
  statfs(path: string): Promise<{ type: number }>;
  realpath(path: string): Promise<string>;
  readFile(path: string): Promise<string>;
}

/** The file system itself. */
export const nodeFsTypeProbe: FsTypeProbe = {
  statfs: (path) => statfs(path),
  realpath: (path) => realpath(path),
  readFile: (path) => readFile(path, 'utf8'),
};

export type WatchMode = 'native' | 'poll';
export type WatchMethod = WatchMode | 'auto';

export interface FsType {
  /** A readable name: from /proc/mounts where found (nfs4, fuse.sshfs), else from the magic number. */
  name: string;
  /** statfs f_type, when known. */
  magic: number | undefined;
  /** Changes by other hosts (or a FUSE daemon) raise no inotify event here. */
  remote: boolean;
}

/** Linux statfs f_type values (linux/magic.h and file systems' own headers). */
const REMOTE_MAGIC: ReadonlyMap<number, string> = new Map([
  [0x6969, 'nfs'],
  [0x517b, 'smb'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x65735546, 'fuse'],
  [0x73757245, 'coda'],
  [0x5346414f, 'afs'],
  [0x6b414653, 'afs'],
  [0x00c36400, 'ceph'],
  [0x01021997, '9p'],
  [0x564c, 'ncp'],
  [0x7461636f, 'ocfs2'],
  [0x01161970, 'gfs2'],
  [0x0bd00bd0, 'lustre'],
  [0x47504653, 'gpfs'],
  [0xaad7aaea, 'panfs'],
  [0x20030528, 'orangefs'],
  [0x19830326, 'beegfs'],
]);

const LOCAL_MAGIC: ReadonlyMap<number, string> = new Map([
  [0xef53, 'ext4'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
  [0x01021994, 'tmpfs'],
  [0x794c7630, 'overlay'],
  [0x2fc12fc1, 'zfs'],
  [0xf2f52010, 'f2fs'],
  [0x858458f6, 'ramfs'],
  [0x4d44, 'vfat'],
  [0x2011bab0, 'exfat'],
  [0x7366746e, 'ntfs3'],
  [0x5346544e, 'ntfs'],
  [0x52654973, 'reiserfs'],
  [0x3434, 'nilfs2'],
]);

/** File-system type names (as in /proc/mounts) on which events from other hosts are not seen. */
const REMOTE_NAME = /^(nfs4?|cifs|smb3?|smbfs|ncpfs|afs|ceph|glusterfs|lustre|gpfs|9p|virtiofs|fuse(blk)?|fuse\..+|davfs2?|sshfs|beegfs|orangefs|pvfs2|ocfs2|gfs2|coda|panfs|efs|lizardfs|moosefs|cvfs)$/i;

export function isRemoteName(name: string): boolean {
  return REMOTE_NAME.test(name);
}

export interface MountEntry {
  mountPoint: string;
  type: string;
}

/** Parses /proc/mounts (or /proc/self/mounts); octal escapes (\040 for a space) are decoded. */
export function parseMounts(text: string): MountEntry[] {
  const unescape = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3) continue;
    mounts.push({ mountPoint: unescape(fields[1]!), type: fields[2]! });
  }
  return mounts;
}

/** The mount a path lies on: the longest mount point that is the path or one of its folders; the last one mounted wins. */
export function mountOf(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const mount of mounts) {
    const point = mount.mountPoint;
    const contains = point === '/' || path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (contains && (best === undefined || point.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

/** Combines what statfs and the mount table say; either may be missing. */
export function describeFsType(magic: number | undefined, mountType: string | undefined): FsType {
  const unsigned = magic === undefined ? undefined : magic >>> 0;
  const magicName = unsigned === undefined ? undefined : (REMOTE_MAGIC.get(unsigned) ?? LOCAL_MAGIC.get(unsigned));
  const remote = (unsigned !== undefined && REMOTE_MAGIC.has(unsigned)) || (mountType !== undefined && isRemoteName(mountType));
  const name = mountType ?? magicName ?? (unsigned === undefined ? 'unknown' : `0x${unsigned.toString(16)}`);
  return { name, magic: unsigned, remote };
}

export async function detectFsType(
  fs: FsTypeProbe,
  path: string,
  mountsFile = '/proc/self/mounts',
): Promise<FsType> {
  let magic: number | undefined;
  try {
    magic = (await fs.statfs(path)).type;
  } catch {
    magic = undefined;
  }
  let mountType: string | undefined;
  try {
    const real = await fs.realpath(path);
    mountType = mountOf(parseMounts(await fs.readFile(mountsFile)), real)?.type;
  } catch {
    mountType = undefined; // not Linux, or the root does not exist (yet)
  }
  return describeFsType(magic, mountType);
}

export function chooseMode(method: WatchMethod, fsType: FsType): WatchMode {
  if (method !== 'auto') return method;
  return fsType.remote ? 'poll' : 'native';
}
