/**
 * gptviz's folder in the user's cache ($XDG_CACHE_HOME/gptviz, else ~/.cache/gptviz): what the
 * window's start would otherwise rebuild every time (issue 15, first frame first): the font
 * atlases (core/font-atlas.ts), the linked shader programs (core/program-cache.ts), the
 * random-weights mode's blocks (transformer/random-blocks.ts) and that ffmpeg has libx264
 * (record/ffmpeg.ts). Each file is named
 * `<kind>-<32 hex digits>.bin` after a hash of what it depends on, so a new version writes new
 * names; writing a file removes those not written for 30 days. Everything here is best effort: a
 * cache that cannot be read or written is no error, the thing is just built again.
 *
 * What it is not: no keys or formats (the callers').
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

/** Cache files not written for this long are removed when another is written (older versions' keys). */
export const CACHE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

const CACHE_FILE = /^(atlas|program|random|ffmpeg)-[0-9a-f]{32}\.bin$/;

/** The cache folder: $XDG_CACHE_HOME/gptviz, else ~/.cache/gptviz; undefined when there is no home. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'gptviz');
  let home = '';
  try {
    home = homedir();
  } catch {
    // no home folder: no cache
  }
  return home !== '' ? path.join(home, '.cache', 'gptviz') : undefined;
}

/** Remove the cache files in `dir` written more than CACHE_MAX_AGE_MS before `now`. */
function prune(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    if (!CACHE_FILE.test(name)) continue;
    const file = path.join(dir, name);
    if (now - statSync(file).mtimeMs > CACHE_MAX_AGE_MS) rmSync(file, { force: true });
  }
}

/** Write `bytes` as `dir`/`name` (atomically; the folder made, old files pruned). False when that failed. */
export function storeCacheFile(dir: string, name: string, bytes: Uint8Array): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    prune(dir, Date.now());
    writeFileAtomic(path.join(dir, name), bytes);
    return true;
  } catch {
    return false;
  }
}
