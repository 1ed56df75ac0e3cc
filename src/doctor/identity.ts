// Who the doctor runs as: what it can read is what this user can read, unless it is root
// with the capabilities that bypass file permissions (then it says nothing about the user the
// agent will run as).
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

export interface Identity {
  /** "jira (uid 2001)" */
  name: string;
  uid: number | undefined;
  /** Reads every file whatever its permissions (root with CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH). */
  bypassesPermissions: boolean;
}

const CAP_DAC_OVERRIDE = 1n;
const CAP_DAC_READ_SEARCH = 2n;

/** The effective capabilities of this process (Linux), from /proc/self/status. */
function effectiveCapabilities(): bigint | undefined {
  try {
    const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? BigInt(`0x${match[1]}`) : undefined;
  } catch {
    return undefined;
  }
}

export function currentIdentity(): Identity {
  const uid = process.getuid?.();
  let username: string;
  try {
    username = userInfo().username;
  } catch {
    username = uid === undefined ? 'this user' : `uid ${uid}`;
  }
  const caps = effectiveCapabilities();
  const bypass = caps === undefined
    ? uid === 0
    : (caps & ((1n << CAP_DAC_OVERRIDE) | (1n << CAP_DAC_READ_SEARCH))) !== 0n;
  return { name: uid === undefined ? username : `${username} (uid ${uid})`, uid, bypassesPermissions: bypass };
}
