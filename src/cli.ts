#!/usr/bin/env node
// backbone-otel: the entry point of the command line (`bin` in package.json, `dist/cli.js` in the
// systemd unit and the image). It only checks the Node.js version, then loads the command line
// itself (src/cli/main.ts): an older Node (Debian's or RHEL's /usr/bin/node) would otherwise
// load the agent, fail in odd places or, without import.meta.main, do nothing and exit 0.
// Keep it that small, in syntax any Node that loads ES modules (12.20+) parses once compiled:
// no top-level await, no ?. or ??.
import { leaveOutUnusedModules } from './cli/module-hooks.ts';
import { nodeRequirementProblem } from './cli/node-requirement.ts';
import { applyV8Settings } from './cli/v8-settings.ts';

// As a configuration error: the systemd unit does not restart on it (RestartPreventExitStatus=2).
const EXIT_CONFIG = 2;

const problem = nodeRequirementProblem(process.versions.node, process.execPath);
if (problem === undefined) {
  // The agent's V8 settings (src/cli/v8-settings.ts): this process is replaced by one that has them, when it has not.
  applyV8Settings();
  // Modules it does not need, left out before any is loaded (src/cli/module-hooks.ts).
  leaveOutUnusedModules();
  // Not a top-level await: Node 12.20-14.7 cannot parse one, and must get to the else branch.
  void import('./cli/main.ts').then(({ runCli }) => runCli(process.argv.slice(2)));
} else {
  process.stderr.write(problem + '\n');
  process.exitCode = EXIT_CONFIG;
}
