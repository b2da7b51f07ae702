/**
 * Model configuration: the typed, validated shape of the tiny GPT (spec §1.1).
 *
 * Symbols follow the spec: S = seqLen, D = dModel, H = numHeads, dk = dK, F = dFF, B = numBlocks,
 * V = vocabulary size. Everything else in the project derives its sizes from a ModelConfig, so
 * other sizes work. This module validates; it does not know about weights files (a weights file
 * determines its config from its array shapes, see npz/weights loading).
 */
import { UserError } from '../errors.js';

/** The hint under a config error (commands rephrase it for their own flags). */
const CONFIG_HINT = 'choose sizes that fit: d_model divisible by the number of heads, every size a positive integer';

export interface ModelConfig {
  /** D: embedding width. */
  readonly dModel: number;
  /** S: context length, also the number of matrix rows everywhere. */
  readonly seqLen: number;
  /** H: attention heads. */
  readonly numHeads: number;
  /** dk = D / H: per-head width. */
  readonly dK: number;
  /** F: feed-forward hidden width. */
  readonly dFF: number;
  /** B: transformer blocks. */
  readonly numBlocks: number;
  /** V: vocabulary size (32 for the shipped vocabulary). */
  readonly vocabSize: number;
}

/**
 * The longest text --length may ask a generation for (generation.ts). Here, with no imports of
 * the model, so that the command line's parsing can check it without loading the model's code
 * first (cli/options.ts: the window starts opening right after parsing; issue 15).
 */
export const MAX_LENGTH = 4096;

export const DEFAULT_CONFIG: ModelConfig = Object.freeze({
  dModel: 16,
  seqLen: 16,
  numHeads: 4,
  dK: 4,
  dFF: 128,
  numBlocks: 4,
  vocabSize: 32,
});

/**
 * Build a validated config; missing fields take the defaults and dK derives from D / H.
 * Throws a UserError whose message names the numbers, e.g.
 * "d_model (18) must be divisible by num_heads (4)".
 *
 * @example makeConfig({ dModel: 32, numHeads: 8 }).dK === 4
 */
export function makeConfig(partial: Partial<ModelConfig> = {}): ModelConfig {
  const c = { ...DEFAULT_CONFIG, ...partial };
  const positive: [keyof ModelConfig, string][] = [
    ['dModel', 'd_model'],
    ['seqLen', 'seq_len'],
    ['numHeads', 'num_heads'],
    ['dFF', 'd_ff'],
    ['numBlocks', 'num_blocks'],
    ['vocabSize', 'vocab_size'],
  ];
  for (const [key, name] of positive) {
    const v = c[key];
    if (!Number.isInteger(v) || v <= 0) throw new UserError(`${name} (${v}) must be a positive integer`, { hint: CONFIG_HINT });
  }
  if (c.dModel % c.numHeads !== 0) {
    throw new UserError(`d_model (${c.dModel}) must be divisible by num_heads (${c.numHeads})`, { hint: CONFIG_HINT });
  }
  const dK = c.dModel / c.numHeads;
  if (partial.dK !== undefined && partial.dK !== dK) {
    throw new UserError(`d_k (${partial.dK}) must equal d_model // num_heads (${dK})`, { hint: CONFIG_HINT });
  }
  return Object.freeze({ ...c, dK });
}
