/**
 * What a drawn matrix *is*, for the inspector (issue 17): each visual of a scene lists its parts —
 * a placed grid, the colours its cubes wear in that role, and a `MatrixRef` naming the model
 * matrix (the golden fixtures' key, block, head, how the drawn grid maps onto the stored matrix)
 * and how its values were computed (`Formula`, with references to the operand matrices).
 *
 * Built once with the scene (pipeline.ts calls the helpers below); plain immutable data. What it
 * is not: picking (pick.ts) or the wording of the tooltip (inspect.ts).
 *
 * Symbols: S = seqLen, D = dModel, dk = dK.
 */
import type { Matrix } from '../transformer/tensor.js';
import type { Placed } from './visual-types.js';

/** How a matrix's values were computed from other matrices (all references point at MatrixRefs). */
export type Formula =
  /** C = A·B (+ bias), optionally scaled (scores: / √dk) and causally masked (−1e9 above the diagonal). */
  | {
    readonly kind: 'matmul'; readonly a: MatrixRef; readonly b: MatrixRef;
    readonly bias?: Float32Array; readonly biasName?: string; readonly scale?: number; readonly causal?: boolean;
  }
  /** Row softmax of x (attention weights, causal; token probabilities with temperature). */
  | { readonly kind: 'softmax'; readonly x: MatrixRef; readonly causal: boolean; readonly temperature?: boolean }
  | { readonly kind: 'relu'; readonly x: MatrixRef }
  /** The head outputs side by side: column c comes from head ⌊c/dk⌋. */
  | { readonly kind: 'concat'; readonly heads: readonly MatrixRef[]; readonly dk: number }
  | { readonly kind: 'add'; readonly a: MatrixRef; readonly b: MatrixRef }
  | { readonly kind: 'layernorm'; readonly x: MatrixRef; readonly gamma: Float32Array; readonly beta: Float32Array; readonly which: 1 | 2 };

/** A model matrix as drawn. */
export interface MatrixRef {
  /** The golden fixtures' key (`Q`, `attention_scores`, `W_Q`, `logits`, …). */
  readonly key: string;
  /** On-screen name with text-layout markup (`W_{Q}`, `K^{T}`). */
  readonly label: string;
  /** 1-based, or null where it does not apply (LM head, random-mode input is block 1's input). */
  readonly block: number | null;
  readonly head: number | null;
  /** Values in drawn orientation: element (r, c) of the grid on screen. */
  readonly values: Matrix;
  /** Drawn (r, c) is stored (c, r) (Kᵀ, Embedᵀ). */
  readonly transposed: boolean;
  /** Stored column = drawn column (or row, when transposed) + this (a head's slice of Q, K, V). */
  readonly colOffset: number;
  /** Rows (drawn) are token positions; columns too (attention scores and weights). */
  readonly rowTokens: boolean;
  readonly colTokens: boolean;
  readonly formula?: Formula;
  /** The ±limit of its blue–white–red colours when it is not its own (a head's slice shares its matrix's). */
  readonly colourScale?: number;
}

/** One role of a visual's cubes: the grid they sit on, the colours they wear, the matrix they show. */
export interface InspectPart {
  readonly placed: Placed;
  readonly colors: Float32Array;
  readonly ref: MatrixRef;
}

/** Fields a ref may leave out (defaults: block 1, no head, not transposed, no offset, token rows). */
export interface RefOptions {
  readonly block?: number | null;
  readonly head?: number | null;
  readonly transposed?: boolean;
  readonly colOffset?: number;
  readonly rowTokens?: boolean;
  readonly colTokens?: boolean;
  readonly formula?: Formula;
  readonly colourScale?: number;
}

/**
 * A matrix reference (frozen).
 * @example matrixRef('Q', 'Q', rec.blocks[0].Q, {formula: {kind: 'matmul', a: x, b: wq}})
 */
export function matrixRef(key: string, label: string, values: Matrix, o: RefOptions = {}): MatrixRef {
  return Object.freeze({
    key, label, values,
    block: o.block === undefined ? 1 : o.block,
    head: o.head ?? null,
    transposed: o.transposed ?? false,
    colOffset: o.colOffset ?? 0,
    rowTokens: o.rowTokens ?? true,
    colTokens: o.colTokens ?? false,
    formula: o.formula,
    colourScale: o.colourScale,
  });
}

/** A part: grid + colours (the placed matrix's own unless given) + ref. */
export function part(placed: Placed, ref: MatrixRef, colors: Float32Array = placed.colors): InspectPart {
  return Object.freeze({ placed, colors, ref });
}

/**
 * The stored (fixture) coordinates of drawn element (r, c) of `ref`: [row, col].
 * @example storedIndex(kTransposedHead2, 1, 3) // → [3, 4 + 1]
 */
export function storedIndex(ref: MatrixRef, r: number, c: number): [number, number] {
  return ref.transposed ? [c, r + ref.colOffset] : [r, c + ref.colOffset];
}
