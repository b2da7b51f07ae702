/**
 * Label fades as a closed-form function of timeline time (spec §5.10.3) and label drawing.
 *
 * The reference moves each label's alpha linearly toward a per-frame target (up at 1/0.45 per
 * second, down at 1/0.35), which makes the picture depend on the frame history. Here the target is
 * split into a binary visibility b(t) — owner visible, and appear_t > 0.05 (kind `appear`) or
 * appear_t > 0.8 ∧ t > 0.02 (kind `compute`) — and a continuous multiplier c(t) = min(owner
 * alpha, 1) × (label-fade multiplier for `compute` labels). b(t) is piecewise constant; its switch
 * times are found once at scene build (a scan on a fine grid that includes every phase boundary,
 * refined by bisection) and the ramp value at each switch is stored, so at any t:
 *   alpha(t) = ramp(value at last switch → b, elapsed) × (b ? c(t) : 1).
 * When b falls because the owner vanished at once, the label still fades out over 0.35 s as in the
 * reference (the ramp starts from the last displayed value). Exact, pure and history-free.
 *
 * What it is not: the label list (pipeline.ts) or text layout/rendering (core/).
 */
import type { FrameDesc } from '../frame.js';
import { pushLabel } from '../frame.js';
import type { SceneCore, SceneLabel, SceneState } from './scene-types.js';
import { createState, evaluateState } from './scene-eval.js';
import { PHASE_APPEAR, PHASE_COMPUTE, PHASE_SETTLE } from './stage-state.js';

export const FADE_IN = 0.45;
export const FADE_OUT = 0.35;
/** Scan step for the switch search (s); every phase boundary is added to the grid as well. */
const SCAN_STEP = 1 / 60;
const BISECT_ITERATIONS = 30;

/** Precomputed switch lists of every label (flattened). */
export interface LabelFades {
  /** Label i's switches are [offsets[i], offsets[i+1]). */
  readonly offsets: Int32Array;
  readonly times: Float64Array;
  readonly targets: Uint8Array;
  readonly values: Float64Array;
  /** End of the character display (input row labels follow the special rule up to here), or −1. */
  readonly charEnd: number;
}

/** Binary visibility of a label from the evaluated state. */
export function labelVisible(l: SceneLabel, st: SceneState): boolean {
  const a = st.alpha[l.owner]!;
  if (a < 0.01) return false;
  if (l.kind === 'appear') return st.appearT[l.owner]! > 0.05;
  return st.appearT[l.owner]! > 0.8 && st.t[l.owner]! > 0.02 && st.labelFade[l.owner]! >= 0.01;
}

/** Continuous multiplier of a visible label. */
export function labelMultiplier(l: SceneLabel, st: SceneState): number {
  const a = Math.min(st.alpha[l.owner]!, 1);
  return l.kind === 'compute' ? a * st.labelFade[l.owner]! : a;
}

/** Linear approach from `from` toward target 0/1 after `dt` seconds. */
export function approach(from: number, target: number, dt: number): number {
  return target > from ? Math.min(target, from + dt / FADE_IN) : Math.max(target, from - dt / FADE_OUT);
}

/** Times at which something changes discontinuously: every phase and group boundary. */
function boundaryTimes(scene: SceneCore, end: number): number[] {
  const ts: number[] = [];
  for (const s of scene.stages) {
    const T = s.timing;
    ts.push(T.start, T.start + T.appear, T.start + T.appear + T.compute, T.end);
    for (const [s0, s1] of T.segments) {
      const base = T.start + T.appear;
      ts.push(base + s0 * T.compute, base + (s0 + 0.2 * (s1 - s0)) * T.compute, base + s1 * T.compute);
    }
  }
  ts.push(scene.total);
  const n = Math.ceil(end / SCAN_STEP);
  for (let k = 0; k <= n; k++) ts.push(Math.min(k * SCAN_STEP, end));
  return [...new Set(ts.filter((x) => x >= 0 && x <= end))].sort((a, b) => a - b);
}

/**
 * Find every label's switch times over [0, total + return] (scene build; evaluates the state
 * machine a few thousand times, into a state of its own).
 */
export function buildLabelFades(scene: SceneCore, labels: readonly SceneLabel[]): LabelFades {
  // Labels with the same owner, kind and rule share one switch list (e.g. the 32 column headers).
  const keyOf = (l: SceneLabel): string => `${l.owner}/${l.kind}/${l.inputRow ? 1 : 0}`;
  const reps: SceneLabel[] = [];
  const repIndex = new Map<string, number>();
  for (const l of labels) {
    const k = keyOf(l);
    if (!repIndex.has(k)) {
      repIndex.set(k, reps.length);
      reps.push(l);
    }
  }
  const charEnd = scene.charIdx >= 0 && scene.inputIdx >= 0 ? scene.stages[scene.charIdx]!.timing.end : -1;
  const sw = scanSwitches(scene, createState(scene.stages.length, scene.visuals.length), reps, charEnd);
  const n = labels.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + sw[repIndex.get(keyOf(labels[i]!))!]!.length;
  const total = offsets[n]!;
  const times = new Float64Array(total);
  const targets = new Uint8Array(total);
  const values = new Float64Array(total);
  for (let i = 0; i < n; i++) {
    sw[repIndex.get(keyOf(labels[i]!))!]!.forEach((x, k) => {
      times[offsets[i]! + k] = x.t; targets[offsets[i]! + k] = x.b; values[offsets[i]! + k] = x.v;
    });
  }
  return { offsets, times, targets, values, charEnd };
}

interface Switch { readonly t: number; readonly b: number; readonly v: number }

/** The switch list of each label over [0, total + return]. */
function scanSwitches(scene: SceneCore, st: SceneState, labels: readonly SceneLabel[], charEnd: number): Switch[][] {
  const end = scene.total + scene.returnDuration;
  const n = labels.length;
  const sw: Switch[][] = labels.map(() => []);
  const prevB = new Uint8Array(n);
  const lastT = new Float64Array(n);
  const lastV = new Float64Array(n);
  const special = (l: SceneLabel): boolean => l.inputRow && charEnd >= 0;
  for (let i = 0; i < n; i++) {
    if (special(labels[i]!)) {
      // The special rule ends with the label fully shown at the end of the character display.
      sw[i]!.push({ t: charEnd, b: 1, v: 1 });
      prevB[i] = 1; lastT[i] = charEnd; lastV[i] = 1;
    }
  }
  const grid = boundaryTimes(scene, end);
  let tPrev = -1;
  for (const t of grid) {
    evaluateState(scene, t, st);
    const changed: number[] = [];
    for (let i = 0; i < n; i++) {
      const l = labels[i]!;
      if (special(l) && t <= charEnd) continue;
      const b = labelVisible(l, st) ? 1 : 0;
      if (b !== prevB[i]) changed.push(i);
    }
    for (const i of changed) {
      const l = labels[i]!;
      const newB = prevB[i] === 1 ? 0 : 1;
      // Bisection on (lo, hi]: at lo the old value holds, at hi the new one.
      let lo = tPrev < 0 ? t : tPrev;
      let hi = t;
      if (special(l)) lo = Math.max(lo, charEnd);
      if (tPrev >= 0) {
        for (let k = 0; k < BISECT_ITERATIONS; k++) {
          const mid = 0.5 * (lo + hi);
          evaluateState(scene, mid, st);
          if ((labelVisible(l, st) ? 1 : 0) === newB) hi = mid;
          else lo = mid;
        }
      }
      let v = approach(lastV[i]!, prevB[i]!, hi - lastT[i]!);
      if (newB === 0 && prevB[i] === 1) {
        evaluateState(scene, lo, st);
        v *= labelMultiplier(l, st);
      }
      sw[i]!.push({ t: hi, b: newB, v });
      prevB[i] = newB; lastT[i] = hi; lastV[i] = v;
    }
    tPrev = t;
  }
  return sw;
}

/** Alpha of label i at t; `st` must hold the state evaluated at t. */
export function labelAlphaAt(
  scene: SceneCore, st: SceneState, labels: readonly SceneLabel[], fades: LabelFades, i: number, t: number,
): number {
  const l = labels[i]!;
  let a: number;
  if (l.inputRow && fades.charEnd >= 0 && t <= fades.charEnd) {
    a = inputRowSpecial(st, scene.charIdx);
  } else {
    const k0 = fades.offsets[i]!;
    let lo = k0;
    let hi = fades.offsets[i + 1]! - 1;
    if (hi < lo || fades.times[lo]! > t) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (fades.times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    const b = fades.targets[lo]!;
    a = approach(fades.values[lo]!, b, t - fades.times[lo]!) * (b === 1 ? labelMultiplier(l, st) : 1);
  }
  if (l.hiddenBy >= 0) a *= 1 - labelAlphaAt(scene, st, labels, fades, l.hiddenBy, t);
  return a;
}

/** Input row labels during the character display: 0, then a crossfade in its last 10 %, then 1. */
function inputRowSpecial(st: SceneState, charIdx: number): number {
  const p = st.phase[charIdx]!;
  if (p === PHASE_SETTLE) return 1;
  if (p === PHASE_COMPUTE) {
    const q = st.local[charIdx]!;
    return q < 0.9 ? 0 : Math.min((q - 0.9) / 0.1, 1);
  }
  if (p === PHASE_APPEAR) return 0;
  return 0;
}

/**
 * Push every visible label (stage order, label order) into `out`: drawn when its stage alpha and
 * its own alpha are ≥ 0.01, empty strings skipped. `ortho` is the camera's ortho size at t.
 */
export function drawLabels(
  out: FrameDesc, scene: SceneCore, st: SceneState, labels: readonly SceneLabel[], fades: LabelFades, t: number, ortho: number,
): void {
  ORTHO[0] = ortho;
  labelLoop(out, scene, st, labels, fades, t);
}

/**
 * drawLabels with the frame's own camera ortho size (`out.camera` must be set): what frameAt
 * calls, so that no freshly loaded double is passed to a call V8 may not inline (it would box it).
 */
export function drawFrameLabels(
  out: FrameDesc, scene: SceneCore, st: SceneState, labels: readonly SceneLabel[], fades: LabelFades, t: number,
): void {
  ORTHO[0] = out.camera.orthoSize;
  labelLoop(out, scene, st, labels, fades, t);
}

/** The ortho size of the labels being drawn (scratch, see drawFrameLabels). */
const ORTHO = new Float64Array(1);

function labelLoop(
  out: FrameDesc, scene: SceneCore, st: SceneState, labels: readonly SceneLabel[], fades: LabelFades, t: number,
): void {
  const ortho = ORTHO[0]!;
  for (let si = 0; si < scene.stages.length; si++) {
    if (st.stageAlpha[si]! < 0.01) continue;
    const stage = scene.stages[si]!;
    const l1 = stage.firstLabel + stage.labelCount;
    for (let i = stage.firstLabel; i < l1; i++) {
      const l = labels[i]!;
      if (l.text.length === 0 || l.text === ' ') continue;
      const a = labelAlphaAt(scene, st, labels, fades, i, t);
      if (a < 0.01) continue;
      const h = Math.min((l.size === 'title' ? 0.75 : 0.55) * ortho / 10, l.maxHeight);
      const lab = pushLabel(out, l.text, l.pos[0], l.pos[1], l.pos[2], h, l.alignX, l.alignX === 0 ? 0.5 : 0, a, l.background);
      if (l.dim) {
        lab.r = 0.5; lab.g = 0.5; lab.b = 0.5;
      }
    }
  }
}
