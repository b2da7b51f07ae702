/**
 * The accumulator the pipeline uses to build a scene's stages, visuals and labels (spec §5.5,
 * §5.10.1): stage ranges, visual flags, and the label positions of spec §5.10.1 (matrix title,
 * row label, column header, raised title).
 *
 * What it is: build-time helpers only (allocation is fine here). What it is not: which visuals
 * exist (pipeline.ts) or anything evaluated per frame.
 */
import type { Stage } from '../animation/timeline.js';
import { stageTitle } from '../animation/stages.js';
import type { Matrix } from '../transformer/tensor.js';
import type { LabelKind, SceneLabel, SceneStage, SceneVisual } from './scene-types.js';
import type { Placed, Vec3, Visual } from './visual-types.js';
import { SP } from './visual-types.js';
import type { Box } from '../animation/camera-path.js';
import type { InspectPart } from './inspect-refs.js';
import { placedBox } from './visuals.js';

export interface VisualFlags {
  readonly output?: boolean;
  readonly fadeOnTakeover?: boolean;
  readonly drawn?: boolean;
}

/** Columns [c0, c1) of m as a new matrix. */
export function sliceCols(m: Matrix, c0: number, c1: number): Matrix {
  const cols = c1 - c0;
  const data = new Float32Array(m.rows * cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = m.data[r * m.cols + c0 + c]!;
  return { rows: m.rows, cols, data };
}

/** mᵀ as a new matrix. */
export function transposed(m: Matrix): Matrix {
  const data = new Float32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) data[c * m.rows + r] = m.data[r * m.cols + c]!;
  return { rows: m.cols, cols: m.rows, data };
}

/** The matrices a visual draws (framing uses their boxes, with the anchor as depth reference). */
export function placedOf(v: Visual): Placed[] {
  switch (v.kind) {
    case 'static': return [v.m];
    case 'activation': return [v.pre];
    case 'add': return [v.a, v.b, v.c];
    case 'matmul': return [v.a, v.b, v.c];
  }
}

/** Title position of a placed matrix: centred, 1.2 (+ raise) above row 0 (spec §5.10.1). */
export function titlePos(p: Placed, raise = 1.2): Vec3 {
  return [p.anchor[0] - (p.cols - 1) * SP / 2, p.anchor[1] + raise, p.anchor[2]];
}

/**
 * A token as a row/column label (issue 17): `␣` for the space, `PAD` for padding (dimmed), the
 * character otherwise; the input labels spell PAD as `_`.
 * @example tokenRowLabel('_') // → {text: 'PAD', dim: true}
 */
export function tokenRowLabel(text: string): { text: string; dim: boolean } {
  if (text === '_') return { text: 'PAD', dim: true };
  return { text: text === ' ' ? '␣' : text, dim: false };
}

/** Row-label position of row r: just past the last column (screen-right). */
export function rowPos(p: Placed, r: number): Vec3 {
  return [p.anchor[0] - p.cols * SP - 0.8, p.anchor[1] - r * SP, p.anchor[2]];
}

export interface LabelOptions {
  readonly background?: boolean;
  readonly alignX?: number;
  readonly size?: 'title' | 'row';
  readonly inputRow?: boolean;
  readonly hiddenBy?: number;
  readonly maxHeight?: number;
  readonly dim?: boolean;
}

/**
 * Room for a title above a matrix in a vertical stack (QKV rows, attention heads): the free gap
 * between the stacked rows less the title's 1.2 lift and a small margin (Infinity for one row).
 * Titles scale with the zoom to keep a constant size on screen (spec §5.10.3); in a tall stack —
 * e.g. 8 heads — that would push them into the matrix above, so they stop growing here.
 */
export function stackTitleRoom(rowPitch: number, rowsHeight: number, count: number): number {
  if (count < 2) return Infinity;
  return Math.max(0.5, Math.abs(rowPitch) - rowsHeight - 1.2 - 0.3);
}

export class SceneBuilder {
  readonly visuals: SceneVisual[] = [];
  readonly labels: SceneLabel[] = [];
  readonly stages: SceneStage[] = [];
  /** Per visual: what its cubes show, for the inspector (inspect-refs.ts). */
  readonly parts: (readonly InspectPart[])[] = [];
  private stageIndex = -1;
  private timing: Stage | undefined;
  private firstVisual = 0;
  private firstLabel = 0;

  /** Start collecting the visuals and labels of a timeline stage. */
  begin(timing: Stage): void {
    this.timing = timing;
    this.stageIndex = this.stages.length;
    this.firstVisual = this.visuals.length;
    this.firstLabel = this.labels.length;
  }

  /** Add a visual to the current stage; returns its index. */
  visual(visual: Visual, group: number, flags: VisualFlags = {}): number {
    const boxes: Box[] = flags.drawn === false ? [] : placedOf(visual).map((p) => ({ ...placedBox(p), anchor: p.anchor }));
    this.visuals.push({
      visual, stage: this.stageIndex, group,
      isStageOutput: flags.output ?? false,
      fadeInputsOnTakeover: flags.fadeOnTakeover ?? false,
      drawn: flags.drawn ?? true,
      boxes,
    });
    this.parts.push([]);
    return this.visuals.length - 1;
  }

  /** Say what visual `vi`'s cubes show (for the inspector). */
  inspect(vi: number, ...parts: InspectPart[]): void {
    this.parts[vi] = Object.freeze(parts);
  }

  /** Add a label; returns its index. */
  label(
    text: string, pos: Vec3, owner: number, kind: LabelKind,
    opts: LabelOptions = {},
  ): number {
    this.labels.push({
      text, pos, owner, stage: this.stageIndex, kind,
      background: opts.background ?? true,
      alignX: opts.alignX ?? 0.5,
      size: opts.size ?? 'title',
      inputRow: opts.inputRow ?? false,
      hiddenBy: opts.hiddenBy ?? -1,
      maxHeight: opts.maxHeight ?? Infinity,
      dim: opts.dim ?? false,
    });
    return this.labels.length - 1;
  }

  /** Title label of a placed matrix (at most `maxHeight` world units tall). */
  title(text: string, p: Placed, owner: number, kind: LabelKind, maxHeight = Infinity): number {
    return this.label(text, titlePos(p), owner, kind, { maxHeight });
  }

  /** Finish the current stage. */
  end(): void {
    const timing = this.timing;
    if (timing === undefined) throw new Error('SceneBuilder.end without begin');
    const groups = new Set<number>();
    for (let i = this.firstVisual; i < this.visuals.length; i++) groups.add(this.visuals[i]!.group);
    this.stages.push({
      name: timing.name,
      timing,
      firstVisual: this.firstVisual,
      visualCount: this.visuals.length - this.firstVisual,
      firstLabel: this.firstLabel,
      labelCount: this.labels.length - this.firstLabel,
      groups: Math.max(1, groups.size),
      title: stageTitle(timing.name),
    });
    this.timing = undefined;
  }
}
