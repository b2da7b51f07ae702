/**
 * frameAt benchmark (issue 6 target: < 1 ms CPU per frame): the random-mode scene of the default
 * config sampled at 30 fps over its whole timeline; reports the busiest frames (most instances,
 * which fall in the FFN ×W2 matmul and the multi-head attention) and the mean over all frames.
 * Also times drawVisual alone on the FFN ×W2 matmul at its busiest moment, and what a user feels:
 * p50/p99 frame time and GC pauses over a whole random-mode loop and a whole generation step at
 * dt 1/60 (frame-jitter-probe.ts in a child process per scene; p99 in process CPU time, since
 * wall-clock p99 on a shared machine measures the scheduler).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createFrame } from '../src/frame.js';
import { INITIAL_VIEW } from '../src/animation/camera-path.js';
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { randomModeForward } from '../src/transformer/model.js';
import { createFrameScratch, frameAt } from '../src/visualization/frame-at.js';
import { buildScene } from '../src/visualization/scene.js';
import { drawVisual } from '../src/visualization/visuals.js';
import type { VisualState } from '../src/visualization/visual-types.js';
import { median } from './bench-row.js';
import type { BenchRow } from './bench-row.js';
import type { JitterResult } from './frame-jitter-probe.js';

const ASPECT = 16 / 9;
const TARGET_US = 1000;

/** Median µs of `fn` over `reps` calls after a warm-up. */
function timeUs(fn: () => void, reps: number): number {
  for (let i = 0; i < 50; i++) fn();
  const xs: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return median(xs);
}

export function bench(): Promise<BenchRow[]> {
  const scene = buildScene({ kind: 'random', record: randomModeForward(DEFAULT_CONFIG) });
  const out = createFrame();
  const sc = createFrameScratch(scene);
  const total = scene.timeline.total + scene.timeline.returnDuration;
  const frames = Math.floor(total * 30);
  // Instance counts over the whole timeline, and the mean cost per frame.
  const counts: [number, number][] = [];
  for (let i = 0; i < 60; i++) frameAt(scene, (i / 60) * total, INITIAL_VIEW, ASPECT, out, sc); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i <= frames; i++) {
    frameAt(scene, i / 30, INITIAL_VIEW, ASPECT, out, sc);
    counts.push([i / 30, out.opaqueCount + out.transparentCount]);
  }
  const meanUs = Number(process.hrtime.bigint() - t0) / 1e3 / (frames + 1);
  const rows: BenchRow[] = [{
    name: `frameAt mean over ${frames + 1} frames (random mode, 30 fps)`, value: meanUs, unit: 'µs',
    target: `< ${TARGET_US} µs`, ok: meanUs < TARGET_US,
  }];
  const stageAt = (t: number): string => scene.timeline.stages.filter((s) => s.start <= t).at(-1)?.name ?? '?';
  const busiest = (from: string): [number, number] =>
    counts.filter(([t]) => stageAt(t) === from).reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0]);
  for (const st of ['ffn', 'multi_head_attn', 'qkv_projection']) {
    const [t, n] = busiest(st);
    const us = timeUs(() => frameAt(scene, t, INITIAL_VIEW, ASPECT, out, sc), 300);
    rows.push({
      name: `frameAt, busiest ${st} frame (t = ${t.toFixed(2)} s, ${n} instances)`, value: us, unit: 'µs',
      target: `< ${TARGET_US} µs`, ok: us < TARGET_US,
    });
  }
  // drawVisual alone: the FFN ×W2 matmul (group 2 of the ffn stage) at its busiest compute moment.
  const ffnIndex = scene.stages.findIndex((s) => s.name === 'ffn');
  const st = scene.stages[ffnIndex]!;
  const w2 = scene.visuals.slice(st.firstVisual, st.firstVisual + st.visualCount)
    .find((v) => v.group === 2 && v.visual.kind === 'matmul');
  if (w2 !== undefined) {
    const s: VisualState = { alpha: 1, appearT: 1, t: 0, outputMult: 1 };
    let best = 0;
    let bestT = 0;
    for (let i = 0; i <= 1000; i++) {
      out.opaqueCount = 0; out.transparentCount = 0;
      s.t = i / 1000;
      drawVisual(out, w2.visual, s, scene.noise);
      const n = out.opaqueCount + out.transparentCount;
      if (n > best) { best = n; bestT = s.t; }
    }
    s.t = bestT;
    const us = timeUs(() => { out.opaqueCount = 0; out.transparentCount = 0; drawVisual(out, w2.visual, s, scene.noise); }, 500);
    rows.push({
      name: `drawVisual FFN ×W2 matmul at t = ${bestT.toFixed(3)} (${best} instances)`, value: us, unit: 'µs',
      target: `< ${TARGET_US} µs`, ok: us < TARGET_US,
    });
  }
  // Jitter over a whole loop, each scene in a fresh process (frame-jitter-probe.ts).
  const probe = fileURLToPath(new URL('./frame-jitter-probe.js', import.meta.url));
  const load = `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;
  for (const [kind, what] of [['random', 'random-mode loop'], ['full', '"hello" generation step']] as const) {
    const r = JSON.parse(execFileSync(process.execPath, [probe, kind], { encoding: 'utf8' })) as JitterResult;
    rows.push({
      name: `tick + frameAt p99 CPU per frame, whole ${what} at 60 fps (${r.frames} frames)`, value: r.cpuP99Us, unit: 'µs',
      target: `< ${TARGET_US} µs`, ok: r.cpuP99Us < TARGET_US,
      note: `p50 ${r.cpuP50Us} µs CPU; wall p50 ${r.p50Us.toFixed(0)} / p99 ${r.p99Us.toFixed(0)} / max ${r.maxUs.toFixed(0)} µs; ${load}`,
    });
    rows.push({
      name: `GC pauses in that loop (${what})`, value: r.gcMaxMs, unit: 'ms longest',
      note: `${r.gcCount} GCs, ${r.gcTotalMs.toFixed(1)} ms in all (PerformanceObserver 'gc')`,
    });
  }
  return Promise.resolve(rows);
}
