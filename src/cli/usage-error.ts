/** A command line the agent cannot run: exit 2 with this message and where to find help. */
export class UsageError extends Error {
  /** The command whose --help to point at, when one was named. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}
