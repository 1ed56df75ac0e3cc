// backbone-otel's command line, once src/cli.ts found a Node.js it can run on.
// Exit codes: 0 fine, 2 configuration error (or a command line it cannot run), 1 runtime failure.
import { ConfigError } from '../config/config-issue.ts';
import { AGENT_NAME, AGENT_VERSION } from '../version.ts';
import { EXIT_CONFIG, EXIT_OK, EXIT_RUNTIME } from './commands.ts';
import { commandHelp, globalHelp } from './help.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { UsageError } from './usage-error.ts';

export async function main(argv: string[]): Promise<number> {
  try {
    const line = parseCommandLine(argv);
    switch (line.action) {
      case 'help':
        process.stdout.write(line.command ? commandHelp(line.command) : globalHelp());
        return EXIT_OK;
      case 'version':
        process.stdout.write(`${AGENT_NAME} ${AGENT_VERSION}\n`);
        return EXIT_OK;
      case 'run':
        return await line.command.run(line.values);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.command ? `backbone-otel ${error.command} --help` : 'backbone-otel --help';
      process.stderr.write(`backbone-otel: ${error.message}\n(${help} lists what it takes)\n`);
      return EXIT_CONFIG;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + '\n');
      return EXIT_CONFIG;
    }
    process.stderr.write(`${AGENT_NAME}: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_RUNTIME;
  }
}

/** Runs the command line as the process: its exit code, and no lingering afterwards. */
export async function runCli(argv: string[]): Promise<void> {
  process.exitCode = await main(argv);
  // Whatever an exporter's HTTP agent may still hold open must not keep a stopped agent alive.
  setTimeout(() => process.exit(), 2000).unref();
}
