/**
 * Probe: what a user feels of the per-frame CPU path — frame-time jitter and GC pauses over a whole
 * loop. Runs as its own process (a fresh heap and fresh compilation, like the window at start-up):
 *
 *   node dist/bench/frame-jitter-probe.js random|full
 *
 * 'random': the random-mode scene, one whole loop; 'full': the first "hello" generation step
 * (default-initialised weights), its whole timeline and return. Each frame is what the window does
 * on the CPU at 60 fps: tickPlayback(dt = 1/60) → frameAt at the new time. After one unmeasured
 * warm-up loop (the window warms every scene up the same way before its first frame), one loop is
 * timed frame by frame, and every GC in it is collected from PerformanceObserver 'gc' entries.
 * Prints one JSON line: frames, p50/p99/max frame µs (wall), p50/p99 frame µs of process CPU time,
 * GC count, total and longest pause ms.
 *
 * Used by bench/frame.bench.ts (rows). Not a test: it asserts nothing; no GPU, no drawing.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';
import { INITIAL_VIEW } from '../src/animation/camera-path.js';
import { createPlayback, playbackPlan, tickPlayback } from '../src/animation/playback.js';
import { createFrame } from '../src/frame.js';
import { stepSceneInput } from '../src/run/scenes.js';
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { generationStep } from '../src/transformer/generation.js';
import { initWeights } from '../src/transformer/init.js';
import { randomModeForward } from '../src/transformer/model.js';
import { createFrameScratch, frameAt } from '../src/visualization/frame-at.js';
import { buildScene } from '../src/visualization/scene.js';
import type { Scene } from '../src/visualization/scene.js';

export interface JitterResult {
  frames: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** The same frames in process CPU time (getrusage): immune to the scheduler of a shared machine. */
  cpuP50Us: number;
  cpuP99Us: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
}

const DT = 1 / 60;

/** The q-quantile (0 … 1) of sorted xs, nearest rank. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Frame times and GC pauses over one loop of `scene`'s timeline at 60 fps (after one warm-up loop). */
async function measure(scene: Scene): Promise<JitterResult> {
  const plan = playbackPlan([scene.timeline]);
  const out = createFrame();
  const scratch = createFrameScratch(scene);
  const frames = Math.ceil(scene.timeline.duration / DT);
  const p = createPlayback();
  for (let i = 0; i < frames; i++) frameAt(scene, tickPlayback(p, plan, DT).time, INITIAL_VIEW, 16 / 9, out, scratch);
  const times = new Float64Array(frames);
  const cpu = new Float64Array(frames);
  const gcs: PerformanceEntry[] = [];
  const obs = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  obs.observe({ entryTypes: ['gc'] });
  await new Promise((r) => setImmediate(r));
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    const c = process.cpuUsage();
    const a = performance.now();
    frameAt(scene, tickPlayback(p, plan, DT).time, INITIAL_VIEW, 16 / 9, out, scratch);
    times[i] = (performance.now() - a) * 1000;
    const d = process.cpuUsage(c);
    cpu[i] = d.user + d.system;
  }
  const t1 = performance.now();
  // GC entries arrive asynchronously; let them in, then keep only the ones inside the loop.
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  const inLoop = gcs.filter((e) => e.startTime >= t0 && e.startTime <= t1);
  times.sort();
  cpu.sort();
  return {
    frames,
    p50Us: quantile(times, 0.5),
    p99Us: quantile(times, 0.99),
    maxUs: times[frames - 1]!,
    cpuP50Us: quantile(cpu, 0.5),
    cpuP99Us: quantile(cpu, 0.99),
    gcCount: inLoop.length,
    gcTotalMs: inLoop.reduce((s, e) => s + e.duration, 0),
    gcMaxMs: inLoop.reduce((m, e) => Math.max(m, e.duration), 0),
  };
}

const kind = process.argv[2] ?? 'random';
const scene = kind === 'random'
  ? buildScene({ kind: 'random', record: randomModeForward(DEFAULT_CONFIG) })
  : buildScene(stepSceneInput(generationStep('prediction', 'hello', initWeights(DEFAULT_CONFIG), { temperature: 0.3 }), 0, 2));
process.stdout.write(`${JSON.stringify(await measure(scene))}\n`);
