/**
 * Characters (spec §5.11): the character display (big characters that fly onto the input rows),
 * the persistent input characters of logits-only scenes, and the predicted-character return.
 *
 * What it is: build-time character data (positions of §5.7.2 / §5.11.3) and allocation-free
 * per-frame drawing into the FrameDesc's label pool. Characters are labels with alignX 0.5 →
 * centred (the spec's explicit centring offsets) and alignY 0.5 (vertically centred on their row,
 * like the row labels they turn into). What it is not: label fades (labels.ts).
 *
 * Deliberate changes: the returning character starts at the prediction label's height
 * (0.75·ortho/10), not the smaller input-label height, so there is no size jump (spec §11.3 #11);
 * and it flies on the camera's curve so it never leaves the picture (see drawCharacters).
 * Blank characters (spaces) push no label.
 */
import { smooth } from '../animation/easing.js';
import type { FrameDesc } from '../frame.js';
import { pushLabel } from '../frame.js';
import type { CharReturn, DisplayChar, SceneState } from './scene-types.js';
import type { Vec3 } from './visual-types.js';
import { PHASE_APPEAR, PHASE_INACTIVE } from './stage-state.js';

/** Character spacing for n characters (spec §5.7.2): max(2, 4.5 − 0.15·n). */
export function charSpacing(n: number): number {
  return Math.max(2.0, 4.5 - 0.15 * n);
}

/** Position of character i of n at spacing cs (spec §5.7.2): ((n − 1)·cs/2 − i·cs, y, z). */
export function charPosition(i: number, n: number, cs: number, y: number, z: number): Vec3 {
  return [(n - 1) * cs / 2 - i * cs, y, z];
}

export interface CharacterData {
  /** Big characters of the display, in order. */
  readonly chars: readonly DisplayChar[];
  readonly spacing: number;
  /** 'full': fade in over the first half of the appear; otherwise visible from the first frame. */
  readonly fadeIn: boolean;
  /** Logits-only persistent input characters (row labels), or empty. */
  readonly persistent: readonly { readonly text: string; readonly pos: Vec3 }[];
  /** Time from which the persistent characters show. */
  readonly persistentFrom: number;
  readonly ret?: CharReturn;
}

export interface CharFrame {
  readonly charIdx: number;
  /** First visual of the character stage (the placeholder). */
  readonly placeholder: number;
  readonly total: number;
  readonly returnDuration: number;
}

/** Big character height (spec §5.11.1): min(4·ortho/10, cs·1.4). */
export function bigHeight(ortho: number, cs: number): number {
  return Math.min(4.0 * ortho / 10, cs * 1.4);
}

/**
 * Draw the character display, the persistent input characters and the return flight at t.
 * `st` holds the evaluated state at t; `ortho` is the camera's ortho size.
 */
export function drawCharacters(out: FrameDesc, data: CharacterData, f: CharFrame, st: SceneState, t: number, ortho: number): void {
  NOW[T] = t;
  NOW[ORTHO] = ortho;
  drawParts(out, data, f, st);
}

/**
 * drawCharacters at t with the frame's own camera ortho size (`out.camera` must be set): what
 * frameAt calls, so that no double is passed to a call V8 may not inline.
 */
export function drawFrameCharacters(out: FrameDesc, data: CharacterData, f: CharFrame, st: SceneState, t: number): void {
  NOW[T] = t;
  NOW[ORTHO] = out.camera.orthoSize;
  drawParts(out, data, f, st);
}

function drawParts(out: FrameDesc, data: CharacterData, f: CharFrame, st: SceneState): void {
  const t = NOW[T];
  if (f.charIdx >= 0) runPart(DISPLAY, out, data, f, st);
  runPart(PERSISTENT, out, data, f, st);
  if (data.ret !== undefined && t > f.total && f.returnDuration > 0) runPart(RETURN, out, data, f, st);
}

type Part = (out: FrameDesc, data: CharacterData, f: CharFrame, st: SceneState) => void;

/**
 * The three parts run behind one megamorphic call site, each its own optimised function, for the
 * reason of cell-loop.ts: inlined together, their pushLabel calls overrun TurboFan's inlining
 * budget and every label's numbers get boxed.
 */
const PARTS: Part[] = [
  (out, data, f, st) => drawDisplay(out, data, f, st),
  (out, data, f) => drawPersistent(out, data, f),
  (out, data, f) => { if (data.ret !== undefined) drawReturn(out, data.ret, f); },
];
const DISPLAY = 0;
const PERSISTENT = 1;
const RETURN = 2;

function runPart(id: number, out: FrameDesc, data: CharacterData, f: CharFrame, st: SceneState): void {
  PARTS[id]!(out, data, f, st);
}

/**
 * t and ortho of the frame being drawn, handed to the helpers below through this scratch rather
 * than as arguments: V8 boxes a double passed to a call it does not inline (a HeapNumber per
 * argument per frame), and each helper keeps one or two pushLabel sites so that it is inlined.
 */
const NOW = new Float64Array(2);
const T = 0;
const ORTHO = 1;

/** The character display: big characters, then their flight onto the input rows. */
function drawDisplay(out: FrameDesc, data: CharacterData, f: CharFrame, st: SceneState): void {
  const sa = st.stageAlpha[f.charIdx]!;
  const phase = st.phase[f.charIdx]!;
  if (!(sa >= 0.01 && phase !== PHASE_INACTIVE)) return;
  const small = 0.55 * NOW[ORTHO] / 10;
  const appearT = st.appearT[f.placeholder]!;
  const ct = st.t[f.placeholder]!;
  const big = bigHeight(NOW[ORTHO], data.spacing);
  for (let i = 0; i < data.chars.length; i++) {
    const ch = data.chars[i]!;
    if (ch.text.trim() === '') continue;
    const end = ch.end;
    const flying = end !== undefined && ct > 0;
    const s = flying ? smooth(0, 1, ct) : 0;
    const a = flying ? sa * (ct > 0.9 ? Math.max(0, 1 - (ct - 0.9) / 0.1) : 1)
      : data.fadeIn && phase === PHASE_APPEAR ? sa * Math.min(2 * appearT, 1) : sa;
    if (a < 0.01) continue;
    // One push site (a second one would not fit V8's inlining budget and its numbers get boxed).
    const ex = flying ? end[0] : 0;
    const ey = flying ? end[1] : 0;
    const ez = flying ? end[2] : 0;
    pushLabel(out, ch.text,
      flying ? ch.start[0] + (ex - ch.start[0]) * s : ch.start[0] + 0,
      flying ? ch.start[1] + (ey - ch.start[1]) * s : ch.start[1] + 0,
      flying ? ch.start[2] + (ez - ch.start[2]) * s : ch.start[2] + 0,
      flying ? big + (small - big) * s : big, flying ? 0.5 * (1 - s) : 0.5, 0.5, a, false);
  }
}

/** Logits-only scenes: the input characters stay on their rows (fading out early in the return). */
function drawPersistent(out: FrameDesc, data: CharacterData, f: CharFrame): void {
  const t = NOW[T];
  const inReturn = t > f.total && f.returnDuration > 0;
  if (!(data.persistent.length > 0 && t >= data.persistentFrom && !(inReturn && data.ret !== undefined))) return;
  const r = inReturn ? Math.min((t - f.total) / f.returnDuration, 1) : 0;
  const a = inReturn ? Math.min(1, Math.max(0, (1 - r) / 0.05)) : 1;
  if (a < 0.01) return;
  const small = 0.55 * NOW[ORTHO] / 10;
  for (let i = 0; i < data.persistent.length; i++) {
    const p = data.persistent[i]!;
    if (p.text.trim() !== '') pushLabel(out, p.text, p.pos[0], p.pos[1], p.pos[2], small, 0, 0.5, a, false);
  }
}

/** The return: the existing characters at the next step's spacing and the predicted one flying in. */
function drawReturn(out: FrameDesc, ret: CharReturn, f: CharFrame): void {
  drawExisting(out, ret);
  const r = Math.min((NOW[T] - f.total) / f.returnDuration, 1);
  if (ret.leaving !== undefined) drawLeaving(out, ret.leaving, ret.nextSpacing, r);
  const ortho = NOW[ORTHO];
  const big = bigHeight(ortho, ret.nextSpacing);
  // The flight uses the camera's own smoothstep over the whole return (the camera glides from the
  // last stage to the character framing on the same curve), so the character stays in view all the
  // way and lands as the camera arrives; the reference lands at r = 0.8 while the camera is still
  // far away, leaving its frames at r ≈ 0.2–0.8 black.
  const s = smooth(0, 1, r);
  const h0 = 0.75 * ortho / 10;
  const pa = 0.78 * Math.max(0, 1 - 4 * r);
  const pct = pa >= 0.01 && ret.pct.length > 0;
  // The percentage stays where it was in the label: after the character and a space.
  const shift = (ret.text.length + 1) * 0.55 * h0;
  // k = 0: the character; k = 1: its percentage — through one push site (see drawDisplay).
  for (let k = 0; k < (pct ? 2 : 1); k++) {
    const c = k === 0;
    pushLabel(out, c ? ret.text : ret.pct,
      c ? ret.start[0] + (ret.end[0] - ret.start[0]) * s : ret.start[0] - shift,
      c ? ret.start[1] + (ret.end[1] - ret.start[1]) * s : ret.start[1] + 0,
      c ? ret.start[2] + (ret.end[2] - ret.start[2]) * s : ret.start[2] + 0,
      c ? h0 + (big - h0) * s : h0, c ? 0.5 * s : 0, 0.5, c ? 1 : pa, false);
  }
}

/** The characters already there, at the next step's spacing, during the return. */
function drawExisting(out: FrameDesc, ret: CharReturn): void {
  const big = bigHeight(NOW[ORTHO], ret.nextSpacing);
  for (let i = 0; i < ret.existing.length; i++) {
    const ch = ret.existing[i]!;
    if (ch.text.trim() !== '') pushLabel(out, ch.text, ch.start[0], ch.start[1], ch.start[2], big, 0.5, 0.5, 1, false);
  }
}

/**
 * Past the context: the oldest character, one slot before the window, leaving it (issue 13) —
 * there while the camera arrives, then drifting one more slot out and fading over the last 45 %
 * of the return, as the new character lands at the other end.
 */
function drawLeaving(out: FrameDesc, ch: DisplayChar, nextSpacing: number, r: number): void {
  const u = Math.max(0, (r - 0.55) / 0.45);
  const a = 1 - Math.min(1, u);
  if (a >= 0.01) {
    pushLabel(out, ch.text, ch.start[0] + u * nextSpacing, ch.start[1], ch.start[2], bigHeight(NOW[ORTHO], nextSpacing), 0.5, 0.5, a, false);
  }
}
