/**
 * The activation record of a forward pass, named exactly like the golden fixtures
 * (STYLE.md §22; spec §1.5–1.6). The model's forward returns it, training consumes the same
 * numbers, and the visualiser draws them: one source of numbers for tests, training and pictures.
 * Types only.
 *
 * Shapes (S = seqLen, D = dModel, H = numHeads, dk = dK, F = dFF, V = vocabSize):
 */
import type { ModelConfig } from './config.js';
import type { Matrix } from './tensor.js';
import type { BlockWeights } from './weights.js';

export interface BlockRecord {
  readonly input: Matrix; // S×D
  readonly Q: Matrix; // S×D
  readonly K: Matrix; // S×D
  readonly V: Matrix; // S×D
  /** Per head h: Q_h·K_hᵀ/√dk with masked entries −1e9 (kept as recorded). H × (S×S). */
  readonly attention_scores: readonly Matrix[];
  /** Per head: row softmax of the scores. H × (S×S). */
  readonly attention_weights: readonly Matrix[];
  /** Per head: weights_h·V_h. H × (S×dk). */
  readonly head_outputs: readonly Matrix[];
  readonly concat: Matrix; // S×D
  readonly attn_output: Matrix; // S×D
  readonly residual1: Matrix; // S×D
  readonly layernorm1: Matrix; // S×D
  readonly ffn_pre_relu: Matrix; // S×F
  readonly ffn_hidden: Matrix; // S×F
  readonly ffn_output: Matrix; // S×D
  readonly residual2: Matrix; // S×D
  readonly layernorm2: Matrix; // S×D
  readonly output: Matrix; // S×D (= layernorm2)
  /** The block's weights, so the scene can draw W_Q … W2 next to their products. */
  readonly weights: BlockWeights;
}

/** Everything one forward pass produced. Random-weights mode has no embedding / LM head fields. */
export interface ForwardRecord {
  readonly config: ModelConfig;
  /** S token ids (PAD-padded); undefined in random-weights mode. */
  readonly tokenIds?: Int32Array;
  readonly embedded?: Matrix; // S×D
  /** Input of block 0 (= embedded + pos_encoding, or the random-mode X). */
  readonly blockInput: Matrix; // S×D
  readonly blocks: readonly BlockRecord[];
  /** The last block's output. */
  readonly output: Matrix; // S×D
  /** Eᵀ (D×V), the weight-tied LM head; undefined in random mode. */
  readonly W_out?: Matrix;
  readonly logits?: Matrix; // S×V
  /** Temperature-scaled probabilities (what is displayed). */
  readonly probs?: Matrix; // S×V
  /** Argmax (T = 0) or sampled ids per row. */
  readonly predictedIds?: Int32Array;
}
