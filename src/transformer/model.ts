/**
 * The CharLM forward pass (spec §1.5–1.7, §1.9): post-LayerNorm transformer blocks with causal
 * attention, learned positional encoding, weight-tied LM head, temperature-scaled probabilities
 * and predicted ids; plus the random-weights mode (no embedding, no head).
 *
 * Every intermediate lands in a record named like the golden fixtures (activations.ts); the
 * visualiser draws these numbers and training consumes them. Two entry levels:
 * - `forward(weights, ids, opts)` / `blockForward(x, bw, config)`: allocate a fresh record per
 *   call (generation keeps one record per step);
 * - `createForwardRecord(weights)` + `forwardInto(record, weights, ids, opts)`: allocation-free
 *   hot path over a preallocated record (benchmarks, training).
 *
 * Two implementations behind the same records: records from createForwardRecord run the
 * WebAssembly SIMD pass of wasm-forward.ts when it covers the config (every width a multiple of
 * 4; ≈ 20 µs instead of ≈ 210 µs per default pass, issue 3's target is 50 µs) and their buffers
 * are views into the record's wasm memory; otherwise, or with kernels = 'js', the JS kernels
 * of kernels.ts and attention.ts (the family training uses too). `forward` runs the wasm pass in
 * a reused per-config workspace and copies the numbers into a fresh plain record. Both implementations agree far inside the 1e-5 fixture
 * tolerance and pick the same ids (test/transformer/wasm-forward.test.ts). `blockForward` alone
 * always uses the JS kernels.
 *
 * Symbols: S = seq_len, D = d_model, H = heads, dk = D/H, F = d_ff, V = vocab. Not here: the
 * kernels (kernels.ts, attention.ts, wasm-kernels.ts), sampling (sample.ts), initialisation
 * (init.ts), the training graph (backward.ts).
 */
import { UserError } from '../errors.js';
import type { BlockRecord, ForwardRecord } from './activations.js';
import type { ModelConfig } from './config.js';
import { initRandomBlocks } from './random-blocks.js';
import { causalMask, headOutput, headScores } from './attention.js';
import { add, layerNormForward, matmul, matmulABt, softmaxRows } from './kernels.js';
import { RandomState } from './rng.js';
import { argmaxRows, sampleRows, samplingSeed } from './sample.js';
import type { Matrix } from './tensor.js';
import { matrix, matrixView } from './tensor.js';
import type { WasmEngine } from './wasm-forward.js';
import { createWasmRecord } from './wasm-forward.js';
import type { BlockWeights, Weights } from './weights.js';
import { allocateWeights } from './weights.js';

export interface ForwardOptions {
  /** Sampling temperature T ≥ 0; 0 = greedy (argmax) and probs = softmax(logits). Default 0. */
  readonly temperature?: number;
  /** Integer XOR-ed into the per-input sampling seed (spec §1.7); undefined = none. */
  readonly seed?: number | undefined;
}

/** H matrices of rows×cols as views over one contiguous buffer (stacked like the fixtures). */
function stacked(H: number, rows: number, cols: number): Matrix[] {
  const buf = new Float32Array(H * rows * cols);
  return Array.from({ length: H }, (_, h) => matrixView(buf, h * rows * cols, rows, cols));
}

/** Allocate an empty block record for `config`, pointing at the block weights `bw`. */
export function createBlockRecord(config: ModelConfig, bw: BlockWeights): BlockRecord {
  const S = config.seqLen;
  const D = config.dModel;
  const H = config.numHeads;
  const F = config.dFF;
  return {
    input: matrix(S, D),
    Q: matrix(S, D),
    K: matrix(S, D),
    V: matrix(S, D),
    attention_scores: stacked(H, S, S),
    attention_weights: stacked(H, S, S),
    head_outputs: stacked(H, S, config.dK),
    concat: matrix(S, D),
    attn_output: matrix(S, D),
    residual1: matrix(S, D),
    layernorm1: matrix(S, D),
    ffn_pre_relu: matrix(S, F),
    ffn_hidden: matrix(S, F),
    ffn_output: matrix(S, D),
    residual2: matrix(S, D),
    layernorm2: matrix(S, D),
    output: matrix(S, D),
    weights: bw,
  };
}

/**
 * One transformer block with the causal mask (spec §1.5), written into `out` (allocated when
 * omitted; then `out.weights` must be `bw`). x: S×D (copied into out.input; may be another
 * record's output). Returns `out`.
 *
 * @example
 * const rec = blockForward(x, weights.blocks[0], config); // rec.attention_weights[h] is S×S
 */
export function blockForward(x: Matrix, bw: BlockWeights, config: ModelConfig, out?: BlockRecord): BlockRecord {
  const S = config.seqLen;
  const D = config.dModel;
  const H = config.numHeads;
  const dk = config.dK;
  const F = config.dFF;
  if (x.rows !== S || x.cols !== D) throw new RangeError(`blockForward: x is ${x.rows}×${x.cols}, expected ${S}×${D}`);
  const r = out ?? createBlockRecord(config, bw);
  if (r.input.data !== x.data) r.input.data.set(x.data);
  const X = r.input.data; // S×D
  // 1. projections, no biases
  matmul(r.Q.data, X, bw.W_Q.data, S, D, D); // S×D
  matmul(r.K.data, X, bw.W_K.data, S, D, D); // S×D
  matmul(r.V.data, X, bw.W_V.data, S, D, D); // S×D
  // 2–4. per head: scaled scores, causal mask (−1e9), softmax, weights·V_h, into concat
  const scale = 1 / Math.sqrt(dk);
  for (let h = 0; h < H; h++) {
    const sc = r.attention_scores[h]!.data; // S×S
    headScores(sc, r.Q.data, r.K.data, S, D, h, dk, scale);
    causalMask(sc, S);
    const w = r.attention_weights[h]!.data; // S×S
    softmaxRows(w, sc, S, S);
    headOutput(r.head_outputs[h]!.data, r.concat.data, w, r.V.data, S, D, h, dk, true); // S×dk, S×D
  }
  // 5–6. output projection, residual with X, LayerNorm 1
  matmul(r.attn_output.data, r.concat.data, bw.W_O.data, S, D, D); // S×D
  add(r.residual1.data, X, r.attn_output.data, S * D); // S×D
  layerNormForward(r.layernorm1.data, null, null, null, 0, r.residual1.data, 0, bw.gamma1.data, 0, bw.beta1.data, 0, S, D);
  // 7. feed-forward
  // pre_relu = LN1·W1 + b1 (S×F) and hidden = max(0, pre_relu) (S×F) in one pass
  matmul(r.ffn_pre_relu.data, r.layernorm1.data, bw.W1.data, S, D, F, bw.b1.data, r.ffn_hidden.data);
  matmul(r.ffn_output.data, r.ffn_hidden.data, bw.W2.data, S, F, D, bw.b2.data); // S×D
  // 8. residual with LN1 (not X), LayerNorm 2; output = LN2
  add(r.residual2.data, r.layernorm1.data, r.ffn_output.data, S * D); // S×D
  layerNormForward(r.layernorm2.data, null, null, null, 0, r.residual2.data, 0, bw.gamma2.data, 0, bw.beta2.data, 0, S, D);
  r.output.data.set(r.layernorm2.data);
  return r;
}

/** Mutable shape of the record this module builds (exposed read-only as ForwardRecord). */
interface MutableForwardRecord {
  config: ModelConfig;
  tokenIds?: Int32Array;
  embedded?: Matrix;
  blockInput: Matrix;
  blocks: BlockRecord[];
  output: Matrix;
  W_out?: Matrix;
  logits?: Matrix;
  probs?: Matrix;
  predictedIds?: Int32Array;
}

/**
 * Which operators compute a record: 'auto' = the WebAssembly SIMD pass (wasm-forward.ts) when it
 * covers the config and runtime, else JS; 'js' = always the JS kernels of kernels.ts (the fallback,
 * kept tested against the wasm pass).
 */
export type ForwardKernels = 'auto' | 'js';

/** The wasm engine of each record that has one (records without one run the JS kernels). */
const ENGINES = new WeakMap<ForwardRecord, WasmEngine>();

/**
 * Allocate a complete CharLM record for `weights` (every buffer of one forward pass). With
 * `lmHead` false, the random-weights-mode shape (no ids, embedding, logits, probs). With the
 * wasm kernels, the record's Float32Arrays are views into the record's own wasm memory.
 */
export function createForwardRecord(weights: Weights, lmHead = true, kernels: ForwardKernels = 'auto'): ForwardRecord {
  if (kernels === 'auto') {
    const w = createWasmRecord(weights, lmHead);
    if (w !== null) {
      ENGINES.set(w.record, w.engine);
      return w.record;
    }
  }
  const c = weights.config;
  const S = c.seqLen;
  const D = c.dModel;
  const V = c.vocabSize;
  const blocks = weights.blocks.map((bw) => createBlockRecord(c, bw));
  const rec: MutableForwardRecord = {
    config: c,
    blockInput: matrix(S, D),
    blocks,
    output: blocks[blocks.length - 1]!.output,
  };
  if (lmHead) {
    rec.tokenIds = new Int32Array(S);
    rec.embedded = matrix(S, D);
    rec.W_out = matrix(D, V);
    rec.logits = matrix(S, V);
    rec.probs = matrix(S, V);
    rec.predictedIds = new Int32Array(S);
  }
  return rec;
}

/** Check ids: length S, each an integer id in [0, V). */
function checkIds(ids: ArrayLike<number>, c: ModelConfig): void {
  if (ids.length !== c.seqLen) throw new RangeError(`forward: ${ids.length} token ids, expected seq_len ${c.seqLen}`);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= c.vocabSize) throw new RangeError(`forward: token id ${id} at ${i} is outside [0, ${c.vocabSize})`);
  }
}

/**
 * CharLM forward into a preallocated record (spec §1.6–1.7), allocation-free:
 * embedded = E[ids]; x = embedded + P; B causal blocks; logits = out·Eᵀ; probs = softmax(logits/T)
 * (T > 0) or softmax(logits); predicted ids by argmax (T = 0) or seeded sampling (T > 0).
 * `record` must come from createForwardRecord(weights). Returns it.
 */
export function forwardInto(
  record: ForwardRecord,
  weights: Weights,
  tokenIds: ArrayLike<number>,
  opts: ForwardOptions = {},
): ForwardRecord {
  const c = weights.config;
  const S = c.seqLen;
  const D = c.dModel;
  const V = c.vocabSize;
  const T = opts.temperature ?? 0;
  if (!(T >= 0) || !Number.isFinite(T)) throw new RangeError(`forward: temperature (${T}) must be a finite number ≥ 0`);
  checkIds(tokenIds, c);
  const { tokenIds: ids, embedded, W_out: wOut, logits, probs, predictedIds } = record;
  if (ids === undefined || embedded === undefined || wOut === undefined || logits === undefined || probs === undefined || predictedIds === undefined) {
    throw new Error('forwardInto: record has no LM-head buffers (created with lmHead = false)');
  }
  const engine = ENGINES.get(record);
  if (engine !== undefined) {
    for (let i = 0; i < S; i++) ids[i] = tokenIds[i]!;
    const divisor = T > 0 ? T : 1;
    // rows whose max of logits / T overflowed (T below ~1e-38): the JS softmax has the limit rule
    if (engine.runForward(weights, divisor) !== 0) softmaxRows(probs.data, logits.data, S, V, divisor);
    return pick(record, T, opts.seed);
  }
  const E = weights.embedding.data; // V×D
  const P = weights.pos_encoding.data; // S×D
  const x = record.blockInput.data; // S×D
  for (let i = 0; i < S; i++) {
    const id = tokenIds[i]!;
    ids[i] = id;
    for (let j = 0; j < D; j++) {
      const e = E[id * D + j]!;
      embedded.data[i * D + j] = e;
      x[i * D + j] = e + P[i * D + j]!;
    }
  }
  runBlocks(record, weights);
  // weight-tied head: W_out = Eᵀ (D×V); logits = output·Eᵀ (S×V)
  for (let v = 0; v < V; v++) for (let j = 0; j < D; j++) wOut.data[j * V + v] = E[v * D + j]!;
  matmulABt(logits.data, 0, record.output.data, 0, E, 0, null, 0, S, D, V, false);
  softmaxRows(probs.data, logits.data, S, V, T > 0 ? T : 1);
  return pick(record, T, opts.seed);
}

/** The hint under "produces non-finite values" (issue 12). */
export const NON_FINITE_HINT = 'its weights are too large for float32 arithmetic: retrain them, or pass other --weights';

/**
 * Predicted ids: argmax of the logits (T = 0) or seeded sampling from probs (T > 0). Finite but
 * extreme weights (e.g. 3e38 everywhere) overflow inside the pass: that is a UserError here, not
 * a sampler crash or an argmax over NaN (issue 12).
 */
function pick(record: ForwardRecord, T: number, seed: number | undefined): ForwardRecord {
  const S = record.config.seqLen;
  const V = record.config.vocabSize;
  const logits = record.logits!.data;
  const probs = record.probs!.data;
  for (let i = 0; i < S * V; i++) {
    if (!Number.isFinite(logits[i]! + probs[i]!)) {
      const what = Number.isFinite(logits[i]!) ? `a probability is ${probs[i]}` : `a logit is ${logits[i]}`;
      throw new UserError(`the model produces non-finite values (${what})`, { hint: NON_FINITE_HINT });
    }
  }
  if (T > 0) sampleRows(record.predictedIds!, record.probs!.data, S, V, samplingSeed(record.tokenIds!, seed));
  else argmaxRows(record.predictedIds!, record.logits!.data, S, V);
  return record;
}

/** Blocks in sequence, each fed the previous output. */
function runBlocks(record: ForwardRecord, weights: Weights): void {
  const engine = ENGINES.get(record);
  if (engine !== undefined) {
    engine.runBlocks(weights);
    return;
  }
  let x: Matrix = record.blockInput;
  for (let b = 0; b < record.blocks.length; b++) {
    const br = record.blocks[b]!;
    blockForward(x, weights.blocks[b]!, weights.config, br);
    x = br.output;
  }
}

/**
 * CharLM forward with a freshly allocated record of plain Float32Arrays (spec §1.6–1.7).
 * @example
 * const rec = forward(weights, encode('hello', 16), { temperature: 0.3 });
 * rec.predictedIds[4] // the sampled next character after "hello"
 */
export function forward(weights: Weights, tokenIds: ArrayLike<number>, opts: ForwardOptions = {}): ForwardRecord {
  const out = createForwardRecord(weights, true, 'js');
  const scratch = scratchRecord(weights);
  if (scratch === null) return forwardInto(out, weights, tokenIds, opts);
  forwardInto(scratch, weights, tokenIds, opts);
  copyRecord(out, scratch);
  return out;
}

/**
 * One wasm record per config, reused by `forward` as its workspace: a fresh wasm memory per call
 * would cost ≈ 120 µs of first-touch page faults, more than the pass; the copy into a plain JS
 * record costs a few µs and keeps allocated records small, ordinary Float32Arrays.
 */
const SCRATCH = new Map<string, ForwardRecord | null>();

function scratchRecord(weights: Weights): ForwardRecord | null {
  const c = weights.config;
  const key = `${c.seqLen},${c.dModel},${c.numHeads},${c.dFF},${c.numBlocks},${c.vocabSize}`;
  let rec = SCRATCH.get(key);
  if (rec === undefined) {
    rec = createForwardRecord(weights);
    if (!ENGINES.has(rec)) rec = null;
    SCRATCH.set(key, rec);
  }
  return rec;
}

/** Copy every number of `src` into `dst` (same config and shape; block weights stay dst's). */
function copyRecord(dst: ForwardRecord, src: ForwardRecord): void {
  const m = (d: Matrix | undefined, s: Matrix | undefined): void => void d?.data.set(s!.data);
  m(dst.embedded, src.embedded);
  m(dst.blockInput, src.blockInput);
  m(dst.W_out, src.W_out);
  m(dst.logits, src.logits);
  m(dst.probs, src.probs);
  dst.tokenIds?.set(src.tokenIds!);
  dst.predictedIds?.set(src.predictedIds!);
  for (let b = 0; b < dst.blocks.length; b++) {
    const d = dst.blocks[b]!;
    const s = src.blocks[b]!;
    for (const k of MATRIX_FIELDS) d[k].data.set(s[k].data);
    for (const k of HEAD_FIELDS) for (let h = 0; h < d[k].length; h++) d[k][h]!.data.set(s[k][h]!.data);
  }
}

const MATRIX_FIELDS = [
  'input', 'Q', 'K', 'V', 'concat', 'attn_output', 'residual1', 'layernorm1', 'ffn_pre_relu', 'ffn_hidden',
  'ffn_output', 'residual2', 'layernorm2', 'output',
] as const satisfies readonly (keyof BlockRecord)[]; // prettier-ignore
const HEAD_FIELDS = ['attention_scores', 'attention_weights', 'head_outputs'] as const satisfies readonly (keyof BlockRecord)[];

/**
 * Random-weights mode (spec §1.9): blocks seeded 42 + i as §1.4 (kept in the user's cache:
 * random-blocks.ts), input X = float32(RandomState(123).randn(S, D)) × 0.5, causal blocks; no
 * embedding, no LM head.
 * The embedding and pos_encoding of the returned record's weights are unused zeros.
 */
export function randomModeForward(config: ModelConfig, kernels: ForwardKernels = 'auto'): ForwardRecord {
  const weights = allocateWeights(config);
  initRandomBlocks(weights);
  const record = createForwardRecord(weights, false, kernels);
  const n = config.seqLen * config.dModel;
  const z = new RandomState(123).randn(n);
  const x = record.blockInput.data;
  for (let i = 0; i < n; i++) x[i] = Math.fround(z[i]!) * Math.fround(0.5);
  runBlocks(record, weights);
  return record;
}
