/**
 * The exit code after a signal stopped a run cleanly: 128 + the signal's number, as shells report
 * a process killed by it — 130 for SIGINT (Ctrl-C), 143 for SIGTERM (issue 12: SIGTERM was 130).
 *
 * What this is not: no signal handling; app/interactive.ts and app/record.ts install their own.
 */
import { constants } from 'node:os';

/** @example signalExitCode('SIGTERM') === 143 */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}
