// The check of the fault tests whose messages move several times (receive -> waiting ->
// processed, back and forth): per message, the records received must link its first state to
// its last, each record starting where the one before ended, through states the message
// really passed in that order (the mover's journal), with no branch and no record that
// contradicts another. A record may skip states only when a restart found the move (the agent
// was not looking); moves found by events or listings arrive one by one.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { FaultRig, Move } from './fault-rig.ts';
import type { ReceivedLog } from './otlp-receiver.ts';

/** The state of a file of the rig's project: the folder under receive/ (error/ISS-1 is error). */
export function stateOf(project: string, file: string): string {
  const parts = path.relative(project, path.dirname(file)).split(path.sep);
  if (parts.includes('error')) return 'error';
  return parts[parts.length - 1]!;
}

export interface ChainReport {
  messages: number;
  records: number;
  /** Records found by a restart that stand for several moves made while the agent was not looking. */
  collapsed: number;
}

/** Records deduplicated by uid (whole-request re-sends are checked by the rig). */
export function checkChains(project: string, moves: readonly Move[], records: readonly ReceivedLog[], context: () => string): ChainReport {
  const history = new Map<string, string[]>();
  for (const move of moves) {
    const states = history.get(move.name) ?? [stateOf(project, move.from)];
    states.push(stateOf(project, move.to));
    history.set(move.name, states);
  }
  const byUid = new Map<string, ReceivedLog>();
  for (const record of records) byUid.set(String(record.attributes['log.record.uid']), record);
  const byMessage = new Map<string, ReceivedLog[]>();
  for (const record of byUid.values()) {
    const name = String(record.attributes['backbone.message']);
    byMessage.set(name, [...(byMessage.get(name) ?? []), record]);
  }
  let collapsed = 0;
  for (const [name, states] of history) {
    const received = byMessage.get(name) ?? [];
    const hops = received.map((r) => ({
      from: String(r.attributes['backbone.from_state']), to: String(r.attributes['backbone.to_state']),
      by: String(r.attributes['backbone.detected_by']), body: r.body, time: r.timeMs,
    }));
    // In the order they happened (a move's time is its destination's ctime: a later move has a later one).
    hops.sort((a, b) => a.time - b.time);
    // The chain: each record starts where another ended; follow it from the first state.
    const said = () => `${name}: states ${states.join(' -> ')}; records ${hops.map((h) => `${h.from}->${h.to} (${h.by})`).join(', ')}\n${context()}`;
    let at = states[0]!;
    let position = 0;
    for (const hop of hops) {
      // The messages are built only when a check fails: said() reads every agent's log.
      if (hop.from !== at) assert.fail(`the next record leaves ${at}, where the one before ended (no branch, no gap): ${said()}`);
      // The destination is a later state of the message's history.
      const found = states.indexOf(hop.to, position + 1);
      if (found <= position) assert.fail(`${hop.from}->${hop.to} is not a move the message made after ${at}: ${said()}`);
      if (found > position + 1) {
        if (hop.by !== 'restart') assert.fail(`${hop.from}->${hop.to} skips states though found by ${hop.by}: ${said()}`);
        collapsed++;
      }
      position = found;
      at = hop.to;
    }
    if (at !== states[states.length - 1]) assert.fail(`the records end where the message is: ${said()}`);
  }
  for (const name of byMessage.keys()) if (!history.has(name)) assert.fail(`${name}: records for a message that did not move\n${context()}`);
  return { messages: history.size, records: byUid.size, collapsed };
}

/** Waits until every message's records reach where it is (or the deadline), then checks the chains. */
export async function waitForChains(rig: FaultRig, timeoutMs = 30_000): Promise<ChainReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return checkChains(rig.project, rig.moves(), rig.transitions(), () => rig.report());
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
