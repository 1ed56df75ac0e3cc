// Runs a backbone_events receiver in a process of its own and answers commands on stdin
// ("settle": list until nothing is pending; "stop") with the moves and the log lines so far, as
// one JSON line: for tests that watch without root's right to read everything (setpriv).
import { createInterface } from 'node:readline';
import { eventsConfigSchema } from '../../../src/receivers/backbone_events/config.ts';
import { EventsReceiver } from '../../../src/receivers/backbone_events/receiver.ts';
import { CaptureHost } from '../../helpers/capture-host.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const capture = new CaptureHost();
const receiver = new EventsReceiver(eventsConfigSchema.parse(JSON.parse(process.argv[2]!)), capture.host, capture.log);
await receiver.start();

function answer(): void {
  const moves = capture.events('backbone.message.transition').map((r) =>
    `${String(r.attributes['backbone.message'])} ${String(r.attributes['backbone.from_state'])}->${String(r.attributes['backbone.to_state'])}`);
  process.stdout.write(`${JSON.stringify({ moves, log: capture.logLines })}\n`);
}

answer();
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'settle') {
    await receiver.reconcileNow();
    await waitFor(() => receiver.pending === 0, 'no pending lookups');
    await receiver.reconcileNow();
    answer();
  } else if (line === 'stop') {
    await receiver.shutdown();
    answer();
    break;
  }
}
await capture.shutdown();
