/** `gptviz view` — placeholder until its feature lands: says so and exits non-zero. */
import { UserError } from '../errors.js';

export function run(_argv: string[]): Promise<number> {
  return Promise.reject(new UserError('the visualiser window is not available yet in this version'));
}
