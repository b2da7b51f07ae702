/**
 * `gptviz --snapshot` end to end under Xvfb: exit 0, a PNG of exactly the requested size with
 * real content, the "test scene" notice, and a one-line error for an unwritable --out.
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

test.serial('--snapshot … --pointer X,Y prints exactly one JSON line naming the inspected cell (issue 17)', async (t) => {
  const out = path.join(dir, 'pointer.png');
  const env = { env: { DISPLAY: display.name }, timeoutMs: 60000 };
  const r = await runBin(['--snapshot', '14.4', '--out', out, '--pointer', '835,418'], env);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.is(lines.length, 1, r.stdout);
  const j = JSON.parse(lines[0]!) as Record<string, unknown>;
  t.like(j, { matrix: 'attention_scores', label: 'Scores', block: 1, head: 2 });
  t.is(typeof j.value, 'number');
  t.regex(String(j.formula), /Σ_k Q_h2\[\d+,k\]·Kᵀ_h2\[k,\d+\] \/ √4/);
  t.regex(r.stderr, /wrote .*pointer\.png/);
  const none = await runBin(['--snapshot', '14.4', '--out', out, '--pointer', '2,2'], env);
  t.is(none.stdout.trim(), 'null', 'over nothing: null');
  const bad = await runBin(['--snapshot', '1', '--out', out, '--pointer', 'x'], env);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^gptviz: error: --pointer must be X,Y pixels/);
  const outside = await runBin(['--snapshot', '1', '--out', out, '--pointer', '5000,1'], env);
  t.is(outside.code, 2);
  t.regex(outside.stderr, /outside the 1600×900 image/);
  const alone = await runBin(['--pointer', '1,1'], env);
  t.is(alone.code, 2);
  t.regex(alone.stderr, /--pointer only applies to --snapshot/);
});
