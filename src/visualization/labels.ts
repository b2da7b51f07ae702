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

/** One switch list: at times[k] the binary visibility becomes targets[k], the ramp starting from values[k]. */
export interface SwitchList {
  readonly times: number[];
  readonly targets: number[];
  readonly values: number[];
}

/** The switch lists of every label, complete up to the time scanned (LabelFadeScan). */
export interface LabelFades {
  /** Label i's switches are lists[repOf[i]] (labels with the same owner, kind and rule share one). */
  readonly repOf: Int32Array;
  readonly lists: readonly SwitchList[];
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
 * Every label's switch times over [0, total + return], found by a scan of the timeline in time
 * order that evaluates the state machine a few thousand times (≈ 60 ms for a full scene), into a
 * state of its own. Once the scan has passed time t, every switch up to t is known and final, so
 * a frame at t needs only the scan up to t (through): a run's first frame costs one step. The
 * rest runs in slices (advance: the window's warm-up, issue 15) or at once (result); either way
 * the same evaluations in the same order, so the same switches.
 */
export class LabelFadeScan {
  private readonly fades: LabelFades;
  private readonly scan: Generator<number, void>;
  /** Timeline time the scan has passed (−∞ before its first step, +∞ once done). */
  private scanned = -Infinity;

  constructor(scene: SceneCore, labels: readonly SceneLabel[]) {
    const keyOf = (l: SceneLabel): string => `${l.owner}/${l.kind}/${l.inputRow ? 1 : 0}`;
    const reps: SceneLabel[] = [];
    const repIndex = new Map<string, number>();
    const repOf = new Int32Array(labels.length);
    labels.forEach((l, i) => {
      const k = keyOf(l);
      let r = repIndex.get(k);
      if (r === undefined) {
        r = reps.length;
        repIndex.set(k, r);
        reps.push(l);
      }
      repOf[i] = r;
    });
    const charEnd = scene.charIdx >= 0 && scene.inputIdx >= 0 ? scene.stages[scene.charIdx]!.timing.end : -1;
    const lists = reps.map((): SwitchList => ({ times: [], targets: [], values: [] }));
    this.fades = { repOf, lists, charEnd };
    this.scan = scanSwitches(scene, createState(scene.stages.length, scene.visuals.length), reps, charEnd, lists);
  }

  /** Scan on until it is done or `now()` reaches `deadline` (ms), at least one step; true once done. */
  advance(deadline: number, now: () => number = () => performance.now()): boolean {
    while (this.step()) {
      if (this.scanned === Infinity) return true;
      if (now() >= deadline) return false;
    }
    return true;
  }

  /** The fades, complete for every time up to t (the scan goes on to there if it is not there yet). */
  through(t: number): LabelFades {
    while (this.scanned < t && this.step());
    return this.fades;
  }

  /** The fades over the whole timeline (the rest of the scan done now). */
  get result(): LabelFades {
    return this.through(Infinity);
  }

  /** One step of the scan; false once done. */
  private step(): boolean {
    if (this.scanned === Infinity) return false;
    const r = this.scan.next();
    this.scanned = r.done === true ? Infinity : r.value;
    return true;
  }
}

/**
 * Append each label's switches over [0, total + return] to its list, in time order, yielding
 * after each grid time (every switch up to it is then in the lists).
 */
function* scanSwitches(
  scene: SceneCore, st: SceneState, labels: readonly SceneLabel[], charEnd: number, sw: readonly SwitchList[],
): Generator<number, void> {
  const end = scene.total + scene.returnDuration;
  const n = labels.length;
  const push = (i: number, t: number, b: number, v: number): void => {
    sw[i]!.times.push(t);
    sw[i]!.targets.push(b);
    sw[i]!.values.push(v);
  };
  const prevB = new Uint8Array(n);
  const lastT = new Float64Array(n);
  const lastV = new Float64Array(n);
  const special = (l: SceneLabel): boolean => l.inputRow && charEnd >= 0;
  for (let i = 0; i < n; i++) {
    if (special(labels[i]!)) {
      // The special rule ends with the label fully shown at the end of the character display.
      push(i, charEnd, 1, 1);
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
      push(i, hi, newB, v);
      prevB[i] = newB; lastT[i] = hi; lastV[i] = v;
    }
    tPrev = t;
    yield t;
  }
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
    const sw = fades.lists[fades.repOf[i]!]!;
    const times = sw.times;
    let lo = 0;
    let hi = times.length - 1;
    if (hi < lo || times[lo]! > t) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    const b = sw.targets[lo]!;
    a = approach(sw.values[lo]!, b, t - times[lo]!) * (b === 1 ? labelMultiplier(l, st) : 1);
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

/** A scene with its label fade scan, asked only for the time being drawn (it may not be further yet). */
export interface SceneWithFades extends SceneCore {
  readonly fadeScan: Pick<LabelFadeScan, 'through'>;
}

/**
 * Push every visible label (stage order, label order) into `out`: drawn when its stage alpha and
 * its own alpha are ≥ 0.01, empty strings skipped, at the frame's own camera ortho size
 * (`out.camera` must be set; read here so that no freshly loaded double is passed to a call V8
 * may not inline: it would box it). The fades are scanned only up to t, and only once a stage
 * shows.
 */
export function drawFrameLabels(out: FrameDesc, scene: SceneWithFades, st: SceneState, labels: readonly SceneLabel[], t: number): void {
  ORTHO[0] = out.camera.orthoSize;
  labelLoop(out, scene, st, labels, t);
}

/** The ortho size of the labels being drawn (scratch, see drawFrameLabels). */
const ORTHO = new Float64Array(1);

function labelLoop(out: FrameDesc, scene: SceneWithFades, st: SceneState, labels: readonly SceneLabel[], t: number): void {
  const ortho = ORTHO[0]!;
  for (let si = 0; si < scene.stages.length; si++) {
    if (st.stageAlpha[si]! < 0.01) continue;
    const fades = scene.fadeScan.through(t);
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
