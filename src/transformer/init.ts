/**
 * Default parameter initialisation of the CharLM, bit for bit as the reference (spec §1.4):
 * - one RandomState(42): embedding (V×D) then pos_encoding (S×D), standard normal × 0.1;
 * - block i: its own RandomState(42 + i): W_Q, W_K, W_V, W_O (D×D, × √(2/(D+D))), W1 (D×F,
 *   × √(2/(D+F))), b1 = 0, W2 (F×D, × √(2/(F+D))), b2 = 0, γ1 = 1, β1 = 0, γ2 = 1, β2 = 0.
 * Normals are drawn in float64, cast to float32 BEFORE scaling, and the product is rounded to
 * float32 (numpy: `randn(r, c).astype(float32) * scale` with a Python-float scale keeps float32;
 * the float32 product of two float32 values is exactly Math.fround of the double product).
 *
 * Not here: storage layout (weights.ts), loading (weights-file.ts / npz.ts).
 */
import type { ModelConfig } from './config.js';
import { RandomState } from './rng.js';
import type { Matrix } from './tensor.js';
import type { BlockWeights, Weights } from './weights.js';
import { allocateWeights, parameterCount } from './weights.js';

/** Fill `m` with float32(normal) · scale, in row-major stream order. */
function fillNormal(m: Matrix, rs: RandomState, scale: number): void {
  const d = m.data;
  const s32 = Math.fround(scale);
  for (let i = 0; i < d.length; i++) d[i] = Math.fround(Math.fround(rs.standardNormal()) * s32);
}

/**
 * Initialise the weights of block `index` (seed 42 + index) in place. Also the blocks of the
 * random-weights mode (spec §1.9).
 */
export function initBlockWeights(bw: BlockWeights, config: ModelConfig, index: number): BlockWeights {
  const D = config.dModel;
  const F = config.dFF;
  const rs = new RandomState(42 + index);
  const attnScale = Math.sqrt(2 / (D + D));
  const ffnScale = Math.sqrt(2 / (D + F));
  fillNormal(bw.W_Q, rs, attnScale);
  fillNormal(bw.W_K, rs, attnScale);
  fillNormal(bw.W_V, rs, attnScale);
  fillNormal(bw.W_O, rs, attnScale);
  fillNormal(bw.W1, rs, ffnScale);
  bw.b1.data.fill(0);
  fillNormal(bw.W2, rs, Math.sqrt(2 / (F + D)));
  bw.b2.data.fill(0);
  bw.gamma1.data.fill(1);
  bw.beta1.data.fill(0);
  bw.gamma2.data.fill(1);
  bw.beta2.data.fill(0);
  return bw;
}

/**
 * The reference's default CharLM initialisation (spec §1.4). Writes into `out` when given
 * (its config must be `config`), else allocates.
 *
 * @example
 * const w = initWeights(DEFAULT_CONFIG);
 * w.embedding.data[0] === Math.fround(Math.fround(0.4967141530112327) * Math.fround(0.1))
 */
export function initWeights(config: ModelConfig, out?: Weights): Weights {
  const w = out ?? allocateWeights(config);
  if (out !== undefined && out.flat.length !== parameterCount(config)) {
    throw new Error(`initWeights: \`out\` holds ${out.flat.length} floats, the config needs ${parameterCount(config)}`);
  }
  const rs = new RandomState(42);
  fillNormal(w.embedding, rs, 0.1);
  fillNormal(w.pos_encoding, rs, 0.1);
  for (let b = 0; b < config.numBlocks; b++) initBlockWeights(w.blocks[b]!, config, b);
  return w;
}
