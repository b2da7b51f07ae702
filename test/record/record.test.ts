/**
 * `gptviz --record` end to end (issue 9), under Xvfb, through the real bin at 320×180: ffprobe
 * sees H.264 at the requested size and rate plus an AAC stream, audio and video end within one
 * frame, the frame count is the plan's, the audio is not silent, a decoded frame matches
 * `--snapshot` at the same timeline time, SIGINT leaves a playable file and no ffmpeg, and bad
 * environments (no ffmpeg, an ffmpeg that dies, an unusable output folder) give one line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { buildTimeline } from '../../src/animation/timeline.js';
import { buildPlan, frameTimeInto } from '../../src/record/plan.js';
import { BIN, lines, runBin } from '../helpers/bin.js';
import { decodePng } from '../helpers/images.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';
import { liveMentioning } from './processes.js';

let display: Display | undefined;
const dirs: string[] = [];

test.before(async () => {
  display = await ensureDisplay();
});

test.after.always(() => {
  display?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(tag: string): string {
  const d = mkdtempSync(path.join(tmpdir(), `gptviz-rec-${tag}-`));
  dirs.push(d);
  return d;
}

interface Stream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  pix_fmt?: string;
  duration: string;
  nb_read_frames?: string;
}

function probe(file: string): Stream[] {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries',
    'stream=codec_type,codec_name,width,height,r_frame_rate,pix_fmt,duration,nb_read_frames', '-of', 'json', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { streams: Stream[] }).streams;
}

/** Decoded audio as interleaved float32 stereo. */
function decodeAudio(file: string): Float32Array {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 'f32le', '-ac', '2', '-ar', '44100', 'pipe:1'], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`decode audio: ${r.stderr.toString()}`);
  const b = r.stdout;
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

/** Frame `n` of a video as top-down RGB bytes. */
function decodeFrame(file: string, n: number): Buffer {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`decode frame ${n}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** Mean absolute difference per channel (0–255) between RGB bytes and an RGB/RGBA image. */
function meanDiff(rgb: Uint8Array, img: { data: Uint8Array; channels: number; width: number; height: number }): number {
  let s = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) s += Math.abs(rgb[i * 3 + c]! - img.data[i * img.channels + c]!);
  }
  return s / (3 * n);
}

const SMALL = ['--record', '--width', '320', '--height', '180'];

test('a short random-mode recording: H.264 + AAC at the requested size and rate, streams end together, audible, planned frame count', async (t) => {
  const dir = tempDir('ok');
  const fps = 24;
  const r = await runBin([...SMALL, '--fps', String(fps), '--max-duration', '3', '--output-dir', dir], { timeoutMs: 90_000 });
  t.is(r.code, 0, r.stderr);
  const file = path.join(dir, 'transformer.mp4');
  t.regex(r.stdout, new RegExp(`wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.* 72 frames @ 24 fps, 320×180, H\\.264 \\+ AAC\\) in`));
  t.regex(r.stderr, /=== Recording: 72 frames @ 24fps \(speed=28\.\d\dx\) ===/);
  t.regex(r.stderr, /--max-duration 3: speed raised from 1x to/);
  const tl = buildTimeline('random', { hasCharDisplay: false });
  const plan = buildPlan([{ kind: 'random', duration: tl.duration, rate: 1 }], { fps, speed: 1, maxDuration: 3 });
  const streams = probe(file);
  const v = streams.find((s) => s.codec_type === 'video')!;
  const a = streams.find((s) => s.codec_type === 'audio')!;
  t.is(v.codec_name, 'h264');
  t.is(v.pix_fmt, 'yuv420p');
  t.is(v.width, 320);
  t.is(v.height, 180);
  t.is(v.r_frame_rate, `${fps}/1`);
  t.is(Number(v.nb_read_frames), plan.frames);
  t.is(a.codec_name, 'aac');
  const dv = Number(v.duration);
  const da = Number(a.duration);
  t.true(Math.abs(dv - plan.seconds) <= 1 / fps, `video ${dv}`);
  t.true(Math.abs(da - dv) <= 1 / fps, `audio ${da} vs video ${dv}`);
  const pcm = decodeAudio(file);
  let peak = 0;
  let sum = 0;
  for (const x of pcm) {
    peak = Math.max(peak, Math.abs(x));
    sum += x * x;
  }
  const rms = Math.sqrt(sum / pcm.length);
  t.true(peak > 0.3 && rms > 0.01, `peak ${peak}, rms ${rms}`);
  // Nothing but the mp4 is left in the folder (no temporaries, no frames without --format).
  t.deepEqual(readdirSync(dir), ['transformer.mp4']);
});

test('a decoded frame matches --snapshot at the same timeline time', async (t) => {
  const dir = tempDir('snap');
  const fps = 10;
  const r = await runBin([...SMALL, '--fps', String(fps), '--max-duration', '2', '--mute', '--output-dir', dir], { timeoutMs: 90_000 });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /no audio \(--mute\)/);
  t.deepEqual(probe(path.join(dir, 'transformer.mp4')).map((s) => s.codec_type), ['video']);
  const tl = buildTimeline('random', { hasCharDisplay: false });
  const plan = buildPlan([{ kind: 'random', duration: tl.duration, rate: 1 }], { fps, speed: 1, maxDuration: 2 });
  const k = 7; // multi-head attention, busy picture
  const time = frameTimeInto(plan, k, { scene: 0, time: 0, outputTime: 0 }).time;
  const png = path.join(dir, 'snap.png');
  const s = await runBin(['--snapshot', String(time), '--out', png, '--width', '320', '--height', '180'], { timeoutMs: 60_000 });
  t.is(s.code, 0, s.stderr);
  const img = decodePng(readFileSync(png));
  const same = meanDiff(decodeFrame(path.join(dir, 'transformer.mp4'), k), img);
  const other = meanDiff(decodeFrame(path.join(dir, 'transformer.mp4'), k + 6), img);
  // H.264 (CRF 18) with 4:2:0 chroma: a few levels on average; a different time differs clearly more.
  t.log(`mean |diff| per channel: ${same.toFixed(2)} at the same time, ${other.toFixed(2)} half a second later`);
  t.true(same < 4, `mean |diff| ${same.toFixed(2)} at the same time`);
  t.true(other > 2 * same, `mean |diff| ${other.toFixed(2)} at another time vs ${same.toFixed(2)}`);
});

/** Per-packet checksums of every decoded video frame and audio packet (ffmpeg framemd5). */
function framemd5(file: string): string[] {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'framemd5', 'pipe:1'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`framemd5 ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

test('the same arguments give the same frames and the same sound', async (t) => {
  const a = tempDir('det-a');
  const b = tempDir('det-b');
  const args = [...SMALL, '--text', 'hi', '--fps', '10', '--max-duration', '3'];
  const [ra, rb] = await Promise.all([
    runBin([...args, '--output-dir', a], { timeoutMs: 120_000 }),
    runBin([...args, '--output-dir', b], { timeoutMs: 120_000 }),
  ]);
  t.is(ra.code, 0, ra.stderr);
  t.is(rb.code, 0, rb.stderr);
  const ma = framemd5(path.join(a, 'transformer.mp4'));
  t.is(ma.filter((l) => l.startsWith('0,')).length, 30);
  t.true(ma.some((l) => l.startsWith('1,')));
  t.deepEqual(framemd5(path.join(b, 'transformer.mp4')), ma);
});

test('--music mixes the generated music under the sonification', async (t) => {
  const a = tempDir('music-off');
  const b = tempDir('music-on');
  const args = [...SMALL, '--fps', '5', '--max-duration', '2'];
  const [ra, rb] = await Promise.all([
    runBin([...args, '--output-dir', a], { timeoutMs: 120_000 }),
    runBin([...args, '--music', '--output-dir', b], { timeoutMs: 120_000 }),
  ]);
  t.is(ra.code, 0, ra.stderr);
  t.is(rb.code, 0, rb.stderr);
  const plain = decodeAudio(path.join(a, 'transformer.mp4'));
  const mixed = decodeAudio(path.join(b, 'transformer.mp4'));
  t.is(mixed.length, plain.length);
  let diff = 0;
  for (let i = 0; i < plain.length; i++) diff += (mixed[i]! - plain[i]!) ** 2;
  const rmsDiff = Math.sqrt(diff / plain.length);
  t.true(rmsDiff > 0.005, `rms difference ${rmsDiff}`);
});

test('--format png also writes the numbered frames', async (t) => {
  const dir = tempDir('png');
  const r = await runBin([...SMALL, '--fps', '5', '--max-duration', '1', '--format', 'png', '--output-dir', dir], { timeoutMs: 90_000 });
  t.is(r.code, 0, r.stderr);
  const frames = readdirSync(path.join(dir, 'frames')).sort();
  t.deepEqual(frames, ['frame_00000.png', 'frame_00001.png', 'frame_00002.png', 'frame_00003.png', 'frame_00004.png']);
  const img = decodePng(readFileSync(path.join(dir, 'frames', 'frame_00003.png')));
  t.is(img.width, 320);
  t.is(img.height, 180);
  t.true(meanDiff(decodeFrame(path.join(dir, 'transformer.mp4'), 3), img) < 4);
});

test('--text: one scene per generation step (full, logits-only at 3×, final), the frames the plan lists', async (t) => {
  const dir = tempDir('gen');
  const r = await runBin([...SMALL, '--text', 'hello', '--fps', '10', '--max-duration', '5', '--mute', '--output-dir', dir], { timeoutMs: 120_000 });
  t.is(r.code, 0, r.stderr);
  const gen = await runBin(['generate', '--text', 'hello'], { timeoutMs: 60_000 });
  t.is(gen.code, 0, gen.stderr);
  // The recording prints the same generation as `gptviz generate`.
  const genLines = lines(gen.stdout).filter((l) => /^ {2}(Step \d+|Result):/.test(l));
  t.deepEqual(lines(r.stderr).filter((l) => /^ {2}(Step \d+|Result):/.test(l)), genLines);
  const steps = lines(r.stderr).map((l) => /^ {2}step (\d+): (\w+) .*, (\d+) frames( \(3× scene rate\))?$/.exec(l)).filter((m) => m !== null);
  const kept = genLines.length - 1; // every printed Step line is a scene (no phantom step, issue 13)
  t.is(steps.length, kept + 1); // plus the final display
  t.deepEqual(steps.map((m) => m![2]), steps.map((_, i) => (i === 0 ? 'full' : i === steps.length - 1 ? 'final' : 'logits')));
  t.true(steps.slice(1, -1).every((m) => m![4] !== undefined));
  const total = steps.reduce((n, m) => n + Number(m![3]), 0);
  t.is(total, 50);
  t.is(Number(probe(path.join(dir, 'transformer.mp4'))[0]!.nb_read_frames), 50);
});

test('SIGINT mid-way stops cleanly: a playable, shorter file, streams ending together, no ffmpeg left', async (t) => {
  const dir = tempDir('int');
  const child = spawn(process.execPath, [BIN, ...SMALL, '--fps', '30', '--max-duration', '0', '--output-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const started = new Promise<void>((resolve) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (/\[60\/\d+\]/.test(stderr)) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await Promise.race([started, exited]);
  child.kill('SIGINT');
  const code = await exited;
  t.is(code, 130, stderr);
  t.regex(stderr, /SIGINT: stopping after this frame/);
  t.regex(stdout, /wrote \(interrupted, playable\)/);
  const file = path.join(dir, 'transformer.mp4');
  const streams = probe(file);
  const v = streams.find((s) => s.codec_type === 'video')!;
  const a = streams.find((s) => s.codec_type === 'audio')!;
  const frames = Number(v.nb_read_frames);
  t.true(frames >= 60 && frames < 2550, `${frames} frames`);
  t.true(Math.abs(Number(a.duration) - Number(v.duration)) <= 1 / 30, `audio ${a.duration} vs video ${v.duration}`);
  t.deepEqual(readdirSync(dir), ['transformer.mp4']);
  t.deepEqual(liveMentioning(dir), []);
});

test('SIGINT before the first frame: one error line and a hint, exit 130, the folder it created removed', async (t) => {
  const parent = tempDir('early');
  const dir = path.join(parent, 'new', 'out');
  // --music makes the soundtrack (rendered after the plan is printed, before any frame) take a while.
  const child = spawn(process.execPath, [BIN, ...SMALL, '--music', '--output-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr === '') child.kill('SIGINT'); // the plan's first line: the set-up is under way
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.is(code, 130, stderr);
  const err = lines(stderr);
  t.is(err[err.length - 2], 'gptviz: error: interrupted before the first frame: no video was written');
  t.is(err[err.length - 1], `removed the empty output folder ${dir}`);
  t.notRegex(stderr, /\n\s+at |internal error/);
  t.deepEqual(readdirSync(parent), [], 'new/out removed, nothing else left');
});

test('no ffmpeg on the PATH: one line with the install command, before any rendering', async (t) => {
  const dir = tempDir('noff');
  const empty = tempDir('path');
  const r = await runBin([...SMALL, '--output-dir', dir], { env: { PATH: empty }, timeoutMs: 30_000 });
  t.is(r.code, 1);
  const err = lines(r.stderr);
  t.is(err.length, 2, r.stderr);
  t.regex(err[0]!, /^gptviz: error: ffmpeg not found on the PATH/);
  t.regex(err[1]!, /sudo apt-get install ffmpeg/);
  t.deepEqual(readdirSync(dir), []);
});

test('an ffmpeg that dies (disk full) is reported in one line and a hint, non-zero, nothing left behind', async (t) => {
  const dir = tempDir('die');
  const bin = tempDir('fakebin');
  // Stands in for ffmpeg on a full disk: lists libx264 when asked, otherwise fails like a full disk.
  writeFileSync(path.join(bin, 'ffmpeg'), '#!/bin/sh\ncase "$*" in *-encoders*) echo " V..... libx264 H.264"; exit 0;; esac\n' +
    'echo "av_interleaved_write_frame(): No space left on device" >&2\nexit 1\n');
  chmodSync(path.join(bin, 'ffmpeg'), 0o755);
  const r = await runBin([...SMALL, '--max-duration', '2', '--output-dir', dir], { env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, timeoutMs: 60_000 });
  t.is(r.code, 1, r.stderr);
  const err = lines(r.stderr);
  const at = err.findIndex((l) => l.startsWith('gptviz:'));
  t.is(err.length, at + 2, r.stderr);
  // Whether ffmpeg's exit is seen before or after the last frame depends on the pipe's buffer.
  t.regex(err[at]!, /^gptviz: error: ffmpeg (stopped while recording|failed while encoding): the disk is full/);
  t.is(err[at + 1], 'free some disk space, or pass another --output-dir');
  t.false(existsSync(path.join(dir, 'transformer.mp4')));
  t.deepEqual(readdirSync(dir), []);
});

test('an output folder that cannot be created is one line and a hint, non-zero', async (t) => {
  const dir = tempDir('bad');
  writeFileSync(path.join(dir, 'file'), 'x');
  const r = await runBin([...SMALL, '--output-dir', path.join(dir, 'file', 'sub')], { timeoutMs: 30_000 });
  t.is(r.code, 1);
  const err = lines(r.stderr);
  t.regex(err[0]!, /^gptviz: error: cannot create the output folder .*file\/sub: a part of the path is not a directory$/);
  t.is(err.length, 2, r.stderr);
});
