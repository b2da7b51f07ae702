/**
 * PLACEHOLDER for --record (mp4 recording) — the recording engineer replaces this file with the real module.
 * Until then the command says clearly that the feature is not available yet and exits non-zero
 * (issue 3: never a silent no-op). Contract used by cli/view-command.ts:
 * `record(opts: ViewOptions): Promise<number>` returning the exit code.
 */
import { UserError } from '../errors.js';
import type { ViewOptions } from '../cli/options.js';

export function record(_opts: ViewOptions): Promise<number> {
  return Promise.reject(new UserError('--record (mp4 recording) is not available yet in this version'));
}
