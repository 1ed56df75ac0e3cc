// watch_method: auto polls on network and FUSE file systems (detected by statfs magic number
// and the mount table) and uses events on local ones; an explicit method is taken as it is.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { eventsConfigSchema } from '../../../src/receivers/backbone_events/config.ts';
import { chooseMode, describeFsType, detectFsType, mountOf, parseMounts } from '../../../src/backbone/fs-type.ts';
import { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { realWatcherFs } from '../../../src/receivers/backbone_events/watcher-fs.ts';
import { CaptureHost } from '../../helpers/capture-host.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

/** A path as the kernel writes it in /proc/mounts: white space as octal escapes. */
const mountField = (p: string) => p.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

const MOUNTS = `/dev/vda / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
tmpfs /tmp tmpfs rw 0 0
fs-1234.efs.eu-west-1.amazonaws.com:/ /var/atlassian/application-data/jira/shared nfs4 rw,vers=4.1 0 0
//filer/jira /mnt/jira\\040home cifs rw 0 0
sshfs#me@host:/data /mnt/sshfs fuse.sshfs rw 0 0
/dev/sdb1 /var/atlassian/application-data/jira/shared/local ext4 rw 0 0
`;

test('the mount table: the longest mount point containing the path wins; escapes are decoded', () => {
  const mounts = parseMounts(MOUNTS);
  assert.equal(mountOf(mounts, '/var/atlassian/application-data/jira/shared/data/backbone-issue-sync')?.type, 'nfs4');
  assert.equal(mountOf(mounts, '/var/atlassian/application-data/jira/shared/local/x')?.type, 'ext4');
  assert.equal(mountOf(mounts, '/var/atlassian/application-data/jira/sharedother')?.type, 'ext4');
  assert.equal(mountOf(mounts, '/mnt/jira home/data')?.type, 'cifs');
  assert.equal(mountOf(mounts, '/tmp/x')?.type, 'tmpfs');
});

test('auto: poll on NFS, SMB/CIFS, FUSE and cluster file systems; native on local ones', () => {
  const cases: [number | undefined, string | undefined, 'native' | 'poll'][] = [
    [0x6969, undefined, 'poll'], // NFS by magic alone
    [undefined, 'nfs4', 'poll'], // NFS by mount table alone
    [0xff534d42, 'cifs', 'poll'],
    [0xfe534d42, undefined, 'poll'], // SMB2
    [0x517b, undefined, 'poll'],
    [0x65735546, 'fuse.sshfs', 'poll'],
    [0x65735546, 'fuse.glusterfs', 'poll'],
    [0x00c36400, 'ceph', 'poll'],
    [0x01021997, '9p', 'poll'],
    [0xef53, 'ext4', 'native'],
    [0x58465342, 'xfs', 'native'],
    [0x01021994, 'tmpfs', 'native'],
    [0x794c7630, 'overlay', 'native'],
    [undefined, undefined, 'native'],
  ];
  for (const [magic, mountType, mode] of cases) {
    const fsType = describeFsType(magic, mountType);
    assert.equal(chooseMode('auto', fsType), mode, `${magic?.toString(16)} ${mountType}`);
  }
  // A negative f_type (32-bit long) is the same magic.
  assert.equal(describeFsType(0xff534d42 | 0, undefined).remote, true);
  assert.equal(describeFsType(0xef53, undefined).name, 'ext4');
  assert.equal(describeFsType(0x6969, 'nfs4').name, 'nfs4');
});

test('an explicit watch method is used as it is', () => {
  assert.equal(chooseMode('native', describeFsType(0x6969, 'nfs')), 'native');
  assert.equal(chooseMode('poll', describeFsType(0xef53, 'ext4')), 'poll');
});

test('detection on this machine: statfs and the mount table agree on a local temp folder; a fake mount table says NFS', async () => {
  const dir = tempDir();
  const local = await detectFsType(realWatcherFs, dir);
  assert.equal(local.remote, false, JSON.stringify(local));
  assert.equal(typeof local.magic, 'number');
  const mounts = path.join(tempDir(), 'mounts');
  writeFileSync(mounts, `/dev/vda / ext4 rw 0 0\nserver:/export ${mountField(dir)} nfs4 rw 0 0\n`);
  const nfs = await detectFsType(realWatcherFs, dir, mounts);
  assert.deepEqual([nfs.name, nfs.remote], ['nfs4', true]);
});

test('a root that does not exist yet: no crash, native', async () => {
  const fsType = await detectFsType(realWatcherFs, path.join(tempDir(), 'not', 'there'));
  assert.equal(chooseMode('auto', fsType), 'native');
});

test('the receiver in auto mode on NFS: polls, says so in its log and in backbone.watcher.mode', async () => {
  const root = tempDir();
  const mounts = path.join(tempDir(), 'mounts');
  writeFileSync(mounts, `/dev/vda / ext4 rw 0 0\nfs-1.efs.amazonaws.com:/ ${mountField(root)} nfs4 rw 0 0\n`);
  const capture = new CaptureHost();
  const receiver = new EventsReceiver(eventsConfigSchema.parse({ root }), capture.host, capture.log, { mountsFile: mounts });
  await receiver.start();
  await receiver.shutdown();
  assert.equal(receiver.mode, 'poll');
  assert.ok(capture.logLines.some((line) => line.includes('in poll mode') && line.includes('nfs4 is a network or FUSE file system')), capture.logLines.join(''));
  const points = (await capture.collect()).filter((p) => p.metric === 'backbone.watcher.mode');
  assert.deepEqual(points.map((p) => [p.attributes.mode, p.value]).sort(), [['native', 0], ['poll', 1]]);
  await capture.shutdown();
});
