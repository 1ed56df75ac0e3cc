// Every component's telemetry declaration, in the order the docs list them.
import { leaderElectionTelemetry } from '../extensions/leader_election/telemetry.ts';
import { selfTelemetry } from '../pipeline/self-telemetry.ts';
import { eventsTelemetry } from '../receivers/backbone_events/telemetry.ts';
import { folderTelemetry } from '../receivers/backbone_folders/telemetry.ts';
import { restTelemetry } from '../receivers/backbone_rest/telemetry.ts';
import type { ComponentTelemetry } from './declaration.ts';

export const TELEMETRY: readonly ComponentTelemetry[] = [restTelemetry, folderTelemetry, eventsTelemetry, leaderElectionTelemetry, selfTelemetry];
