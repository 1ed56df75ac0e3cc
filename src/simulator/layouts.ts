// Where each state folder sits inside a project folder, in the layouts Backbone uses
// (docs/configuration.md, states): as drawn, sub-states beside receive, and alias names.
import type { KnownState } from '../backbone/states.ts';

export type LayoutName = 'nested' | 'beside' | 'aliases';
export type Layout = Readonly<Record<KnownState, string>>;

export const LAYOUTS: Readonly<Record<LayoutName, Layout>> = {
  nested: {
    receive: 'receive', processed: 'receive/processed', error: 'receive/error', missing: 'receive/missing',
    waiting: 'receive/waiting', offline: 'receive/offline', invalid: 'receive/invalid', outdated: 'receive/outdated',
    send: 'send', sendfailed: 'sendfailed',
  },
  beside: {
    receive: 'receive', processed: 'processed', error: 'error', missing: 'missing', waiting: 'waiting',
    offline: 'offline', invalid: 'invalid', outdated: 'outdated', send: 'send', sendfailed: 'send-failed',
  },
  aliases: {
    receive: 'Incoming', processed: 'Incoming/Applied', error: 'Incoming/Errors', missing: 'Incoming/MISSING',
    waiting: 'Incoming/pending', offline: 'Incoming/Offline', invalid: 'Incoming/invalid', outdated: 'Incoming/obsolete',
    send: 'outbox', sendfailed: 'outbox/failed',
  },
};
