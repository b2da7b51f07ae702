/**
 * Scene types: the immutable description of one generation step's animated scene (spec §5), as
 * built once by `buildScene` (scene.ts) and read every frame by `frameAt` (frame-at.ts).
 *
 * What it is: plain data — stages with their timeline timing, the visuals each stage owns (with
 * compute group and flags of spec §5.4/§5.8), label records (§5.10), character data (§5.11), and
 * the shape of the per-frame scratch state (owned by the caller, never by the scene). What it is not: drawing (visuals.ts) or timing rules
 * (stage-state.ts, visibility.ts). Spec §5.5–5.12.
 */
import type { Stage } from '../animation/timeline.js';
import type { Box } from '../animation/camera-path.js';
import type { Vec3, Visual } from './visual-types.js';

/** One visual placed in a stage, with its compute group and the flags of spec §5.4 / §5.8. */
export interface SceneVisual {
  readonly visual: Visual;
  /** Index of the owning stage in `Scene.stages`. */
  readonly stage: number;
  /** Compute group 0, 1 or 2 (spec §5.5). */
  readonly group: number;
  /** The visual's result is the next stage's input (its output vanishes once the stage is finished). */
  readonly isStageOutput: boolean;
  /** A/B fade over the first 20 % of the next group on takeover, instead of vanishing (spec §5.6 rule 2). */
  readonly fadeInputsOnTakeover: boolean;
  /** False for the character-display placeholder, which carries state but never draws (§5.6 rule 5). */
  readonly drawn: boolean;
  /** World extents for camera framing (spec §6.2 step 1), computed once. */
  readonly boxes: readonly Box[];
}

export type LabelKind = 'appear' | 'compute';

/** A 3D label attached to a visual (spec §5.10.1). */
export interface SceneLabel {
  readonly text: string;
  readonly pos: Vec3;
  /** Owning visual (index into `Scene.visuals`). */
  readonly owner: number;
  readonly stage: number;
  readonly kind: LabelKind;
  readonly background: boolean;
  /** 0 = left-aligned (text runs screen-right from pos), 0.5 = centred. */
  readonly alignX: number;
  /** 'title' = 0.75·ortho/10, 'row' = 0.55·ortho/10 (spec §5.10.3). */
  readonly size: 'title' | 'row';
  /** Input row labels follow the character-display crossfade rule (spec §5.10.3 special rule). */
  readonly inputRow: boolean;
  /** Index of a label whose appearance hides this one (crossfade), or −1 (fixes §11.3 #2). */
  readonly hiddenBy: number;
  /** Largest text height in world units (the free space above a stacked matrix), or Infinity. */
  readonly maxHeight: number;
  /** Drawn grey (a PAD token, issue 17). */
  readonly dim: boolean;
}

/** One stage of the scene: timing plus the range of visuals and labels it owns. */
export interface SceneStage {
  readonly name: string;
  readonly timing: Stage;
  readonly firstVisual: number;
  readonly visualCount: number;
  readonly firstLabel: number;
  readonly labelCount: number;
  /** Number of compute groups (distinct group tags, ≥ 1). */
  readonly groups: number;
  /** 2D overlay wording (spec §7.5). */
  readonly title: string;
}

/** One big character of the character display (spec §5.11.1). */
export interface DisplayChar {
  readonly text: string;
  readonly start: Vec3;
  /** Input row-label position of its row, or undefined (final display: no flight). */
  readonly end?: Vec3;
}

/** Predicted-character return data (spec §5.11.3). */
export interface CharReturn {
  readonly text: string;
  /** Prediction label position (row predPos of the probability matrix). */
  readonly start: Vec3;
  /** The empty slot of the next layout. */
  readonly end: Vec3;
  /** The existing characters at their next-layout positions. */
  readonly existing: readonly DisplayChar[];
  /**
   * Past the context (issue 13): the oldest character, which leaves the model's window as the
   * new one enters — shown one slot before the first, fading out over the return.
   */
  readonly leaving?: DisplayChar;
  /** Percentage text, e.g. `85%`. */
  readonly pct: string;
  readonly nextSpacing: number;
}

/** Per-frame scratch state, owned by the caller (overwritten completely before it is read; see frame-at.ts). */
export interface SceneState {
  /** Per stage: phase code (PHASE_* in stage-state.ts) and local progress. */
  readonly phase: Uint8Array;
  readonly local: Float64Array;
  readonly stageAlpha: Float64Array;
  /** Per visual. */
  readonly alpha: Float64Array;
  readonly appearT: Float64Array;
  readonly t: Float64Array;
  readonly outputMult: Float64Array;
  readonly labelFade: Float64Array;
}

/** What the per-frame state evaluation needs (a subset of `Scene`). */
export interface SceneCore {
  readonly stages: readonly SceneStage[];
  readonly visuals: readonly SceneVisual[];
  /** Index of the character-display stage, or −1. */
  readonly charIdx: number;
  /** Index of the input stage, or −1. */
  readonly inputIdx: number;
  /** Stage that fades with 1 − 5r during the return (token_probs when a character returns), or −1. */
  readonly fastFadeIdx: number;
  /** Timeline total (without the return). */
  readonly total: number;
  readonly returnDuration: number;
}
