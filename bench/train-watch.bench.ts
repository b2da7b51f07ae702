/**
 * `gptviz train --watch` benchmark (issue 14): training throughput with and without the window,
 * and the window's frame rate while training. The real bin, the default model and batch, on a
 * seeded synthetic 1.1 MB corpus (Tiny Shakespeare's size; the text does not change the
 * arithmetic), 3 epochs, runs alternated plain / watch twice; tokens/s is the mean of the epoch
 * lines' training throughput (evaluation excluded), fps the window's own count over the run.
 *
 * Targets: throughput with the window within 15 % of without, ≥ 30 fps. Both compete for the
 * same two cores on a machine without a GPU, so the load average is part of every figure.
 * GPTVIZ_WATCH_NICE (default 7) sets the drawing thread's nice value. Starts its own Xvfb
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
import { RandomState } from '../src/transformer/rng.js';

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

export async function bench(): Promise<BenchRow[]> {
  const display = await ensureDisplay();
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-watch-bench-'));
  try {
    const data = path.join(dir, 'corpus.txt');
    writeFileSync(data, syntheticCorpus(1_100_000));
    const base = ['--data', data, '--epochs', '3', '--out', path.join(dir, 'w.npz'), '--force'];
    const load0 = loadavg()[0]!;
    const plain: number[] = [];
    const watched: number[] = [];
    const fps: number[] = [];
    const cpuPerFrame: number[] = [];
    for (let i = 0; i < 2; i++) {
      plain.push((await train(display.name, base)).tokensPerSec);
      const w = await train(display.name, [...base, '--watch']);
      watched.push(w.tokensPerSec);
      if (w.fps !== undefined) fps.push(w.fps);
      if (w.drawCpu !== undefined && w.frames !== undefined && w.frames > 0) cpuPerFrame.push((1000 * w.drawCpu) / w.frames);
    }
    const load = `load avg ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`;
    const p = median(plain);
    const w = median(watched);
    const f = fps.length > 0 ? median(fps) : NaN;
    return [
      { name: 'training throughput, train (3 epochs, 1.1 MB)', value: p, unit: 'tokens/s', note: `${plain.map(Math.round).join(', ')}; ${load}` },
      {
        name: 'training throughput, train --watch (same run)', value: w, unit: 'tokens/s', target: '≥ 85 % of without',
        ok: w >= 0.85 * p, note: `${((100 * w) / p).toFixed(0)} % of without; ${watched.map(Math.round).join(', ')}`,
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
