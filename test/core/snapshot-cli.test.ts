/**
 * `gptviz --snapshot` end to end under Xvfb: exit 0, a PNG of exactly the requested size with
 * real content, the same prompt warnings as `gptviz generate` (one run layer), and a one-line
 * error for an unwritable --out.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertUserError, runBin } from '../helpers/bin.js';
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

test.serial('--step N shows generation step N; a step or time past the end is a usage error naming the range', async (t) => {
  const env = { DISPLAY: display.name };
  const size = ['--width', '160', '--height', '90'];
  const step1 = path.join(dir, 'step1.png');
  const step3 = path.join(dir, 'step3.png');
  const a = await runBin(['--text', 'hello', '--snapshot', '5', '--out', step1, ...size], { env, timeoutMs: 60000 });
  const b = await runBin(['--text', 'hello', '--snapshot', '5', '--step', '3', '--out', step3, ...size], { env, timeoutMs: 60000 });
  t.is(a.code, 0, a.stderr);
  t.is(b.code, 0, b.stderr);
  t.notDeepEqual(readFileSync(step1), readFileSync(step3), 'step 3 (logits-only) is not step 1 (full)');

  const past = await runBin(['--snapshot', '500', '--out', path.join(dir, 'past.png'), ...size], { env, timeoutMs: 60000 });
  assertUserError(t, past, 2, /^--snapshot 500 is past the end of step 1: its timeline runs from 0 to \d+\.\d\d s$/);
  const far = await runBin(['--text', 'hello', '--snapshot', '1', '--step', '99', '--out', path.join(dir, 'far.png'), ...size], { env, timeoutMs: 60000 });
  assertUserError(t, far, 2, /^--step 99 is past the last step: this generation has \d+ steps \(1 … \d+\)$/);
  const random = await runBin(['--snapshot', '1', '--step', '2', '--out', path.join(dir, 'r.png'), ...size], { env, timeoutMs: 60000 });
  assertUserError(t, random, 2, /^--step 2 is past the last step: the random-weights mode has 1 step$/);
  const lone = await runBin(['--step', '2'], { env });
  assertUserError(t, lone, 2, /^--step only applies to --snapshot SECONDS$/);
  t.false(readdirSync(dir).some((f) => f.startsWith('past') || f.startsWith('far') || f.startsWith('r.')), 'no file for a refused snapshot');
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
