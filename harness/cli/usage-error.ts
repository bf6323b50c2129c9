/** A mistake in how the CLI was called: exit code 2 with a one-line reason. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
