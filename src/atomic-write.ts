/**
 * Write a file so that it is either complete or absent: write `<path>.partial-<pid>` next to it,
 * then rename it over `path` (a rename within one folder is atomic). A failure removes the
 * temporary file and becomes one UserError naming the path and the cause, with a hint (io-errors.ts) — never a half-written PNG.
 *
 * What it is not: streaming output (record/recorder.ts renames ffmpeg's temporary file itself).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileError } from './io-errors.js';

/** Write `data` to `path` through a temporary file renamed on success. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.partial-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(e, path, 'write');
  }
}
