/**
 * `gptviz --snapshot SECONDS --out FILE.png [--width W --height H]` (issue 5): open a hidden
 * window only to own a GL context, render the frame at that timeline time into a 4× MSAA
 * offscreen target of exactly W × H (default 1600 × 900), read it back and write a PNG
 * (through src/atomic-write.ts, so a failure never leaves a broken PNG).
 *
 * What it is not: no scene logic. The scene is the run's first (random mode, or the first
 * generation step with --text; run/run.ts, which also prints the prompt warnings), drawn by
 * frameAt in `snapshotFrame`.
 */
import { INITIAL_VIEW } from '../animation/camera-path.js';
import { writeFileAtomic } from '../atomic-write.js';
import { openContext } from '../core/context.js';
import { encodePng } from '../core/png.js';
import { UsageError } from '../errors.js';
import { requireOutputFolder } from '../io-errors.js';
import type { FrameDesc } from '../frame.js';
import { createFrame } from '../frame.js';
import type { Run } from '../run/run.js';
import { buildRun } from '../run/run.js';
import { applyCaption } from '../visualization/captions.js';
import { createFrameScratch, frameAt } from '../visualization/frame-at.js';
import { requireDisplay } from './display.js';
import type { ViewOptions } from './view-options.js';

export const SNAPSHOT_DEFAULT_WIDTH = 1600;
export const SNAPSHOT_DEFAULT_HEIGHT = 900;

/**
 * Fill and return `out`: the frame of the run's step `step` (1-based) at `t` seconds for aspect
 * `aspect`, with the caption band when `captions` (--captions, issue 13). A step past the run's
 * last, or a time past the step's timeline, is a usage error naming the valid range (issue 12) —
 * never a black frame.
 */
export function snapshotFrame(run: Run, t: number, aspect: number, out: FrameDesc, step = 1, captions = false): FrameDesc {
  if (step > run.length) {
    const what = run.generation === undefined ? 'the random-weights mode has 1 step' : `this generation has ${run.length} steps (1 … ${run.length})`;
    throw new UsageError(`--step ${step} is past the last step: ${what}`);
  }
  const scene = run.scene(step - 1).scene;
  const end = scene.timeline.duration;
  if (t > end) {
    throw new UsageError(`--snapshot ${t} is past the end of step ${step}: its timeline runs from 0 to ${end.toFixed(2)} s`, `pass a time from 0 to ${end.toFixed(2)}`);
  }
  frameAt(scene, t, INITIAL_VIEW, aspect, out, createFrameScratch(scene));
  if (captions) applyCaption(out, scene.captions, scene.timeline, t);
  return out;
}

export async function snapshot(opts: ViewOptions): Promise<number> {
  const out = opts.out;
  const t = opts.snapshot;
  if (out === undefined || t === undefined) throw new UsageError('--snapshot needs SECONDS and --out FILE.png');
  requireDisplay();
  requireOutputFolder(out);
  const width = opts.sizeGiven ? opts.width : SNAPSHOT_DEFAULT_WIDTH;
  const height = opts.sizeGiven ? opts.height : SNAPSHOT_DEFAULT_HEIGHT;
  const frame = snapshotFrame(buildRun(opts), t, width / height, createFrame(), opts.step, opts.captions);
  const ctx = openContext({ width: 320, height: 180, title: 'gptviz snapshot', visible: false, vsync: false });
  let png: Buffer;
  try {
    const target = ctx.createOffscreen(width, height);
    ctx.renderer.render(frame, target);
    png = encodePng(target.readPixels('rgb'), width, height, 3);
  } finally {
    ctx.close();
  }
  writeFileAtomic(out, png);
  process.stdout.write(`wrote ${out} (${width}×${height}, t = ${t} s)\n`);
  return 0;
}
