// Loaded with `node --import` before src/cli.ts, so that a real agent process knows the
// test-only loadgen receiver.
import type { ReceiverFactory } from '../../src/component/component.ts';
import { registry } from '../../src/components.ts';
import { loadgenReceiverFactory } from './loadgen-receiver.ts';

(registry.receivers as Map<string, ReceiverFactory>).set('loadgen', loadgenReceiverFactory as ReceiverFactory);
