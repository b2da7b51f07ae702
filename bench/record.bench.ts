/**
 * Recording benchmark (issue 9): frames per second of wall time for a 10-second recording at
 * 1920×1080 and 30 fps (300 frames: the random-weights pipeline squeezed into 10 s with
 * --max-duration 10, so every stage is drawn), through the real `runRecording` — hidden window,
 * 4× MSAA offscreen target, pixel-pack readback, ffmpeg encoding, soundtrack mux. Reports the
 * wall time per phase of the main loop (scene, draw, readback start/finish, waiting for the
 * encoder) as shares of the loop, ffmpeg's own CPU time, and the final mux.
 * The Python reference takes 28.2 s (10.6 frames/s); target ≤ 10 s (real time).
 *
 * Env: GPTVIZ_BENCH_RECORD_PRESET / _CRF / _POOL override the x264 preset, the CRF and the number
 * of frame buffers in flight (to compare settings).
 * Starts its own Xvfb when DISPLAY is unset.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BenchRow } from './bench-row.js';
import { runRecording } from '../src/app/record.js';
import { parseViewArgs } from '../src/cli/options.js';
import { ENCODER } from '../src/record/ffmpeg.js';
import { emptyTimings } from '../src/record/frame-loop.js';
import { ensureDisplay } from '../test/helpers/xvfb.js';

const REFERENCE_S = 28.2;
const TARGET_S = 10;

export async function bench(): Promise<BenchRow[]> {
  const display = await ensureDisplay();
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-bench-record-'));
  try {
    const opts = parseViewArgs(['--record', '--width', '1920', '--height', '1080', '--fps', '30', '--max-duration', '10', '--output-dir', dir]);
    const timings = emptyTimings();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const preset = process.env.GPTVIZ_BENCH_RECORD_PRESET;
    const crfEnv = process.env.GPTVIZ_BENCH_RECORD_CRF;
    const poolEnv = process.env.GPTVIZ_BENCH_RECORD_POOL;
    const r = await runRecording(opts, {
      timings, quiet: true, preset, crf: crfEnv !== undefined ? Number(crfEnv) : undefined,
      poolSize: poolEnv !== undefined ? Number(poolEnv) : undefined,
    });
    const cpu = process.cpuUsage(cpu0);
    const whole = (performance.now() - start) / 1000;
    const frames = r.result.frames;
    const share = (ms: number): string => `${((100 * ms) / timings.total).toFixed(0)} %`;
    const perFrame = (ms: number): string => `${(ms / frames).toFixed(1)} ms/frame`;
    const machine = `${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)}`;
    const wall = r.wallSeconds;
    return [
      {
        name: 'record 10 s @ 1920×1080 30 fps: wall time (frames → final mp4)', value: wall, unit: 's',
        target: `≤ ${TARGET_S} s (reference ${REFERENCE_S} s)`, ok: wall <= TARGET_S,
        note: `${frames} frames, x264 ${preset ?? ENCODER.preset}/CRF ${crfEnv ?? ENCODER.crf}, pool ${poolEnv ?? 'default'}, ${machine}`,
      },
      { name: 'record 10 s @ 1920×1080 30 fps: throughput', value: frames / wall, unit: 'frames/s', target: '≥ 30 frames/s', ok: frames / wall >= 30 },
      { name: '  main loop: scene (frameAt)', value: timings.scene / frames, unit: 'ms/frame', note: share(timings.scene) },
      { name: '  main loop: draw + resolve (submit)', value: timings.draw / frames, unit: 'ms/frame', note: share(timings.draw) },
      { name: '  main loop: readback start (glReadPixels → PBO; llvmpipe rasterises here)', value: timings.readStart / frames, unit: 'ms/frame', note: share(timings.readStart) },
      { name: '  main loop: readback finish (map, flip, copy)', value: timings.readFinish / frames, unit: 'ms/frame', note: share(timings.readFinish) },
      { name: '  main loop: waiting for the encoder (backpressure)', value: timings.encoderWait / frames, unit: 'ms/frame', note: share(timings.encoderWait) },
      {
        name: '  encoder: ffmpeg CPU time (x264, in parallel)', value: (r.encoderCpuSeconds ?? NaN) * 1000 / frames, unit: 'ms/frame',
        note: `${r.encoderCpuSeconds?.toFixed(1) ?? '?'} s CPU over ${(timings.total / 1000).toFixed(1)} s of loop; our process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU (llvmpipe threads included)`,
      },
      { name: '  final mux (video copy + AAC)', value: r.muxSeconds, unit: 's', note: perFrame(r.muxSeconds * 1000) },
      { name: '  set-up before the first frame (scene, soundtrack, GL context, ffmpeg start)', value: whole - wall, unit: 's' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    display.stop();
  }
}
