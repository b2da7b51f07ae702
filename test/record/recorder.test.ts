/**
 * The recorder without GL (record/recorder.ts): synthetic frames and a synthetic soundtrack go
 * through the real ffmpeg; checks the finished file, the sample-exact audio length (complete and
 * cut short), yuv420p frames, abort (no process, no temporaries), and the removal of stale
 * temporaries.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { StereoPcm } from '../../src/record/ffmpeg.js';
import { imageToYuv420 } from '../../src/core/yuv420.js';
import { Recorder, removeStalePartials } from '../../src/record/recorder.js';
import { liveInGroup } from './processes.js';

const W = 64;
const H = 36;
const FPS = 20;

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'gptviz-recorder-'));
}

/** `seconds` of a 440 Hz tone, stereo. */
function tone(seconds: number): StereoPcm {
  const n = Math.floor(seconds * 44100 + 1e-6);
  const left = new Float32Array(n);
  for (let i = 0; i < n; i++) left[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 44100);
  return { left, right: left.slice() };
}

async function writeFrames(rec: Recorder, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const buf = await rec.acquire();
    buf.fill(0);
    for (let p = 0; p < W * H; p++) {
      buf[4 * p] = (i * 8) & 255; // red ramps with the frame index
      buf[4 * p + 3] = 255;
    }
    rec.writeFrame(buf);
  }
}

function durations(file: string): Record<string, number> {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(',')).map(([k, v]) => [k!, Number(v)]));
}

test('all frames: the soundtrack, encoded by the same ffmpeg, is exactly as long as the video', async (t) => {
  const dir = tempDir();
  try {
    const output = path.join(dir, 'transformer.mp4');
    const rec = Recorder.start({ ffmpeg: 'ffmpeg', width: W, height: H, fps: FPS, output, audio: tone(40 / FPS) });
    await writeFrames(rec, 40);
    const res = await rec.finish();
    t.is(res.frames, 40);
    t.is(res.seconds, 2);
    t.true(res.bytes > 0);
    const d = durations(output);
    t.true(Math.abs(d.video! - 2) < 1 / FPS, `video ${d.video}`);
    t.true(Math.abs(d.audio! - 2) < 0.001, `audio ${d.audio}`);
    t.deepEqual(readdirSync(dir), ['transformer.mp4']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fewer frames than the soundtrack covers (interrupted): the audio is cut to the video', async (t) => {
  const dir = tempDir();
  try {
    const output = path.join(dir, 'transformer.mp4');
    const rec = Recorder.start({ ffmpeg: 'ffmpeg', width: W, height: H, fps: FPS, output, audio: tone(5) });
    await writeFrames(rec, 30);
    await rec.finish();
    const d = durations(output);
    t.true(Math.abs(d.video! - 1.5) < 1 / FPS, `video ${d.video}`);
    t.true(Math.abs(d.audio! - 1.5) < 0.001, `audio ${d.audio}`);
    t.deepEqual(readdirSync(dir), ['transformer.mp4']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('abort kills the encoder and leaves nothing behind; finish without frames is a UserError', async (t) => {
  const dir = tempDir();
  try {
    const output = path.join(dir, 'transformer.mp4');
    const rec = Recorder.start({ ffmpeg: 'ffmpeg', width: W, height: H, fps: FPS, output, audio: tone(3) });
    await writeFrames(rec, 5);
    const pid = rec.pid!;
    rec.abort();
    await new Promise((r) => setTimeout(r, 200));
    t.deepEqual(liveInGroup(pid), []);
    t.deepEqual(readdirSync(dir), []);
    const empty = Recorder.start({ ffmpeg: 'ffmpeg', width: W, height: H, fps: FPS, output });
    await t.throwsAsync(() => empty.finish(), { message: /no frames were recorded/ });
    t.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stale temporaries of a killed recording are removed; a live one and other names are kept', (t) => {
  const dir = tempDir();
  try {
    const dead = spawnSync('true').pid!;
    const names = [
      `.transformer.${dead}.partial.mkv`, `.transformer.${dead}.partial.m4a`, `.transformer.${process.pid}.partial.mkv`,
      `.other.${dead}.partial.mkv`, 'transformer.mp4',
    ];
    for (const n of names) writeFileSync(path.join(dir, n), 'x');
    const removed = removeStalePartials(path.join(dir, 'transformer.mp4'));
    t.deepEqual(removed.sort(), [`.transformer.${dead}.partial.m4a`, `.transformer.${dead}.partial.mkv`]);
    t.deepEqual(readdirSync(dir).sort(), [`.other.${dead}.partial.mkv`, `.transformer.${process.pid}.partial.mkv`, 'transformer.mp4'].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('yuv420p frames: 1.5 bytes a pixel, and the video decodes to the colours written', async (t) => {
  const dir = tempDir();
  try {
    const output = path.join(dir, 'transformer.mp4');
    const rec = Recorder.start({ ffmpeg: 'ffmpeg', width: W, height: H, fps: FPS, output, frameFormat: 'yuv420p' });
    t.is(rec.frameBytes, (W * H * 3) / 2);
    const image = Buffer.alloc(W * H * 4);
    for (let p = 0; p < W * H; p++) image.set([200, 60, 30, 255], 4 * p);
    for (let i = 0; i < 10; i++) {
      const buf = await rec.acquire();
      imageToYuv420(image, W, H, buf);
      rec.writeFrame(buf);
    }
    const res = await rec.finish();
    t.is(res.frames, 10);
    const r = spawnSync('ffmpeg', ['-v', 'error', '-i', output, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    t.is(r.stdout.length, W * H * 3);
    const mid = 3 * ((H >> 1) * W + (W >> 1));
    const got = [...r.stdout.subarray(mid, mid + 3)];
    t.true(got.every((v, k) => Math.abs(v - [200, 60, 30][k]!) <= 3), `decoded ${got.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
