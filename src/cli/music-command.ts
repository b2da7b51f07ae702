/** `gptviz music` — placeholder until its feature lands: says so and exits non-zero. */
import { UserError } from '../errors.js';

export function run(_argv: string[]): Promise<number> {
  return Promise.reject(new UserError('gptviz music: not available yet in this version'));
}
