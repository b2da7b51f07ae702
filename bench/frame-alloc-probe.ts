/**
 * Probe: bytes of JS heap that `frameAt` allocates per frame in the steady state (issue 6; STYLE.md
 * §20). Run as its own process with a young generation big enough that no GC happens inside the
 * measured loop:
 *
 *   node --expose-gc --min-semi-space-size=128 --max-semi-space-size=128 dist/bench/frame-alloc-probe.js random|full [frames]
 *
 * For the random-mode scene or the first "hello" step ('full') it warms up (5 passes over the whole
 * timeline, so every code path is optimised), then calls frameAt for `frames` times spread evenly
 * over every stage and the return, and prints the bytes per frame
 * (heapUsed after − before, divided by frames). The times are numbers made before the loop, so
 * the probe itself allocates nothing inside it.
 *
 * Used by test/visualization/frame-alloc.test.ts (a limit) and bench/frame.bench.ts (a row).
 * Not a benchmark of speed.
 */
import { INITIAL_VIEW } from '../src/animation/camera-path.js';
import { createFrame } from '../src/frame.js';
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { initWeights } from '../src/transformer/init.js';
import { randomModeForward } from '../src/transformer/model.js';
import { stepSceneInput } from '../src/visualization/first-step.js';
import { createFrameScratch, frameAt } from '../src/visualization/frame-at.js';
import { buildScene } from '../src/visualization/scene.js';
import type { Scene } from '../src/visualization/scene.js';

const WARM_UP_PASSES = 5;

/** Bytes per frame of `frames` frameAt calls spanning the scene's whole timeline. */
function bytesPerFrame(scene: Scene, frames: number): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('frame-alloc-probe: run node with --expose-gc');
  const out = createFrame();
  const sc = createFrameScratch(scene);
  const end = scene.timeline.total + scene.timeline.returnDuration;
  const times: number[] = [];
  for (let i = 0; i < frames; i++) times.push((i / frames) * end);
  for (let p = 0; p < WARM_UP_PASSES; p++) for (let i = 0; i < frames; i++) frameAt(scene, times[i]!, INITIAL_VIEW, 16 / 9, out, sc);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < frames; i++) frameAt(scene, times[i]!, INITIAL_VIEW, 16 / 9, out, sc);
  const after = process.memoryUsage().heapUsed;
  return (after - before) / frames;
}

// One scene per process, so the figure is that scene's alone: a second scene kind in the same
// process re-optimises the shared drawing code with mixed feedback (measured: +0–45 B/frame).
const kind = process.argv[2] ?? 'random';
const frames = Number(process.argv[3] ?? 2000);
const scene = kind === 'random'
  ? buildScene({ kind: 'random', record: randomModeForward(DEFAULT_CONFIG) })
  : buildScene(stepSceneInput(initWeights(DEFAULT_CONFIG), 'hello', { temperature: 0.3 }));
process.stdout.write(`${bytesPerFrame(scene, frames)}\n`);
