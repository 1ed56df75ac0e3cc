// Tries to make the first file lease, at a given moment (so that several processes try at
// once): node lease-acquire-child.ts LEASE_DIR IDENTITY AT_MS; prints `won` or `lost`.
import { FileLease } from '../../src/extensions/leader_election/lease.ts';

const [dir, identity, at] = process.argv.slice(2);
const lease = new FileLease(dir!);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(at) - Date.now())));
const won = await lease.acquire(undefined, identity!);
process.stdout.write(won ? 'won\n' : 'lost\n');
