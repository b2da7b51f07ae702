/**
 * Model parameters as named views over one contiguous Float32Array (STYLE.md §23), in the
 * flat parameter order of spec §1.10: embedding, pos_encoding, then per block W_Q, W_K, W_V,
 * W_O, W1, b1, W2, b2, gamma1, beta1, gamma2, beta2 (2 + 12·B groups). Adam, clipping, zeroing
 * and .npz save/load are single loops over `flat` / `groups`. The same layout serves gradients
 * and Adam moments (allocate another Weights for them).
 *
 * Shapes: embedding V×D, pos_encoding S×D, W_Q/W_K/W_V/W_O D×D, W1 D×F, b1 1×F, W2 F×D, b2 1×D,
 * gamma/beta 1×D. Biases and LayerNorm parameters are 1-row matrices.
 */
import type { ModelConfig } from './config.js';
import type { Matrix } from './tensor.js';
import { matrixView } from './tensor.js';

export interface BlockWeights {
  readonly W_Q: Matrix;
  readonly W_K: Matrix;
  readonly W_V: Matrix;
  readonly W_O: Matrix;
  readonly W1: Matrix;
  readonly b1: Matrix;
  readonly W2: Matrix;
  readonly b2: Matrix;
  readonly gamma1: Matrix;
  readonly beta1: Matrix;
  readonly gamma2: Matrix;
  readonly beta2: Matrix;
}

export const BLOCK_PARAM_NAMES = [
  'W_Q', 'W_K', 'W_V', 'W_O', 'W1', 'b1', 'W2', 'b2', 'gamma1', 'beta1', 'gamma2', 'beta2',
] as const;
export type BlockParamName = (typeof BLOCK_PARAM_NAMES)[number];

/** One parameter group: its .npz key (e.g. `block0_W_Q`), its view, and where it sits in `flat`. */
export interface ParamGroup {
  /** .npz key (spec §1.10): `embedding`, `pos_encoding`, `block{i}_{name}`. */
  readonly key: string;
  /** Gradient-check name (spec §2.5): `embedding`, `pos_encoding`, `b{i}_{name}`. */
  readonly checkName: string;
  readonly offset: number;
  readonly matrix: Matrix;
  /** Shape as stored in .npz: 1-D for biases and LayerNorm vectors. */
  readonly npzShape: readonly number[];
}

export interface Weights {
  readonly config: ModelConfig;
  /** Every parameter, contiguous, in flat parameter order. */
  readonly flat: Float32Array;
  readonly groups: readonly ParamGroup[];
  readonly embedding: Matrix;
  readonly pos_encoding: Matrix;
  readonly blocks: readonly BlockWeights[];
}

function blockShapes(c: ModelConfig): Record<BlockParamName, [number, number, boolean]> {
  const D = c.dModel;
  const F = c.dFF;
  // [rows, cols, is1D]
  return {
    W_Q: [D, D, false], W_K: [D, D, false], W_V: [D, D, false], W_O: [D, D, false],
    W1: [D, F, false], b1: [1, F, true], W2: [F, D, false], b2: [1, D, true],
    gamma1: [1, D, true], beta1: [1, D, true], gamma2: [1, D, true], beta2: [1, D, true],
  };
}

/** Number of float32 parameters for a config. */
export function parameterCount(c: ModelConfig): number {
  return c.vocabSize * c.dModel + c.seqLen * c.dModel + c.numBlocks * blockSize(c);
}

function blockSize(c: ModelConfig): number {
  let n = 0;
  for (const [r, k] of Object.values(blockShapes(c))) n += r * k;
  return n;
}

/**
 * Lay out named views over `flat` (allocated when omitted, zero-filled). Pass a
 * SharedArrayBuffer-backed Float32Array to share parameters with worker threads.
 * LayerNorm gammas are NOT set to one here: this is storage; initialisation lives elsewhere.
 */
export function allocateWeights(config: ModelConfig, flat?: Float32Array): Weights {
  const V = config.vocabSize;
  const D = config.dModel;
  const S = config.seqLen;
  const total = parameterCount(config);
  const buf = flat ?? new Float32Array(total);
  if (buf.length !== total) throw new Error(`allocateWeights: buffer has ${buf.length} floats, need ${total}`);
  const groups: ParamGroup[] = [];
  let offset = 0;
  const take = (key: string, checkName: string, rows: number, cols: number, is1D: boolean): Matrix => {
    const m = matrixView(buf, offset, rows, cols);
    groups.push({ key, checkName, offset, matrix: m, npzShape: is1D ? [cols] : [rows, cols] });
    offset += rows * cols;
    return m;
  };
  const embedding = take('embedding', 'embedding', V, D, false);
  const posEncoding = take('pos_encoding', 'pos_encoding', S, D, false);
  const shapes = blockShapes(config);
  const blocks: BlockWeights[] = [];
  for (let b = 0; b < config.numBlocks; b++) {
    const views = {} as Record<BlockParamName, Matrix>;
    for (const name of BLOCK_PARAM_NAMES) {
      const [r, k, is1D] = shapes[name];
      views[name] = take(`block${b}_${name}`, `b${b}_${name}`, r, k, is1D);
    }
    blocks.push(views);
  }
  return { config, flat: buf, groups, embedding, pos_encoding: posEncoding, blocks };
}
