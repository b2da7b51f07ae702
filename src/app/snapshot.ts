/**
 * `gptviz --snapshot SECONDS --out FILE.png [--width W --height H]` (issue 5): open a hidden
 * window only to own a GL context, render the frame at that timeline time into a 4× MSAA
 * offscreen target of exactly W × H (default 1600 × 900), read it back and write a PNG
 * (through src/atomic-write.ts, so a failure never leaves a broken PNG).
 *
 * What it is not: no scene logic. The scene is the run's first (random mode, or the first
 * generation step with --text; run/run.ts, which also prints the prompt warnings), drawn by
 * frameAt in `snapshotFrame`. With --pointer X,Y (issue 17) the cube under that pixel is inspected
 * as the window would (highlight and tooltip drawn) and stdout carries one JSON line instead.
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
import type { FrameScratch } from '../visualization/frame-at.js';
import { createFrameScratch, frameAt } from '../visualization/frame-at.js';
import { describe, inspectionJson } from '../visualization/inspect.js';
import { drawInspection } from '../visualization/inspect-draw.js';
import { pickAt } from '../visualization/pick.js';
import type { Scene } from '../visualization/scene.js';
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
  const scene = snapshotScene(run, t, step);
  return drawSnapshot(scene, t, aspect, out, createFrameScratch(scene), captions);
}

/** The scene of the run's step `step` (1-based), checked against `step` and `t` as snapshotFrame says. */
function snapshotScene(run: Run, t: number, step: number): Scene {
  if (step > run.length) {
    const what = run.generation === undefined ? 'the random-weights mode has 1 step' : `this generation has ${run.length} steps (1 … ${run.length})`;
    throw new UsageError(`--step ${step} is past the last step: ${what}`);
  }
  const scene = run.scene(step - 1).scene;
  const end = scene.timeline.duration;
  if (t > end) {
    throw new UsageError(`--snapshot ${t} is past the end of step ${step}: its timeline runs from 0 to ${end.toFixed(2)} s`, `pass a time from 0 to ${end.toFixed(2)}`);
  }
  return scene;
}

function drawSnapshot(scene: Scene, t: number, aspect: number, out: FrameDesc, scratch: FrameScratch, captions: boolean): FrameDesc {
  frameAt(scene, t, INITIAL_VIEW, aspect, out, scratch);
  if (captions) applyCaption(out, scene.captions, scene.timeline, t);
  return out;
}

/**
 * --pointer X,Y (issue 17): pick the cube under that output pixel, draw the inspection (dimming,
 * marker, tooltip) into the frame as the window shows it, and return the JSON line's object.
 */
function inspectPointer(
  scene: Scene, scratch: FrameScratch, frame: FrameDesc, p: readonly [number, number], width: number, height: number,
): unknown {
  // Over the caption band (height is the picture's) there is no cube.
  const hit = p[1] >= height ? null : pickAt(scene, scratch.state, frame, p[0], p[1], width, height, { visual: 0, part: 0, row: 0, col: 0 });
  if (hit === null) return null;
  const insp = describe(scene, hit);
  drawInspection(frame, insp, p[0], p[1]);
  return inspectionJson(insp);
}

export async function snapshot(opts: ViewOptions): Promise<number> {
  const out = opts.out;
  const t = opts.snapshot;
  if (out === undefined || t === undefined) throw new UsageError('--snapshot needs SECONDS and --out FILE.png');
  requireDisplay();
  requireOutputFolder(out);
  const width = opts.sizeGiven ? opts.width : SNAPSHOT_DEFAULT_WIDTH;
  const height = opts.sizeGiven ? opts.height : SNAPSHOT_DEFAULT_HEIGHT;
  const p = opts.pointer;
  if (p !== undefined && (p[0] >= width || p[1] >= height)) {
    throw new UsageError(`--pointer ${p[0]},${p[1]} is outside the ${width}×${height} image`, 'give pixels from 0,0 (top-left) to width−1,height−1');
  }
  const scene = snapshotScene(buildRun(opts), t, opts.step);
  const scratch = createFrameScratch(scene);
  const frame = drawSnapshot(scene, t, width / height, createFrame(), scratch, opts.captions);
  const ctx = openContext({ width: 320, height: 180, title: 'gptviz snapshot', visible: false, vsync: false });
  let png: Buffer;
  let inspected: unknown;
  try {
    // With --captions the picture is drawn above the band: pick in that rectangle.
    const picH = height - ctx.renderer.bottomPx(frame, height);
    inspected = p !== undefined ? inspectPointer(scene, scratch, frame, p, width, picH) : undefined;
    const target = ctx.createOffscreen(width, height);
    ctx.renderer.render(frame, target);
    png = encodePng(target.readPixels('rgb'), width, height, 3);
  } finally {
    ctx.close();
  }
  writeFileAtomic(out, png);
  if (inspected !== undefined) {
    // stdout carries exactly one JSON line; the usual note goes to stderr.
    process.stdout.write(`${JSON.stringify(inspected)}\n`);
    process.stderr.write(`wrote ${out} (${width}×${height}, t = ${t} s)\n`);
  } else {
    process.stdout.write(`wrote ${out} (${width}×${height}, t = ${t} s)\n`);
  }
  return 0;
}
