/**
 * `gptviz --snapshot` end to end under Xvfb: exit 0, a PNG of exactly the requested size with
 * real content, the same prompt warnings as `gptviz generate` (one run layer), and a one-line
 * error for an unwritable --out.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBin } from '../helpers/bin.js';
import { countBright, decodePng } from '../helpers/images.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

let display: Display;
const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-snap-'));

test.before(async () => {
  display = await ensureDisplay();
});

test.after.always(() => {
  display?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test.serial('--snapshot writes a PNG of exactly --width × --height with drawn content', async (t) => {
  const out = path.join(dir, 'frame.png');
  const r = await runBin(['--snapshot', '2', '--out', out, '--width', '320', '--height', '180'], {
    env: { DISPLAY: display.name }, timeoutMs: 60000,
  });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /wrote .*frame\.png \(320×180/);
  const img = decodePng(readFileSync(out));
  t.is(img.width, 320);
  t.is(img.height, 180);
  t.true(countBright(img, 0, 0, 320, 180, 100) > 500, 'cubes and text are visible');
  t.deepEqual(readdirSync(dir), ['frame.png'], 'no temporary file left behind');
});

test.serial('--snapshot into a missing folder is a one-line error', async (t) => {
  const r = await runBin(['--snapshot', '1', '--out', path.join(dir, 'nope', 'x.png')], { env: { DISPLAY: display.name } });
  t.is(r.code, 1);
  t.regex(r.stderr, /^gptviz: error: cannot write .*x\.png: the folder .*nope does not exist\n/);
});

test.serial('--snapshot --text prints exactly the warnings generate prints for the same long prompt', async (t) => {
  const prompt = 'To be, or not to be: that is the question';
  const gen = await runBin(['generate', '--text', prompt]);
  t.is(gen.code, 0, gen.stderr);
  const out = path.join(dir, 'long.png');
  const snap = await runBin(['--text', prompt, '--snapshot', '1', '--out', out, '--width', '160', '--height', '90'], {
    env: { DISPLAY: display.name }, timeoutMs: 60000,
  });
  t.is(snap.code, 0, snap.stderr);
  t.deepEqual(snap.stderr, gen.stderr);
  t.deepEqual(gen.stderr.split('\n'), [
    'warning: dropped characters not in the vocabulary: ",", ":"',
    'warning: --text is longer than the model\'s context of 16 characters; using "to be or not to "',
    '',
  ]);
  rmSync(out);
});
