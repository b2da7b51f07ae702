/**
 * frameAt(scene, t, view, aspect, out): the only way to get a picture (STYLE.md §6). Fills the
 * preallocated FrameDesc with everything on screen at timeline time t, in the order of spec
 * Appendix A / §7.2: state (phases → group state → takeover → finished-stage fade → return fade)
 * → cubes of every visible stage in pipeline order → camera (waypoints at t, then the user's
 * orbit/zoom) → characters (display, persistent input characters, return flight) → labels →
 * the 2D stage-name overlay → the choice chart of the token-probabilities stage (issue 13).
 *
 * Pure in what it produces: it clears `out` first and writes only into it; the scene's scratch
 * state is overwritten completely before being read and the per-aspect waypoint cache holds a
 * pure function of (scene, aspect), so the same (t, view, aspect) gives identical output in any
 * call order. Allocation-free in the steady state (the first frame at a new aspect builds that
 * aspect's waypoints): test/visualization/frame-alloc.test.ts measures it, bench/frame.bench.ts
 * reports bytes per frame. The visual files say how (no boxed doubles, inlining budget).
 */
import type { ViewState, Waypoint } from '../animation/camera-path.js';
import { applyView, cameraAt } from '../animation/camera-path.js';
import type { FrameDesc } from '../frame.js';
import { clearFrame, pushOverlay } from '../frame.js';
import { sceneWaypoints } from './camera-waypoints.js';
import { drawFrameCharacters } from './characters.js';
import { drawChoice } from './choice-chart.js';
import type { CharFrame } from './characters.js';
import { drawFrameLabels } from './labels.js';
import type { Scene } from './scene.js';
import { evaluateState } from './scene-eval.js';
import type { VisualState } from './visual-types.js';
import { drawVisual } from './visuals.js';

/** Waypoint lists kept per scene (one per aspect ratio seen). */
const MAX_CACHED_ASPECTS = 8;

const VS: VisualState = { alpha: 0, appearT: 0, t: 0, outputMult: 0 };

/** The scene's waypoints at an aspect ratio (built once per aspect, then cached). */
export function waypointsFor(scene: Scene, aspect: number): Waypoint[] {
  let w = scene.waypointCache.get(aspect);
  if (w === undefined) {
    // A live window resize passes through many aspects; keep the memo small.
    if (scene.waypointCache.size >= MAX_CACHED_ASPECTS) scene.waypointCache.clear();
    w = sceneWaypoints(scene, aspect);
    scene.waypointCache.set(aspect, w);
  }
  return w;
}

/** Draw the cubes of every visible stage (stage alpha ≥ 0.01) in pipeline order. */
function drawCubes(scene: Scene, out: FrameDesc): void {
  const st = scene.state;
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
 * `aspect` = framebuffer width / height (framing is computed for it).
 *
 * @example frameAt(scene, 19.6, INITIAL_VIEW, 16 / 9, createFrame())
 */
export function frameAt(scene: Scene, t: number, view: ViewState, aspect: number, out: FrameDesc): FrameDesc {
  clearFrame(out);
  out.time = t;
  const current = evaluateState(scene, t);
  runPass(CUBES, scene, t, out);
  cameraAt(waypointsFor(scene, aspect), t, out.camera);
  applyView(out.camera, view);
  runPass(CHARACTERS, scene, t, out);
  runPass(LABELS, scene, t, out);
  if (current >= 0) pushOverlay(out, scene.titles[current]!, 'bottom-right', 0, 'large', 1);
  if (scene.choice !== undefined) drawChoice(out, scene.choice, t);
  return out;
}

/** A drawing pass of frameAt (cubes, characters, labels): writes into `out` for time t. */
type Pass = (scene: Scene, t: number, out: FrameDesc) => void;

function cubesPass(scene: Scene, _t: number, out: FrameDesc): void {
  drawCubes(scene, out);
}

function charactersPass(scene: Scene, t: number, out: FrameDesc): void {
  // The ortho size is read from out.camera inside (a double passed as an argument may be boxed).
  const cf: CharFrame = scene.charFrame;
  drawFrameCharacters(out, scene.characters, cf, scene.state, t);
}

function labelsPass(scene: Scene, t: number, out: FrameDesc): void {
  drawFrameLabels(out, scene, scene.labels, scene.fades, t);
}

/**
 * The passes run behind one megamorphic call site, never inlined into frameAt, for the reason of
 * cell-loop.ts: inlined into frameAt, a pass's own pushLabel / pushInstance calls may fall outside
 * TurboFan's inlining budget and box their numbers (measured: ~100 B per label per frame).
 * `t` crosses as the caller's own number, so no new box is made for it.
 */
const PASSES: Pass[] = [cubesPass, charactersPass, labelsPass];
const CUBES = 0;
const CHARACTERS = 1;
const LABELS = 2;

function runPass(id: number, scene: Scene, t: number, out: FrameDesc): void {
  PASSES[id]!(scene, t, out);
}
