/**
 * The two kinds of error (STYLE.md §28). A UserError is a problem with the user's input or
 * environment: one line and a hint line saying what to do (e.g. "install with: sudo apt-get install libglfw3"),
 * thrown at the leaf that detects it and caught only in cli/main.ts, which prints it and exits
 * with `exitCode`. Everything else is a bug and keeps its stack.
 *
 * This file sits at src/ (not cli/) because the pure core throws it too; it imports nothing.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  /** The second line, telling the user what to do (every error kind has one: issue 12). */
  readonly hint: string;
  /** Process exit code: 2 for usage errors (bad flags), 1 otherwise. */
  readonly exitCode: number;

  constructor(message: string, options: { hint: string; exitCode?: number }) {
    super(message);
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A usage error: bad flag, bad value, missing argument (exit code 2). */
export class UsageError extends UserError {
  constructor(message: string, hint = "run 'gptviz --help' for usage") {
    super(message, { hint, exitCode: 2 });
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
