/**
 * The timeline (spec §4.1, §4.2, §4.4, §4.5): immutable, frozen data built once per scene from the
 * stage list (stages.ts) and the speed tables (speeds.ts) — every stage's start, appear, compute,
 * settle and compute-group segments — plus the closed-form queries on it: `phaseAt` (which phase a
 * stage is in at time t), `currentStageIndex`, `stageIndex`, and the one `progress` helper that owns
 * the zero-duration rule. All times are timeline seconds.
 *
 * Not here: playing (playback.ts), pictures (visualization/), the camera path (camera-path.ts).
 */
import { DEFAULT_SPEEDS, resolveSpeed, speedEntry } from './speeds.js';
import type { SpeedTables } from './speeds.js';
import { stageList } from './stages.js';
import type { SceneKind, StageName } from './stages.js';

/** Base durations (spec §4.2), seconds at speed 1. */
export const BASE_APPEAR = 2.0;
export const BASE_COMPUTE_PER_GROUP = 2.5;
export const BASE_SETTLE = 1.0;
/** Return phase after the last stage (the predicted character flies back), seconds. */
export const RETURN_DURATION = 1.3;

/** One stage of a timeline. end = start + appear + compute + settle. */
export interface Stage {
  readonly name: StageName;
  /** Position in Timeline.stages. */
  readonly index: number;
  readonly start: number;
  readonly appear: number;
  readonly compute: number;
  readonly settle: number;
  readonly end: number;
  /** Compute-group segments: (start, end) fractions of the compute phase, cumulative; one per group. */
  readonly segments: readonly (readonly [number, number])[];
}

export interface Timeline {
  readonly kind: SceneKind;
  readonly stages: readonly Stage[];
  /** End of the last stage. */
  readonly total: number;
  /** Return phase after `total` (1.3 s; 0 for the final display). */
  readonly returnDuration: number;
  /** total + returnDuration: the length of one play-through. */
  readonly duration: number;
}

export interface TimelineOptions {
  /** Number of transformer blocks B. Default 4. */
  readonly numBlocks?: number;
  /** Whether the scene starts with the character display (ignored for 'final'). */
  readonly hasCharDisplay: boolean;
  /** Speed tables; default DEFAULT_SPEEDS (STAGE_SPEED and LOGITS_ONLY_SPEED). */
  readonly speeds?: SpeedTables;
}

/** The phase of a stage at a time (spec §4.1). `local` ∈ [0, 1] is the progress within the phase. */
export type Phase =
  | { readonly kind: 'inactive' }
  | { readonly kind: 'appear' | 'compute' | 'settle'; readonly local: number }
  | { readonly kind: 'done' };

export type PhaseKind = Phase['kind'];

/**
 * progress(t, start, duration) = clamp((t − start)/duration, 0, 1). The zero-duration rule, written
 * once: when duration ≤ 0 the result is 1 from `start` on (t ≥ start) and 0 before.
 *
 * @example progress(3, 2, 4) // → 0.25
 * @example progress(2, 2, 0) // → 1
 */
export function progress(t: number, start: number, duration: number): number {
  if (!(duration > 0)) return t >= start ? 1 : 0;
  const p = (t - start) / duration;
  return p <= 0 ? 0 : p >= 1 ? 1 : p;
}

/**
 * Build the frozen timeline of a scene kind (spec §4.2–4.4).
 *
 * @example
 * const tl = buildTimeline('full', {hasCharDisplay: true});
 * tl.total // → 99.0907…; tl.duration // → 100.3907…
 */
export function buildTimeline(kind: SceneKind, options: TimelineOptions): Timeline {
  const speeds = options.speeds ?? DEFAULT_SPEEDS;
  const specs = stageList(kind, options);
  const hasChars = specs.length > 0 && specs[0].name === 'char_display';
  const stages: Stage[] = [];
  let t = 0;
  for (let index = 0; index < specs.length; index++) {
    const { name, groups } = specs[index];
    const entry =
      (kind === 'logits' ? speedEntry(speeds.logitsOnly, name) : undefined) ?? speedEntry(speeds.stage, name);
    const sp = resolveSpeed(name, groups, entry);
    let appear = BASE_APPEAR / sp.appear;
    let settle = BASE_SETTLE / sp.settle;
    // The input matrix appears during the character display's flight instead (spec §4.2).
    if (name === 'input' && hasChars) appear = settle = 0;
    let sumW = 0;
    for (const c of sp.compute) sumW += 1 / Math.max(c, 0.01);
    const compute = BASE_COMPUTE_PER_GROUP * sumW;
    const segments: (readonly [number, number])[] = [];
    let acc = 0;
    for (const c of sp.compute) {
      const w = 1 / Math.max(c, 0.01);
      const s0 = acc / sumW;
      acc += w;
      segments.push(Object.freeze([s0, segments.length === groups - 1 ? 1 : acc / sumW] as const));
    }
    const end = t + appear + compute + settle;
    stages.push(
      Object.freeze({ name, index, start: t, appear, compute, settle, end, segments: Object.freeze(segments) }),
    );
    t = end;
  }
  const returnDuration = kind === 'final' ? 0 : RETURN_DURATION;
  return Object.freeze({ kind, stages: Object.freeze(stages), total: t, returnDuration, duration: t + returnDuration });
}

const INACTIVE: Phase = Object.freeze({ kind: 'inactive' });
const DONE: Phase = Object.freeze({ kind: 'done' });

/** A mutable phase record for the allocation-free `writePhase`. */
export interface PhaseOut {
  kind: PhaseKind;
  /** 0 when inactive, 1 when done, else progress within the phase. */
  local: number;
}

/**
 * Allocation-free phaseAt: writes the phase of `stage` at time t into `out` and returns it.
 * Inactive reports local 0, done local 1 (spec §4.1).
 */
export function writePhase(out: PhaseOut, stage: Stage, t: number): PhaseOut {
  if (t < stage.start) {
    out.kind = 'inactive';
    out.local = 0;
  } else if (t > stage.end) {
    out.kind = 'done';
    out.local = 1;
  } else {
    let u = t - stage.start;
    if (u < stage.appear) {
      out.kind = 'appear';
      out.local = u / Math.max(stage.appear, 1e-6);
    } else {
      u -= stage.appear;
      if (u < stage.compute) {
        out.kind = 'compute';
        out.local = u / Math.max(stage.compute, 1e-6);
      } else {
        out.kind = 'settle';
        // Exactly 1 at the end (not 0.99…9 from rounding); a zero-length stage stays at 0.
        out.local =
          stage.settle > 0 && t >= stage.end ? 1 : Math.min(1, (u - stage.compute) / Math.max(stage.settle, 1e-6));
      }
    }
  }
  return out;
}

const scratch: PhaseOut = { kind: 'inactive', local: 0 };

/**
 * The phase of a stage at time t (spec §4.1): inactive before start, done after end, else appear →
 * compute → settle with local progress. A zero-length stage evaluated exactly at its start is in
 * 'settle' with local 0; a stage with compute 0 never enters 'compute'.
 *
 * @example phaseAt(tl.stages[2], tl.stages[2].start + 1) // → {kind: 'appear', local: 0.5}
 */
export function phaseAt(stage: Stage, t: number): Phase {
  writePhase(scratch, stage, t);
  switch (scratch.kind) {
    case 'inactive':
      return INACTIVE;
    case 'done':
      return DONE;
    case 'appear':
    case 'compute':
    case 'settle':
      return { kind: scratch.kind, local: scratch.local };
  }
}

/**
 * Index of the current stage at time t (spec §4.5): the first stage whose end is strictly greater
 * than t, else the last (so the return phase shows the last stage; zero-length stages are never
 * current). −1 for an empty timeline.
 *
 * @example currentStageIndex(tl, 2.6667) // → 2 (qkv_projection; input has zero length)
 */
export function currentStageIndex(tl: Timeline, t: number): number {
  const st = tl.stages;
  for (let i = 0; i < st.length; i++) if (st[i].end > t) return i;
  return st.length - 1;
}

/**
 * Index of the stage called `name`, or −1 when the timeline has none.
 *
 * @example stageIndex(tl, 'ffn') // → 6 in a full scene with character display
 */
export function stageIndex(tl: Timeline, name: StageName): number {
  const st = tl.stages;
  for (let i = 0; i < st.length; i++) if (st[i].name === name) return i;
  return -1;
}

/** Total length of a stage (appear + compute + settle), seconds. */
export function stageLength(stage: Stage): number {
  return stage.end - stage.start;
}
