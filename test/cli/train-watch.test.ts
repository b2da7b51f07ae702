/**
 * `gptviz train --watch / --video` spawned as a user runs it (issue 14): no display, no ffmpeg,
 * an unwritable --video and a bad --video-every fail in one line before any training; a short
 * run with the window and the timelapse exits 0 with exactly the weights of the same run
 * without them, and a playable H.264 video of at least 2 s whose first and last frames differ.
 * The corpus is made here (a few kB of verse), so the runs take seconds.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, lines, runBin } from '../helpers/bin.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

const TMP = mkdtempSync(join(tmpdir(), 'gptviz-watch-'));
const DATA = join(TMP, 'corpus.txt');
const VERSE = 'Shall I compare thee to a summer\'s day? Thou art more lovely and more temperate.\n' +
  'Rough winds do shake the darling buds of May, and summer\'s lease hath all too short a date.\n';
writeFileSync(DATA, VERSE.repeat(160));
let display: Display;

test.before(async () => {
  display = await ensureDisplay();
});

test.after.always(() => {
  display?.stop();
  rmSync(TMP, { recursive: true, force: true });
});

const train = (args: readonly string[], env: Record<string, string | undefined> = {}, timeoutMs = 30_000) =>
  runBin(['train', '--data', DATA, '--epochs', '1', ...args], { env, timeoutMs });

test('--watch without a display: the visualiser\'s one line, exit 1, before any training', async (t) => {
  const out = join(TMP, 'nodisplay.npz');
  const r = await train(['--watch', '--out', out], { DISPLAY: '', WAYLAND_DISPLAY: '' });
  t.is(r.code, 1);
  const err = lines(r.stderr);
  t.is(err.length, 2, r.stderr);
  t.regex(err[0]!, /^gptviz: error: no display: /);
  t.regex(err[1]!, /xvfb-run/);
  t.is(r.stdout, '');
  t.false(existsSync(out));
});

test('--video without ffmpeg, or into an unwritable place: one line and a hint, exit 1, before training', async (t) => {
  const empty = join(TMP, 'emptypath');
  mkdirSync(empty);
  const noFfmpeg = await train(['--video', join(TMP, 'a.mp4')], { DISPLAY: ':99', PATH: empty });
  t.is(noFfmpeg.code, 1);
  t.deepEqual(lines(noFfmpeg.stderr).length, 2, noFfmpeg.stderr);
  t.regex(lines(noFfmpeg.stderr)[0]!, /^gptviz: error: ffmpeg not found on the PATH: --video needs it/);
  t.regex(lines(noFfmpeg.stderr)[1]!, /apt-get install ffmpeg/);
  t.is(noFfmpeg.stdout, '');

  const file = join(TMP, 'plainfile');
  writeFileSync(file, 'x');
  const locked = join(TMP, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o500);
  const root = process.getuid?.() === 0; // root writes anywhere: only the file-as-folder case applies
  for (const bad of [join(file, 'sub', 'v.mp4'), ...(root ? [] : [join(locked, 'v.mp4')]), TMP]) {
    const r = await train(['--video', bad], { DISPLAY: ':99' });
    t.is(r.code, 1, bad);
    const err = lines(r.stderr);
    t.is(err.length, 2, r.stderr);
    t.regex(err[0]!, /^gptviz: error: (cannot create the folder of --video|cannot write --video|--video .* is a folder)/);
    t.regex(err[1]!, /--video/);
    t.is(r.stdout, '', bad);
  }
  t.deepEqual(readdirSync(locked), []);
});

test('--video-every must be a positive integer (usage error, exit 2)', async (t) => {
  const r = await train(['--video', join(TMP, 'b.mp4'), '--video-every', '0']);
  t.is(r.code, 2);
  t.regex(lines(r.stderr)[0]!, /^gptviz: error: --video-every must be an integer of at least 1 \(got 0\)$/);
});

function probe(file: string): { seconds: number; codec: string } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  const j = JSON.parse(r.stdout) as { streams: { codec_name: string }[]; format: { duration: string } };
  return { seconds: Number(j.format.duration), codec: j.streams[0]!.codec_name };
}

/** Frame `which` of a video as small grey pixels. */
function frameGrey(file: string, which: 'first' | 'last'): Buffer {
  const seek = which === 'first' ? [] : ['-sseof', '-0.2'];
  const r = spawnSync('ffmpeg', ['-v', 'error', ...seek, '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 24 });
  return r.stdout;
}

test('a 3-epoch run with --watch --video: the same weights as without, exit 0, a ≥ 2 s video whose first and last frames differ', async (t) => {
  const plain = join(TMP, 'plain.npz');
  const watched = join(TMP, 'watched.npz');
  const video = join(TMP, 'out', 'training.mp4');
  const common = ['--epochs', '3', '--threads', '2', '--seed', '3'];
  const a = await train([...common, '--out', plain], {}, 120_000);
  t.is(a.code, 0, a.stderr);
  const b = await train([...common, '--out', watched, '--watch', '--video', video, '--video-every', '6'], { DISPLAY: display.name }, 300_000);
  t.is(b.code, 0, b.stderr);
  t.deepEqual(readFileSync(watched), readFileSync(plain), 'bit-identical weights with and without --watch/--video');
  t.true(lines(b.stdout).some((l) => /^ {2}window: \d+ frames in [\d.]+ s/.test(l)), b.stdout);
  t.true(lines(b.stdout).some((l) => l.startsWith(`  wrote ${video}`)), b.stdout);
  const p = probe(video);
  t.is(p.codec, 'h264');
  t.true(p.seconds >= 2, `${p.seconds} s`);
  const first = frameGrey(video, 'first');
  const last = frameGrey(video, 'last');
  t.is(first.length, 1920 * 1080);
  // Visibly different: the loss curves and the sample lines appear (thousands of pixels), the
  // weights' colours shift; identical frames (or only the status line changing) stay far below.
  let changed = 0;
  for (let i = 0; i < first.length; i++) if (Math.abs(first[i]! - last[i]!) > 24) changed++;
  t.true(changed > 4000, `${changed} of ${first.length} pixels differ by more than 24 grey levels`);
  t.deepEqual(readdirSync(join(TMP, 'out')), ['training.mp4'], 'no temporaries left');
});

test('Esc stops training as Ctrl-C does, keeps the best weights, and exits 0', async (t) => {
  const out = join(TMP, 'esc.npz');
  const r = await train(['--epochs', '40', '--out', out, '--watch'], { DISPLAY: display.name, GPTVIZ_TEST_ESC_AFTER_EPOCH: '1' }, 300_000);
  t.is(r.code, 0, r.stderr);
  const o = lines(r.stdout);
  const epochs = o.filter((l) => /^ {2}Epoch +\d+\/40 /.test(l)).length;
  t.true(epochs >= 1 && epochs < 40, `${epochs} epochs ran`);
  t.true(o.some((l) => /^Interrupted\. Best val_loss=\d\.\d{3}$/.test(l)), r.stdout);
  t.true(existsSync(out));
});

test('Ctrl-C during --video: exit 130 and a playable video of what was drawn', async (t) => {
  const out = join(TMP, 'int.npz');
  const video = join(TMP, 'int', 'int.mp4');
  const child = spawn(process.execPath, [BIN, 'train', '--data', DATA, '--epochs', '40', '--out', out, '--video', video, '--video-every', '10'], {
    env: { ...process.env, DISPLAY: display.name }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000,
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const first = !/Epoch +1\/40/.test(stdout);
      stdout += d;
      if (first && /Epoch +1\/40/.test(stdout)) child.kill('SIGINT');
    });
    child.on('close', resolve);
  });
  t.is(code, 130, stderr);
  t.true(existsSync(out));
  const p = probe(video);
  t.is(p.codec, 'h264');
  t.true(p.seconds >= 2, `${p.seconds} s`);
  t.deepEqual(readdirSync(join(TMP, 'int')), ['int.mp4'], 'no temporaries left');
});
