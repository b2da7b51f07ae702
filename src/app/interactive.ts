/**
 * PLACEHOLDER for the visualiser window — the app engineer replaces this file with the real module.
 * Until then the command says clearly that the feature is not available yet and exits non-zero
 * (issue 3: never a silent no-op). Contract used by cli/view-command.ts:
 * `interactive(opts: ViewOptions): Promise<number>` returning the exit code.
 */
import { UserError } from '../errors.js';
import type { ViewOptions } from '../cli/options.js';

export function interactive(_opts: ViewOptions): Promise<number> {
  return Promise.reject(new UserError('the visualiser window is not available yet in this version'));
}
