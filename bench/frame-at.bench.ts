/**
 * CPU time of `frameAt` per frame at the busiest moments (issue 6: target < 1 ms per frame; the
 * reference spends ≈ 13 ms of Python per frame), instances per frame, and the one-off cost of
 * `buildScene` (colours, labels' fade switches). Scenes: the random-weights scene and the first
 * "hello" step with the default-initialised weights.
 */
import { INITIAL_VIEW } from '../src/animation/camera-path.js';
import { createFrame } from '../src/frame.js';
import { stepSceneInput } from '../src/run/scenes.js';
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { generationStep } from '../src/transformer/generation.js';
import { initWeights } from '../src/transformer/init.js';
import { randomModeForward } from '../src/transformer/model.js';
import { createFrameScratch, frameAt } from '../src/visualization/frame-at.js';
import { buildScene } from '../src/visualization/scene.js';
import type { Scene } from '../src/visualization/scene.js';
import { median } from './bench-row.js';
import type { BenchRow } from './bench-row.js';

const FRAMES = 200;

/** Median µs per frame over FRAMES consecutive 60 fps frames starting at t0, and the peak instance count. */
function measure(scene: Scene, t0: number): [number, number] {
  const f = createFrame();
  const sc = createFrameScratch(scene);
  for (let i = 0; i < 30; i++) frameAt(scene, t0 + i / 60, INITIAL_VIEW, 16 / 9, f, sc); // warm-up
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < FRAMES; i++) {
    const s = process.hrtime.bigint();
    frameAt(scene, t0 + i / 60, INITIAL_VIEW, 16 / 9, f, sc);
    times.push(Number(process.hrtime.bigint() - s) / 1e3);
    peak = Math.max(peak, f.opaqueCount + f.transparentCount);
  }
  return [median(times), peak];
}

export function bench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  let s = process.hrtime.bigint();
  const random = buildScene({ kind: 'random', record: randomModeForward(DEFAULT_CONFIG) });
  rows.push({ name: 'buildScene, random mode (incl. forward pass)', value: Number(process.hrtime.bigint() - s) / 1e6, unit: 'ms' });
  s = process.hrtime.bigint();
  const full = buildScene(stepSceneInput(generationStep('prediction', 'hello', initWeights(DEFAULT_CONFIG), { temperature: 0.3 }), 0, 2));
  rows.push({ name: 'buildScene, full hello step (incl. forward pass)', value: Number(process.hrtime.bigint() - s) / 1e6, unit: 'ms' });
  const moments: [string, Scene, number][] = [
    ['QKV projection (3 matmuls)', random, 8.1],
    ['multi-head attention Q·Kᵀ', random, 14.0],
    ['multi-head attention weights·V', random, 19.5],
    ['FFN ×W1 (n = 128)', random, 44.9],
    ['FFN ×W2 (k = 128, busiest)', random, 57.4],
    ['token probabilities + labels', full, 94.8],
  ];
  for (const [name, scene, t0] of moments) {
    const [us, peak] = measure(scene, t0);
    rows.push({ name: `frameAt, ${name}`, value: us, unit: 'µs', target: '< 1000 µs', ok: us < 1000, note: `${peak} instances peak` });
  }
  return Promise.resolve(rows);
}
