/**
 * ffmpeg helpers (record/ffmpeg.ts) and the progress display (record/progress.ts): argument
 * lists, error causes, finding ffmpeg, killing the whole process group (the encoder's real
 * output: recorder.test.ts). Needs ffmpeg/ffprobe (installed by .ci/run); no GL.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { UserError } from '../../src/errors.js';
import { encoderArgs, ffmpegCause, FfmpegProcess, findFfmpeg, lastLine } from '../../src/record/ffmpeg.js';
import { formatBytes, Progress } from '../../src/record/progress.js';
import { liveInGroup } from './processes.js';

test('encoder arguments: raw RGBA (or yuv420p) on stdin, H.264 yuv420p, and the soundtrack on pipe:3 as AAC, into an mp4', (t) => {
  const a = encoderArgs({ width: 320, height: 180, fps: 24, output: '/x/y.mp4' });
  const s = a.join(' ');
  t.regex(s, /-f rawvideo -pix_fmt rgba -s 320x180 -framerate 24 -i pipe:0/);
  t.regex(s, /-c:v libx264 -preset \w+ -crf \d+ -pix_fmt yuv420p -r 24/);
  t.regex(s, /-movflags \+faststart -f mp4 \/x\/y\.mp4$/);
  t.false(s.includes('pipe:3'));
  const y = encoderArgs({ width: 320, height: 180, fps: 24, output: '/x/y.mp4', input: 'yuv420p', audio: true }).join(' ');
  t.regex(y, /-f rawvideo -pix_fmt yuv420p -s 320x180 -framerate 24 -i pipe:0/);
  // Neither input waits for seconds of data before encoding starts (the soundtrack comes in step with the frames).
  t.regex(y, /-probesize 32 -analyzeduration 0 -f f32le -ar 44100 -ac 2 -i pipe:3 -map 0:v:0 -map 1:a:0/);
  t.regex(y, /-c:a aac -b:a 192k -movflags \+faststart -f mp4/);
});

test('error causes: disk full and permissions are named; otherwise the last line', (t) => {
  t.is(lastLine('a\nb  \n\n'), 'b');
  t.regex(ffmpegCause('x\nav_interleaved_write_frame(): No space left on device\n', 'exit 1'), /disk is full/);
  t.regex(ffmpegCause('/ro/x.mkv: Permission denied\n', 'exit 1'), /^permission denied/);
  t.is(ffmpegCause('', 'exit 1'), 'exit 1');
});

test('findFfmpeg: a missing command is a UserError with the install command', (t) => {
  const e = t.throws(() => findFfmpeg('/nonexistent/ffmpeg-missing'));
  t.true(e instanceof UserError);
  t.regex(e!.message, /ffmpeg not found/);
  t.regex((e as UserError).hint ?? '', /apt-get install ffmpeg.*brew install ffmpeg/);
  t.is(findFfmpeg(), 'ffmpeg');
});

test('findFfmpeg: a yes is remembered under the executable (path, size, time); a no never is', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-ffprobe-'));
  try {
    const cache = path.join(dir, 'cache');
    const log = path.join(dir, 'calls.log');
    const fake = path.join(dir, 'ffmpeg');
    const write = (encoders: string): void => {
      writeFileSync(fake, `#!/bin/sh\necho run >> ${log}\necho "${encoders}"\n`);
      chmodSync(fake, 0o755);
    };
    const calls = (): number => spawnSync('wc', ['-l', log], { encoding: 'utf8' }).stdout.trim().split(' ').map(Number)[0] ?? 0;
    write(' V..... libx264  H.264');
    t.is(findFfmpeg(fake, '--record', cache), fake);
    t.is(findFfmpeg(fake, '--record', cache), fake);
    t.is(calls(), 1);
    // Another executable at the same path (other size): asked again.
    write(' V..... libx264  H.264 / AVC');
    t.is(findFfmpeg(fake, '--record', cache), fake);
    t.is(calls(), 2);
    // No libx264: an error every time, nothing remembered.
    write(' V..... mpeg4  MPEG-4 part 2 ');
    t.throws(() => findFfmpeg(fake, '--record', cache), { message: /no libx264/ });
    t.throws(() => findFfmpeg(fake, '--record', cache), { message: /no libx264/ });
    t.is(calls(), 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('FfmpegProcess: early exit is reported with its cause; kill ends the whole process group', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-fake-'));
  try {
    const fake = path.join(dir, 'fake-ffmpeg');
    // Stands in for an ffmpeg that dies on a full disk: prints its error and exits 1.
    writeFileSync(fake, '#!/bin/sh\necho "frame.mkv: No space left on device" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const p = FfmpegProcess.spawn(fake, []);
    await p.whenExited();
    t.true(p.done);
    t.regex(p.failure() ?? '', /disk is full.*exit 1/);

    const sleeper = FfmpegProcess.spawn('sh', ['-c', 'sleep 30 & sleep 30; wait']);
    await new Promise((r) => setTimeout(r, 100));
    const pid = sleeper.pid!;
    sleeper.kill();
    await sleeper.whenExited();
    // Every member of its process group is gone (the background sleep too).
    await new Promise((r) => setTimeout(r, 100));
    t.deepEqual(liveInGroup(pid), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('progress: plain lines every fps frames and at scene ends; a bar on a TTY; sizes', (t) => {
  let now = 0;
  const out: string[] = [];
  const where = (scene: number, time: number): string => `step ${scene + 1}/1 ${time < 5 ? 'ffn' : 'output'}`;
  const p = new Progress({ total: 90, fps: 30, tty: false, out: { write: (s: string) => out.push(s) }, now: () => now, where });
  for (let i = 1; i <= 90; i++) {
    now += 20;
    p.update({ done: i, scene: 0, time: i / 10, sceneEnd: i === 45 });
  }
  t.is(out.length, 4);
  t.regex(out[0]!, /^ {2}\[30\/90\] 33% {2}t=3\.0s {2}step 1\/1 ffn {2}50\.0 fps {2}ETA 0:01\n$/);
  t.regex(out[1]!, /\[45\/90\] 50% {2}t=4\.5s {2}step 1\/1 ffn/);
  t.regex(out[3]!, /\[90\/90\] 100% {2}t=9\.0s {2}step 1\/1 output .*ETA 0:00/);
  let now2 = 0;
  const bar: string[] = [];
  const q = new Progress({ total: 10, fps: 30, tty: true, out: { write: (s: string) => bar.push(s) }, now: () => now2, barWidth: 10, where });
  for (let i = 1; i <= 10; i++) {
    now2 += 200;
    q.update({ done: i, scene: 0, time: 0, sceneEnd: false });
  }
  q.end();
  t.is(bar.length, 11);
  t.true(bar[9]!.startsWith('\r\u001b[K'), JSON.stringify(bar[9]));
  t.regex(bar[9]!.slice(4), /^█{10} 100% {2}10\/10 frames {2}5\.0 fps/);
  t.is(bar[10], '\n');
  t.is(formatBytes(512), '512 B');
  t.is(formatBytes(2048), '2.0 kB');
  t.is(formatBytes(3 * 1024 * 1024), '3.0 MB');
});
