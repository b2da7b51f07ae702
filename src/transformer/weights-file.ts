/**
 * Weights ↔ `.npz` (spec §1.10): keys `embedding` (V×D), `pos_encoding` (S×D) and
 * `block{i}_{W_Q,W_K,W_V,W_O,W1,b1,W2,b2,gamma1,beta1,gamma2,beta2}`, the reference's names, so
 * its trained files load unchanged and ours load in the reference.
 *
 * The config comes from the shapes: V and D from `embedding`, S from `pos_encoding` (the
 * reference's own weights use S = 12), B from the block keys, F from `block0_W1`. The number of
 * heads is not in the shapes: 4 (the default) unless D is not divisible by 4, then the largest
 * of 3, 2, 1 dividing D — or an explicit override. Unlike the reference (which validates
 * nothing), every key and shape is checked, and NaN/Inf are refused, each with a one-line
 * UserError naming the file and key.
 *
 * Not here: the archive format (npz.ts).
 */
import { UserError } from '../errors.js';
import type { ModelConfig } from './config.js';
import { makeConfig } from './config.js';
import type { NpyArray } from './npz.js';
import { NPZ_HINT, readNpz, writeNpz } from './npz.js';
import { NON_FINITE_HINT, forward } from './model.js';
import { CHARS, VOCAB_SIZE } from './vocab.js';
import type { Weights } from './weights.js';
import { allocateWeights } from './weights.js';

export interface LoadOptions {
  /** Number of attention heads H (not recorded in the file). Default: 4 when D % 4 = 0. */
  readonly numHeads?: number;
}

/** The (key, {shape, data}) pairs of `weights`, in flat parameter order, as .npz stores them. */
export function weightsToArrays(weights: Weights): [string, { shape: readonly number[]; data: Float32Array }][] {
  return weights.groups.map((g) => [g.key, { shape: g.npzShape, data: g.matrix.data }]);
}

function defaultHeads(D: number): number {
  for (const h of [4, 3, 2, 1]) if (D % h === 0) return h;
  return 1;
}

const shapeText = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/**
 * Infer the config of an archive's arrays (see the header). `name` is the file, for errors.
 */
export function configFromArrays(arrays: ReadonlyMap<string, NpyArray>, name: string, opts: LoadOptions = {}): ModelConfig {
  const need = (key: string, rank: number): NpyArray => {
    const a = arrays.get(key);
    if (a === undefined) throw new UserError(`${name}: missing key '${key}' (not a gptviz/GPT-Visualizer weights file?)`, { hint: NPZ_HINT });
    if (a.shape.length !== rank) throw new UserError(`${name}, key ${key}: expected a ${rank}-D array, got shape ${shapeText(a.shape)}`, { hint: NPZ_HINT });
    return a;
  };
  const emb = need('embedding', 2);
  const [V, D] = emb.shape as [number, number];
  if (V !== VOCAB_SIZE) throw new UserError(`${name}, key embedding: ${V} rows, but the vocabulary has ${VOCAB_SIZE} tokens`, { hint: NPZ_HINT });
  const pos = need('pos_encoding', 2);
  const [S, Dp] = pos.shape as [number, number];
  if (Dp !== D) throw new UserError(`${name}, key pos_encoding: shape ${shapeText(pos.shape)}, expected (S, ${D}) to match embedding`, { hint: NPZ_HINT });
  let B = 0;
  while (arrays.has(`block${B}_W_Q`)) B++;
  if (B === 0) throw new UserError(`${name}: missing key 'block0_W_Q' (no transformer blocks)`, { hint: NPZ_HINT });
  const w1 = need('block0_W1', 2);
  const F = w1.shape[1]!;
  const H = opts.numHeads ?? defaultHeads(D);
  try {
    return makeConfig({ dModel: D, seqLen: S, numHeads: H, dFF: F, numBlocks: B, vocabSize: V });
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${name}: ${e.message}`, { hint: NPZ_HINT });
    throw e;
  }
}

/**
 * Build Weights from an archive's arrays: config from the shapes, then every key of the layout
 * checked (present, exact shape, finite) and copied (float64 is rounded to float32).
 */
export function weightsFromArrays(arrays: ReadonlyMap<string, NpyArray>, name: string, opts: LoadOptions = {}): Weights {
  const config = configFromArrays(arrays, name, opts);
  const weights = allocateWeights(config);
  for (const g of weights.groups) {
    const a = arrays.get(g.key);
    if (a === undefined) throw new UserError(`${name}: missing key '${g.key}'`, { hint: NPZ_HINT });
    const same = a.shape.length === g.npzShape.length && a.shape.every((n, i) => n === g.npzShape[i]);
    if (!same) throw new UserError(`${name}, key ${g.key}: shape ${shapeText(a.shape)}, expected ${shapeText(g.npzShape)}`, { hint: NPZ_HINT });
    const d = a.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i]!)) throw new UserError(`${name}, key ${g.key}: contains ${d[i]} at index ${i} (NaN/Inf weights)`, { hint: NPZ_HINT });
    }
    g.matrix.data.set(d);
    // float64 → float32 overflow to ±Inf is caught too
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(g.matrix.data[i]!)) throw new UserError(`${name}, key ${g.key}: value ${d[i]} at index ${i} overflows float32`, { hint: NPZ_HINT });
    }
  }
  return weights;
}

/**
 * Load a weights `.npz` (ours or the reference's). One-line UserError naming the file and key
 * for a missing file, not a zip, missing key, wrong shape, unsupported dtype/order, NaN/Inf.
 * @example loadWeights('weights/charlm.npz').config.seqLen // 16 (12 for the reference's file)
 */
export function loadWeights(path: string, opts: LoadOptions = {}): Weights {
  const weights = weightsFromArrays(readNpz(path), path, opts);
  checkComputable(weights, path);
  return weights;
}

/**
 * One greedy forward pass over the vocabulary: finite but extreme weights (e.g. 3e38) overflow to
 * Inf/NaN inside the pass, which the loader's finiteness check cannot see. Throws the one-line
 * UserError "NAME produces non-finite values" (issue 12). About 20 µs.
 */
export function checkComputable(weights: Weights, name: string): void {
  const S = weights.config.seqLen;
  const ids = Int32Array.from({ length: S }, (_, i) => i % CHARS.length);
  try {
    forward(weights, ids);
  } catch (e) {
    if (e instanceof UserError && e.hint === NON_FINITE_HINT) {
      throw new UserError(e.message.replace(/^the model/, name), { hint: NON_FINITE_HINT });
    }
    throw e;
  }
}

/** Save weights as an uncompressed `.npz` with the reference's key names, atomically. */
export function saveWeights(path: string, weights: Weights): void {
  writeNpz(path, weightsToArrays(weights));
}
