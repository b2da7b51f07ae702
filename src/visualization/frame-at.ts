/**
 * frameAt(scene, t, view, aspect, out, scratch): the only way to get a picture (STYLE.md §6). Fills the
 * preallocated FrameDesc with everything on screen at timeline time t, in the order of spec
 * Appendix A / §7.2: state (phases → group state → takeover → finished-stage fade → return fade)
 * → cubes of every visible stage in pipeline order → camera (waypoints at t, then the user's
 * orbit/zoom) → characters (display, persistent input characters, return flight) → labels →
 * the 2D stage-name overlay → the choice chart of the token-probabilities stage (issue 13).
 *
 * Pure in what it produces: it clears `out` first and writes only into it and into the caller's
 * `FrameScratch` (createFrameScratch, one per scene and caller); the Scene itself is never written.
 * The scratch state is overwritten completely before being read and the per-aspect waypoint memo
 * holds a pure function of (scene, aspect), so the same (t, view, aspect) gives identical output in
 * any call order. Allocation-light in the steady state (the first frame at a new aspect builds
 * that aspect's waypoints): what counts is frame-time jitter, which bench/frame.bench.ts reports as
 * p50/p99 frame time and GC pauses over a whole loop (bench/frame-jitter-probe.ts). The passes
 * are called directly: an indirection that kept them out of frameAt's inlining budget (a
 * megamorphic PASSES table) did not make p99 better when measured (three interleaved runs each).
 */
import type { ViewState, Waypoint } from '../animation/camera-path.js';
import { applyView, cameraAt } from '../animation/camera-path.js';
import type { FrameDesc } from '../frame.js';
import { clearFrame, pushOverlay } from '../frame.js';
import { sceneWaypoints } from './camera-waypoints.js';
import { drawFrameCharacters } from './characters.js';
import { drawChoice } from './choice-chart.js';
import { drawFrameLabels } from './labels.js';
import type { Scene } from './scene.js';
import { createState, evaluateState } from './scene-eval.js';
import type { SceneCore, SceneState } from './scene-types.js';
import type { VisualState } from './visual-types.js';
import { drawVisual } from './visuals.js';

/** Waypoint lists kept per scene (one per aspect ratio seen). */
const MAX_CACHED_ASPECTS = 8;

const VS: VisualState = { alpha: 0, appearT: 0, t: 0, outputMult: 0 };

/**
 * What one caller needs to evaluate one scene, frame after frame: the state scratch that
 * evaluateState overwrites and the scene's waypoints per aspect ratio. Owned by the caller, so a
 * frozen Scene stays immutable and two callers never share mutable state.
 */
export interface FrameScratch {
  readonly state: SceneState;
  /** Waypoints per aspect ratio (a memo of a pure function of scene and aspect). */
  readonly waypoints: Map<number, Waypoint[]>;
}

/**
 * Fresh scratch for frames of `scene` (sized by its stages and visuals).
 * @example const scratch = createFrameScratch(scene); frameAt(scene, 0, INITIAL_VIEW, 1, out, scratch)
 */
export function createFrameScratch(scene: SceneCore): FrameScratch {
  return { state: createState(scene.stages.length, scene.visuals.length), waypoints: new Map() };
}

/** The scene's waypoints at an aspect ratio (built once per aspect, then kept in the caller's scratch). */
export function waypointsFor(scene: Scene, aspect: number, scratch: FrameScratch): Waypoint[] {
  const memo = scratch.waypoints;
  let w = memo.get(aspect);
  if (w === undefined) {
    // A live window resize passes through many aspects; keep the memo small.
    if (memo.size >= MAX_CACHED_ASPECTS) memo.clear();
    w = sceneWaypoints(scene, aspect);
    memo.set(aspect, w);
  }
  return w;
}

/** Draw the cubes of every visible stage (stage alpha ≥ 0.01) in pipeline order. */
function drawCubes(scene: Scene, st: SceneState, out: FrameDesc): void {
  for (let si = 0; si < scene.stages.length; si++) {
    if (st.stageAlpha[si]! < 0.01) continue;
    const stage = scene.stages[si]!;
    const v1 = stage.firstVisual + stage.visualCount;
    for (let vi = stage.firstVisual; vi < v1; vi++) {
      const sv = scene.visuals[vi]!;
      if (!sv.drawn) continue;
      VS.alpha = st.alpha[vi]!;
      VS.appearT = st.appearT[vi]!;
      VS.t = st.t[vi]!;
      VS.outputMult = st.outputMult[vi]!;
      drawVisual(out, sv.visual, VS, scene.noise);
    }
  }
}

/**
 * Everything on screen at timeline time t, written into `out` (cleared first); returns `out`.
 * `aspect` = framebuffer width / height (framing is computed for it); `scratch` comes from
 * createFrameScratch(scene) and is overwritten.
 *
 * @example frameAt(scene, 19.6, INITIAL_VIEW, 16 / 9, createFrame(), createFrameScratch(scene))
 */
export function frameAt(
  scene: Scene, t: number, view: ViewState, aspect: number, out: FrameDesc, scratch: FrameScratch,
): FrameDesc {
  clearFrame(out);
  out.time = t;
  const st = scratch.state;
  const current = evaluateState(scene, t, st);
  drawCubes(scene, st, out);
  cameraAt(waypointsFor(scene, aspect, scratch), t, out.camera);
  applyView(out.camera, view);
  // The ortho size is read from out.camera inside (a double passed as an argument may be boxed).
  drawFrameCharacters(out, scene.characters, scene.charFrame, st, t);
  drawFrameLabels(out, scene, st, scene.labels, t);
  if (current >= 0) pushOverlay(out, scene.titles[current]!, 'bottom-right', 0, 'large', 1);
  if (scene.choice !== undefined) drawChoice(out, scene.choice, t);
  return out;
}
