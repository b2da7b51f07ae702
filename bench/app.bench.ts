/**
 * Interactive app benchmark (issue 7): the real `gptviz` window at 1600 × 900 (random-weights
 * mode, as `npx gptviz` starts), driven by GPTVIZ_TEST_SCRIPT: after a 2 s warm-up, frames per
 * second over 20 s (counted swaps: the hook's frame counter) and the process CPU % (all threads,
 * llvmpipe's rasteriser included; Xvfb's own CPU is not counted). A second 10 s window from the
 * start of the FFN stage, the busiest one (≈ 7,000 cubes).
 *
 * Under Xvfb/llvmpipe vsync does not throttle (the swap returns as soon as the copy is done),
 * so the loop runs flat out. Reference: 25.7 fps at 155 % CPU on this machine class; target
 * ≥ 60 fps with CPU to spare. The machine load average is reported with the numbers.
 * First, process start → first frame swapped (issue 15; target ≤ 0.5 s, reference 0.84 s): wall
 * time from spawning the bin to the status line the hook prints after frame 0, median of
 * FIRST_FRAME_RUNS (the machine's speed drifts by ±8 % within an hour: three runs were too few).
 * Starts its own Xvfb when DISPLAY is unset (test/helpers/xvfb.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchRow } from './bench-row.js';
import { median } from './bench-row.js';
import { BIN } from '../test/helpers/bin.js';
import { ensureDisplay } from '../test/helpers/xvfb.js';

interface Status {
  event: string;
  frame: number;
  seconds: number;
  cpuSeconds: number;
  stage: string | null;
  jsMs: number;
  glMs: number;
}

function runScript(display: string, file: string, args: readonly string[]): Promise<Status[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, DISPLAY: display, GPTVIZ_TEST_SCRIPT: file },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`gptviz exited with ${code}: ${err.trim()}`));
      else resolve(out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Status));
    });
  });
}

/**
 * Wall seconds from spawning `gptviz` to its first status line, which the test hook prints right
 * after the first frame was swapped (event at frame 0); the window then quits (Esc at frame 1).
 */
/** Spawns the first-frame row takes the median of. */
const FIRST_FRAME_RUNS = 9;

function firstFrameSeconds(display: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let seen = NaN;
    const child = spawn(process.execPath, [BIN], {
      env: { ...process.env, DISPLAY: display, GPTVIZ_TEST_SCRIPT: file },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (Number.isNaN(seen) && d.includes('{')) seen = (performance.now() - t0) / 1000;
    });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || Number.isNaN(seen)) reject(new Error(`gptviz exited with ${code} before its first frame was reported`));
      else resolve(seen);
    });
  });
}

function rate(a: Status, b: Status): { fps: number; cpu: number; js: number; gl: number } {
  const dt = b.seconds - a.seconds;
  const frames = b.frame - a.frame;
  return {
    fps: frames / dt, cpu: (100 * (b.cpuSeconds - a.cpuSeconds)) / dt,
    js: (b.jsMs - a.jsMs) / frames, gl: (b.glMs - a.glMs) / frames,
  };
}

export async function bench(): Promise<BenchRow[]> {
  const display = await ensureDisplay();
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-app-bench-'));
  try {
    const file = path.join(dir, 'script.json');
    writeFileSync(file, JSON.stringify({
      events: [
        { at: 2, status: true }, { at: 22, status: true },
        // The FFN stage: → five times from the start of the random timeline (input, QKV, attention, concat, residual).
        { at: 22, key: 'r' }, ...Array.from({ length: 5 }, () => ({ at: 22, key: 'right' })),
        { at: 23, status: true }, { at: 33, status: true }, { at: 33, key: 'escape' },
      ],
    }));
    const firstFile = path.join(dir, 'first.json');
    writeFileSync(firstFile, JSON.stringify({ events: [{ frame: 0, status: true }, { frame: 1, key: 'escape' }] }));
    const loadFirst = loadavg()[0]!;
    const starts: number[] = [];
    for (let i = 0; i < FIRST_FRAME_RUNS; i++) starts.push(await firstFrameSeconds(display.name, firstFile));
    const firstFrame = median(starts);
    const load0 = loadavg()[0]!;
    const st = await runScript(display.name, file, []);
    const all = rate(st[0]!, st[1]!);
    const ffnStart = st.find((s) => s.event === 'status' && s.seconds >= 23)!;
    const ffn = rate(ffnStart, st[st.length - 2]!);
    const note = `1600×900, Xvfb + llvmpipe, vsync ineffective; load avg ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`;
    return [
      {
        name: `process start → first frame swapped (spawn to the hook's first status line), median of ${FIRST_FRAME_RUNS}`, value: firstFrame, unit: 's',
        target: '≤ 0.5 s (reference 0.84 s)', ok: firstFrame <= 0.5,
        note: `runs ${starts.map((x) => x.toFixed(2)).join(' / ')} s; random mode with sound; load avg ${loadFirst.toFixed(1)}`,
      },
      { name: 'window fps, random mode, 20 s', value: all.fps, unit: 'fps', target: '≥ 60 (ref 25.7)', ok: all.fps >= 60, note },
      { name: 'window process CPU, same 20 s', value: all.cpu, unit: '%', target: '< 155 (ref)', ok: all.cpu < 155, note: 'all threads of the gptviz process' },
      { name: `window fps, ${ffnStart.stage ?? '?'} stage, 10 s`, value: ffn.fps, unit: 'fps', target: '≥ 60', ok: ffn.fps >= 60, note: 'the busiest stage (≈ 7,000 cubes)' },
      { name: 'window process CPU, same 10 s', value: ffn.cpu, unit: '%' },
      { name: 'JS per frame (events, tick, frameAt, overlays), random 20 s', value: all.js, unit: 'ms' },
      { name: 'GL per frame (render + swap, llvmpipe + Xvfb), random 20 s', value: all.gl, unit: 'ms' },
      { name: 'JS per frame, FFN 10 s', value: ffn.js, unit: 'ms' },
      { name: 'GL per frame, FFN 10 s', value: ffn.gl, unit: 'ms' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    display.stop();
  }
}
