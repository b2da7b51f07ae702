/**
 * `gptviz contact-sheet` end to end under Xvfb: a PNG grid of the 16 moments with real content;
 * one-line errors for a bad flag, missing weights and a missing output folder. The moment picks
 * themselves (visualization/contact-moments.ts) are checked against the timelines.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTimeline } from '../../src/animation/timeline.js';
import { contactMoments } from '../../src/visualization/contact-moments.js';
import { runBin } from '../helpers/bin.js';
import { countBright, decodePng } from '../helpers/images.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

let display: Display;
const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-sheet-'));

test.before(async () => {
  display = await ensureDisplay();
});

test.after.always(() => {
  display?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('16 moments inside the timeline, in time order, each captioned with its stage', (t) => {
  for (const tl of [buildTimeline('random', { hasCharDisplay: false }), buildTimeline('full', { hasCharDisplay: true })]) {
    const m = contactMoments(tl);
    t.is(m.length, 16);
    for (let i = 0; i < m.length; i++) {
      t.true(m[i]!.time >= 0 && m[i]!.time <= tl.duration, `${m[i]!.caption} at ${m[i]!.time}`);
      if (i > 0) t.true(m[i]!.time > m[i - 1]!.time);
      t.true(m[i]!.caption.length > 0);
    }
  }
  const random = contactMoments(buildTimeline('random', { hasCharDisplay: false }));
  t.true(Math.abs(random[2]!.time - 14.37) < 0.01, 'the reference frame moment of Q·Kᵀ');
  t.regex(random[2]!.caption, /^Multi-Head Attention/);
});

test.serial('writes a grid PNG with drawn content and no temporary file', async (t) => {
  const out = path.join(dir, 'sheet.png');
  const r = await runBin(['contact-sheet', '--out', out, '--cell-width', '160', '--columns', '8'], {
    env: { DISPLAY: display.name }, timeoutMs: 90000,
  });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /wrote .*sheet\.png \(16 moments, 1280×/);
  const img = decodePng(readFileSync(out));
  t.is(img.width, 1280);
  t.true(countBright(img, 0, 0, img.width, img.height, 100) > 2000);
  t.deepEqual(readdirSync(dir), ['sheet.png']);
});

test.serial('bad input is a one-line error', async (t) => {
  const bad = await runBin(['contact-sheet', '--columns', '0']);
  t.is(bad.code, 2);
  t.is(bad.stderr.split('\n').filter((l) => l.length > 0).length, 2, bad.stderr);
  const missing = await runBin(['contact-sheet', '--text', 'hi', '--weights', path.join(dir, 'none.npz')]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /^gptviz: error: weights file not found/);
  const folder = await runBin(['contact-sheet', '--out', path.join(dir, 'no', 'x.png')]);
  t.is(folder.code, 1);
  t.regex(folder.stderr, /^gptviz: error: cannot write .*x\.png: the folder .* does not exist\n/);
});
