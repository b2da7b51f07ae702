/**
 * `gptviz --snapshot SECONDS --out FILE.png [--width W --height H]` (issue 5): open a hidden
 * window only to own a GL context, render the frame at that timeline time into a 4× MSAA
 * offscreen target of exactly W × H (default 1600 × 900), read it back and write a PNG
 * (via a temporary file renamed on success, so a failure never leaves a broken PNG).
 *
 * What it is not: no scene logic. `buildSnapshotFrame` is the one place that decides what is
 * drawn: buildScene (random mode, or the first generation step with --text) + frameAt.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ViewOptions } from '../cli/options.js';
import { openContext } from '../core/context.js';
import { requireDisplay } from './display.js';
import { encodePng } from '../core/png.js';
import { UserError } from '../errors.js';
import type { FrameDesc } from '../frame.js';
import { createFrame } from '../frame.js';
import { INITIAL_VIEW } from '../animation/camera-path.js';
import { DEFAULT_CONFIG } from '../transformer/config.js';
import { randomModeForward } from '../transformer/model.js';
import { loadWeights } from '../transformer/weights-file.js';
import { frameAt } from '../visualization/frame-at.js';
import { stepSceneInput } from '../visualization/first-step.js';
import { buildScene } from '../visualization/scene.js';
import type { Scene } from '../visualization/scene.js';
import { describe, inspectionJson } from '../visualization/inspect.js';
import { drawInspection } from '../visualization/inspect-draw.js';
import { pickAt } from '../visualization/pick.js';

export const SNAPSHOT_DEFAULT_WIDTH = 1600;
export const SNAPSHOT_DEFAULT_HEIGHT = 900;

/**
 * Fill `out` with the frame at `opts.snapshot` seconds for aspect `aspect`; returns a note for the
 * user (or null). Random-weights scene without --text, else the first generation step.
 */
function buildSnapshotFrame(opts: ViewOptions, aspect: number, out: FrameDesc): Scene {
  const input = opts.text !== undefined && opts.weights !== undefined
    ? stepSceneInput(loadWeights(opts.weights), opts.text, { temperature: opts.temperature, seed: opts.seed })
    : { kind: 'random' as const, record: randomModeForward(DEFAULT_CONFIG) };
  const scene = buildScene(input);
  frameAt(scene, opts.snapshot ?? 0, INITIAL_VIEW, aspect, out);
  return scene;
}

/**
 * --pointer X,Y (issue 17): pick the cube under that output pixel, draw the inspection (dimming,
 * marker, tooltip) into the frame as the window shows it, and return the JSON line's object.
 */
function inspectPointer(scene: Scene, frame: FrameDesc, p: readonly [number, number], width: number, height: number): unknown {
  const hit = pickAt(scene, frame, p[0], p[1], width, height, { visual: 0, part: 0, row: 0, col: 0 });
  if (hit === null) return null;
  const insp = describe(scene, hit);
  drawInspection(frame, insp, p[0], p[1]);
  return inspectionJson(insp);
}

export async function snapshot(opts: ViewOptions): Promise<number> {
  const out = opts.out;
  const t = opts.snapshot;
  if (out === undefined || t === undefined) throw new UserError('--snapshot needs SECONDS and --out FILE.png');
  requireDisplay();
  const dir = path.dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`cannot write ${out}: the folder ${dir} does not exist`, { hint: 'create it first, or pick another --out path' });
  }
  const width = opts.sizeGiven ? opts.width : SNAPSHOT_DEFAULT_WIDTH;
  const height = opts.sizeGiven ? opts.height : SNAPSHOT_DEFAULT_HEIGHT;
  const p = opts.pointer;
  if (p !== undefined && (p[0] >= width || p[1] >= height)) {
    throw new UserError(`--pointer ${p[0]},${p[1]} is outside the ${width}×${height} image`, { hint: 'give pixels from 0,0 (top-left) to width−1,height−1', exitCode: 2 });
  }
  const frame = createFrame();
  const scene = buildSnapshotFrame(opts, width / height, frame);
  const inspected = opts.pointer !== undefined ? inspectPointer(scene, frame, opts.pointer, width, height) : undefined;
  const ctx = openContext({ width: 320, height: 180, title: 'gptviz snapshot', visible: false, vsync: false });
  let png: Buffer;
  try {
    const target = ctx.renderer.createOffscreen(width, height);
    target.render(frame, 1);
    png = encodePng(target.readPixels('rgb'), width, height, 3);
  } finally {
    ctx.close();
  }
  const tmp = `${out}.partial-${process.pid}`;
  try {
    writeFileSync(tmp, png);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (inspected !== undefined) {
    // stdout carries exactly one JSON line; the usual note goes to stderr.
    process.stdout.write(`${JSON.stringify(inspected)}\n`);
    process.stderr.write(`wrote ${out} (${width}×${height}, t = ${t} s)\n`);
  } else {
    process.stdout.write(`wrote ${out} (${width}×${height}, t = ${t} s)\n`);
  }
  return 0;
}
