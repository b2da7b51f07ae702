/**
 * `gptviz train --watch` benchmark (issue 14): training throughput with and without the window,
 * and the window's frame rate while training. The real bin, the default model and batch, on a
 * seeded synthetic 1.1 MB corpus (Tiny Shakespeare's size; the text does not change the
 * arithmetic), 3 epochs, runs alternated plain / watch PAIRS times; tokens/s is the mean of the
 * epoch lines' training throughput (evaluation excluded), fps the window's own count over the run.
 * The ratio is the median of each pair's (a watched run over the plain run just before it): this
 * machine's speed drifts by ±10 % within minutes, and a pair is close in time.
 *
 * Targets: throughput with the window within 15 % of without, ≥ 30 fps. Both compete for the
 * same two cores on a machine without a GPU, so the load average is part of every figure.
 * GPTVIZ_WATCH_NICE (default 5) sets the drawing thread's nice value. Starts its own Xvfb
 * when DISPLAY is unset.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchRow } from './bench-row.js';
import { median } from './bench-row.js';
import { BIN } from '../test/helpers/bin.js';
import { ensureDisplay } from '../test/helpers/xvfb.js';
import { INITIAL_VIEW } from '../src/animation/view-state.js';
import { openContext } from '../src/core/context.js';
import { isSoftwareRenderer } from '../src/core/gl.js';
import { createFrame } from '../src/frame.js';
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { initWeights } from '../src/transformer/init.js';
import { RandomState } from '../src/transformer/rng.js';
import { TrainHistory } from '../src/visualization/train-history.js';
import { buildTrainLayout } from '../src/visualization/train-layout.js';
import { createTrainScratch, statusLine, trainFrame } from '../src/visualization/train-view.js';

/** Plain / watched runs, alternated. */
const PAIRS = 3;

const WORDS = ['the', 'and', 'to', 'of', 'my', 'is', 'that', 'you', 'king', 'lord', 'what', 'with', 'love', 'not', 'be'];

function syntheticCorpus(bytes: number): string {
  const rng = new RandomState(7);
  let s = '';
  while (s.length < bytes) s += `${WORDS[rng.randint(0, WORDS.length)]}${rng.randint(0, 12) === 0 ? '.\n' : ' '}`;
  return s;
}

interface Run {
  readonly tokensPerSec: number;
  readonly fps: number | undefined;
  readonly frames: number | undefined;
  /** CPU seconds of the drawing side (the main thread and llvmpipe's threads), Linux only. */
  readonly drawCpu: number | undefined;
}

/** CPU seconds per thread of process `pid` (Linux /proc), keyed by thread id; empty elsewhere. */
function threadCpu(pid: number): Map<string, { comm: string; seconds: number }> {
  const out = new Map<string, { comm: string; seconds: number }>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { comm, seconds: (Number(f[11]) + Number(f[12])) / 100 });
    }
  } catch {
    // gone, or not Linux
  }
  return out;
}

function train(display: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'train', ...args], {
      env: { ...process.env, DISPLAY: display }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000,
    });
    let out = '';
    let err = '';
    // The drawing side's CPU: the main thread (tid = pid) and llvmpipe's rasteriser threads,
    // sampled until the process ends. Per thread the last value seen counts: llvmpipe's threads
    // end when the window closes, before the process does (the last sample is within 0.25 s).
    const drawThreads = new Map<string, number>();
    let drawCpu: number | undefined;
    const sampler = setInterval(() => {
      const pid = child.pid;
      if (pid === undefined) return;
      for (const [tid, t] of threadCpu(pid)) {
        if (tid === String(pid) || t.comm.startsWith('llvmpipe')) drawThreads.set(tid, t.seconds);
      }
      if (drawThreads.size > 0) drawCpu = [...drawThreads.values()].reduce((a, b) => a + b, 0);
    }, 250);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`gptviz train exited with ${code}: ${err.trim()}`));
      const rates = [...out.matchAll(/ ([\d,]+) tok\/s/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
      const fps = /window: (\d+) frames in [\d.]+ s \(([\d.]+) fps[;)]/.exec(out);
      resolve({
        tokensPerSec: rates.reduce((a, b) => a + b, 0) / rates.length, fps: fps === null ? undefined : Number(fps[2]),
        frames: fps === null ? undefined : Number(fps[1]), drawCpu,
      });
    });
  });
}

/** CPU ms per training-view frame at 1600×900 (the window's settings), no training beside it. */
function viewFrameCpu(frames: number): number {
  const ctx = openContext({ width: 1600, height: 900, title: 'gptviz bench: training view', visible: true, vsync: false, samples: 0 });
  try {
    const r = ctx.renderer;
    r.windowAntialias = false;
    r.cacheCubes = true;
    // As the window does (app/train-watch.ts): on a software GL the back buffer is kept and copied.
    const copy = isSoftwareRenderer(ctx.info) ? ctx.window.rectCopier() : null;
    r.keepFrames = copy !== null;
    const whole = new Int32Array(4);
    const layout = buildTrainLayout(DEFAULT_CONFIG);
    const h = new TrainHistory({ epochs: 3, batches: 1000, lr: 3e-3, lrMin: 1e-4, prompt: 'hello' });
    for (let s = 16; s <= 2000; s += 16) h.addProgress(s, 3 - s / 1500, 300_000);
    h.addEpoch({ epoch: 1, step: 1000, trainLoss: 2, valLoss: 2.1, valAcc: 40, sample: 'hellow the the the the the the the the t' });
    h.addEpoch({ epoch: 2, step: 2000, trainLoss: 1.8, valLoss: 1.9, valAcc: 44, sample: 'hellow the consent the senator the conse' });
    const w = initWeights(DEFAULT_CONFIG).flat;
    const display = Float32Array.from(w);
    const live = Float32Array.from(w, (x) => 3 * x);
    const rng = new RandomState(1);
    const frame = createFrame();
    const scratch = createTrainScratch();
    const fb = new Int32Array(2);
    ctx.window.framebufferSize(fb);
    const one = (): void => {
      for (let i = 0; i < display.length; i++) display[i]! += (live[i]! - display[i]!) * 0.2;
      for (let i = 0; i < 50; i++) live[rng.randint(0, live.length)]! *= -1;
      trainFrame(layout, { params: display, step: 2000, history: h, view: INITIAL_VIEW, aspect: fb[0]! / fb[1]!, help: false, paused: false },
        statusLine(h, 2000, false), scratch, frame);
      r.setSize(fb[0]!, fb[1]!, 1);
      r.render(frame);
      if (copy === null) ctx.window.swapBuffers();
      else {
        whole[2] = fb[0]!;
        whole[3] = fb[1]!;
        copy(whole, 1);
      }
      ctx.window.pollEvents();
    };
    for (let i = 0; i < 30; i++) one();
    const c0 = process.cpuUsage();
    for (let i = 0; i < frames; i++) one();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / frames;
  } finally {
    ctx.close();
  }
}

export async function bench(): Promise<BenchRow[]> {
  const display = await ensureDisplay();
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-watch-bench-'));
  try {
    const data = path.join(dir, 'corpus.txt');
    writeFileSync(data, syntheticCorpus(1_100_000));
    const base = ['--data', data, '--epochs', '3', '--out', path.join(dir, 'w.npz'), '--force'];
    const viewLoad = loadavg()[0]!;
    const alone = viewFrameCpu(300);
    const load0 = loadavg()[0]!;
    const plain: number[] = [];
    const watched: number[] = [];
    const fps: number[] = [];
    const cpuPerFrame: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      plain.push((await train(display.name, base)).tokensPerSec);
      const w = await train(display.name, [...base, '--watch']);
      watched.push(w.tokensPerSec);
      if (w.fps !== undefined) fps.push(w.fps);
      if (w.drawCpu !== undefined && w.frames !== undefined && w.frames > 0) cpuPerFrame.push((1000 * w.drawCpu) / w.frames);
    }
    const load = `load avg ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`;
    const p = median(plain);
    const w = median(watched);
    const ratios = watched.map((x, i) => x / plain[i]!);
    const ratio = median(ratios);
    const f = fps.length > 0 ? median(fps) : NaN;
    return [
      {
        name: 'training view frame alone, 1600×900, cached cubes, kept frames (CPU: main + llvmpipe threads)', value: alone, unit: 'ms',
        note: `no training beside it; load avg ${viewLoad.toFixed(1)}`,
      },
      { name: 'training throughput, train (3 epochs, 1.1 MB)', value: p, unit: 'tokens/s', note: `${plain.map(Math.round).join(', ')}; ${load}` },
      {
        name: 'training throughput, train --watch (same run)', value: w, unit: 'tokens/s', target: '≥ 85 % of without',
        ok: ratio >= 0.85,
        note: `${(100 * ratio).toFixed(0)} % of without (median of the pairs: ${ratios.map((r) => (100 * r).toFixed(0)).join(', ')} %); ${watched.map(Math.round).join(', ')}`,
      },
      { name: 'window fps during training, 1600×900', value: f, unit: 'fps', target: '≥ 30', ok: f >= 30, note: fps.join(', ') },
      {
        name: 'drawing CPU per window frame (main thread + llvmpipe threads)', value: median(cpuPerFrame), unit: 'ms',
        note: `${cpuPerFrame.map((x) => x.toFixed(1)).join(', ')}; includes start-up (atlas, shaders)`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    display.stop();
  }
}
