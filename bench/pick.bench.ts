/**
 * Picking benchmark (issue 17 target: < 0.2 ms per pointer move for the busiest frame): the
 * random-mode scene's frame with the most cube instances (sampled at 10 fps over the timeline),
 * then pickAt at a grid of 30 × 17 pointer positions over a 1600 × 900 picture, each repeated;
 * reports the median and the worst position's median, and how many positions hit a cell.
 */
import { createFrame } from '../src/frame.js';
import { INITIAL_VIEW } from '../src/animation/camera-path.js';
import { DEFAULT_CONFIG } from '../src/transformer/config.js';
import { randomModeForward } from '../src/transformer/model.js';
import { createFrameScratch, frameAt } from '../src/visualization/frame-at.js';
import { pickAt } from '../src/visualization/pick.js';
import type { PickHit } from '../src/visualization/pick.js';
import { buildScene } from '../src/visualization/scene.js';
import { median } from './bench-row.js';
import type { BenchRow } from './bench-row.js';

const W = 1600;
const H = 900;
const TARGET_US = 200;

export function bench(): Promise<BenchRow[]> {
  const scene = buildScene({ kind: 'random', record: randomModeForward(DEFAULT_CONFIG) });
  const out = createFrame();
  const scratch = createFrameScratch(scene);
  let bestT = 0;
  let best = 0;
  for (let t = 0; t < scene.timeline.total; t += 0.1) {
    frameAt(scene, t, INITIAL_VIEW, W / H, out, scratch);
    const n = out.opaqueCount + out.transparentCount;
    if (n > best) { best = n; bestT = t; }
  }
  frameAt(scene, bestT, INITIAL_VIEW, W / H, out, scratch);
  const hit: PickHit = { visual: 0, part: 0, row: 0, col: 0 };
  const perPos: number[] = [];
  let hits = 0;
  for (let gy = 0; gy < 17; gy++) {
    for (let gx = 0; gx < 30; gx++) {
      const x = (gx + 0.5) * (W / 30);
      const y = (gy + 0.5) * (H / 17);
      if (pickAt(scene, scratch.state, out, x, y, W, H, hit) !== null) hits++;
      const xs: number[] = [];
      for (let r = 0; r < 15; r++) {
        const t0 = process.hrtime.bigint();
        pickAt(scene, scratch.state, out, x, y, W, H, hit);
        xs.push(Number(process.hrtime.bigint() - t0) / 1e3);
      }
      perPos.push(median(xs));
    }
  }
  const med = median(perPos);
  const worst = Math.max(...perPos);
  const what = `busiest frame t = ${bestT.toFixed(1)} s, ${best} instances, ${perPos.length} pointer positions, ${hits} on a cell`;
  return Promise.resolve([
    { name: `pickAt per pointer move, median (${what})`, value: med, unit: 'µs', target: `< ${TARGET_US} µs`, ok: med < TARGET_US },
    { name: 'pickAt per pointer move, worst position', value: worst, unit: 'µs', target: `< ${TARGET_US} µs`, ok: worst < TARGET_US },
  ]);
}
