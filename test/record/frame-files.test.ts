/**
 * Numbered frame files for `--record --format` (record/frame-files.ts): a write that fails (a full
 * disk, here a frame name linked to /dev/full) is a one-line UserError with a hint and leaves no
 * truncated or empty frame behind (issue 12); whole frames stay.
 */
import test from 'ava';
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { FrameFiles, frameFileName } from '../../src/record/frame-files.js';

const TMP = mkdtempSync(path.join(tmpdir(), 'gptviz-frames-'));
test.after.always(() => rmSync(TMP, { recursive: true, force: true }));

test('a full disk while writing frames: UserError, whole frames kept, the partial one removed', async (t) => {
  const dir = path.join(TMP, 'frames');
  const files = new FrameFiles(dir, 'png', 8, 8);
  const rgba = new Uint8Array(8 * 8 * 4).fill(200);
  await files.add(0, rgba);
  await files.flush();
  symlinkSync('/dev/full', path.join(dir, frameFileName(1, 'png')));
  await files.add(1, rgba);
  const e = await t.throwsAsync(files.flush(), { instanceOf: UserError });
  t.is(e?.message, `cannot write ${path.join(dir, 'frame_00001.png')}: no space left on the device`);
  t.is(e?.hint, 'free some disk space, or write to another disk');
  t.deepEqual(readdirSync(dir), ['frame_00000.png']);
  t.true(statSync(path.join(dir, 'frame_00000.png')).size > 0);
});
