/**
 * The CharLM forward pass (spec §1.5–1.7) as one WebAssembly SIMD module per config, and the
 * records whose Float32Arrays are views into that module's memory.
 *
 * Why WebAssembly: issue 3 asks for one 16-token pass through the 4-block model in < 50 µs on a
 * 2-core machine; the pass is ≈ 360k multiply-adds, and register-blocked scalar JS tops out near
 * 3 GFLOP/s (≈ 230 µs). f32x4 kernels (wasm-kernels.ts) over weights and activations that stay
 * in wasm memory for the whole pass close that gap. The JS kernels (kernels.ts, attention.ts)
 * stay as the fallback (configs whose widths are not multiples of 4, or a runtime without wasm
 * SIMD) and as the reference the wasm results are tested against.
 *
 * Memory: each record owns one WebAssembly.Memory, sized up front and never grown (growing would
 * detach every view handed out). It holds a copy of the weights (refreshed on every pass, so a
 * record always computes with the weights' current values), the causal mask, scratch, and every
 * buffer of the record. The module is compiled once per config and instantiated per record.
 *
 * Not here: validation of ids/temperature and sampling (model.ts), the operators (wasm-kernels.ts).
 */
import type { BlockRecord, ForwardRecord } from './activations.js';
import type { ModelConfig } from './config.js';
import { MASK_VALUE } from './attention.js';
import { LN_EPS } from './kernels.js';
import type { Matrix } from './tensor.js';
import { matrixView } from './tensor.js';
import { Code, moduleBytes } from './wasm-asm.js';
import type { Addr } from './wasm-kernels.js';
import { Regs, abs, emitAddLayerNorm, emitMatmul, emitSoftmaxVectors, setPtr, stepLoop } from './wasm-kernels.js';
import type { Weights } from './weights.js';
import { BLOCK_PARAM_NAMES, allocateWeights, parameterCount } from './weights.js';

/** The parts of the WebAssembly JS API used here (the project's TS libs do not declare them). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
const WASM = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Float offsets of one block's activations (BlockRecord order), relative to the block start. */
interface BlockLayout {
  readonly input: number; readonly Q: number; readonly K: number; readonly V: number; // prettier-ignore
  readonly scores: number; readonly weights: number; readonly heads: number; readonly concat: number; // prettier-ignore
  readonly attn: number; readonly res1: number; readonly ln1: number; readonly pre: number; // prettier-ignore
  readonly hidden: number; readonly ffn: number; readonly res2: number; readonly ln2: number; // prettier-ignore
  readonly output: number; readonly size: number; // prettier-ignore
}

/** Float offsets of everything in a record's memory. */
interface Layout {
  readonly params: number; // weights copy at 0, parameterCount floats
  readonly mask: number; // S×S: 1e9 above the diagonal, else 0
  readonly kt: number; // D×S scratch: Kᵀ of the current block
  readonly ids: number; // S int32
  readonly embedded: number; // S×D
  readonly blockInput: number; // S×D
  readonly wOut: number; // D×V
  readonly logits: number; // S×V
  readonly probs: number; // S×V
  readonly blocks: number; // B × block.size
  readonly block: BlockLayout;
  readonly total: number;
  /** Float offsets of block 0's parameters and the parameter stride between blocks. */
  readonly param: Readonly<Record<(typeof BLOCK_PARAM_NAMES)[number], number>>;
  readonly paramStride: number;
  readonly posEncoding: number;
  readonly embedding: number;
}

const up4 = (n: number): number => Math.ceil(n / 4) * 4;

function blockLayout(c: ModelConfig): BlockLayout {
  const { seqLen: S, dModel: D, numHeads: H, dFF: F, dK: dk } = c;
  let o = 0;
  const take = (n: number): number => ((o += n), o - n);
  const b = {
    input: take(S * D), Q: take(S * D), K: take(S * D), V: take(S * D), // prettier-ignore
    scores: take(H * S * S), weights: take(H * S * S), heads: take(H * S * dk), concat: take(S * D), // prettier-ignore
    attn: take(S * D), res1: take(S * D), ln1: take(S * D), pre: take(S * F), hidden: take(S * F), // prettier-ignore
    ffn: take(S * D), res2: take(S * D), ln2: take(S * D), output: take(S * D), // prettier-ignore
  };
  return { ...b, size: o };
}

function layout(c: ModelConfig): Layout {
  const { seqLen: S, dModel: D, vocabSize: V } = c;
  const w = allocateWeights(c);
  const group = (key: string): number => w.groups.find((g) => g.key === key)!.offset;
  const param = Object.fromEntries(BLOCK_PARAM_NAMES.map((n) => [n, group(`block0_${n}`)])) as Layout['param'];
  const paramStride = c.numBlocks > 1 ? group('block1_W_Q') - group('block0_W_Q') : 0;
  let o = parameterCount(c);
  const take = (n: number): number => ((o += up4(n)), o - up4(n));
  const params = 0;
  const mask = take(S * S);
  const kt = take(D * S);
  const ids = take(S);
  const embedded = take(S * D);
  const blockInput = take(S * D);
  const wOut = take(D * V);
  const logits = take(S * V);
  const probs = take(S * V);
  const block = blockLayout(c);
  const blocks = take(c.numBlocks * block.size);
  return { params, mask, kt, ids, embedded, blockInput, wOut, logits, probs, blocks, block, total: o, param, paramStride, posEncoding: group('pos_encoding'), embedding: group('embedding') }; // prettier-ignore
}

/** Whether the wasm kernels cover this config: every row width a whole number of f32x4. */
export function wasmSupports(c: ModelConfig): boolean {
  return WASM !== undefined && [c.seqLen, c.dModel, c.dK, c.dFF, c.vocabSize].every((n) => n % 4 === 0);
}

/** `blocks()`: copy blockInput into block 0 and run every block (spec §1.5). */
function emitBlocks(c: ModelConfig, L: Layout): Code {
  const { seqLen: S, dModel: D, dFF: F } = c;
  const code = new Code(0);
  const r = new Regs(code);
  const wb = code.local(0x7f); // byte offset of the current block's parameters from block 0's
  const ab = code.local(0x7f); // byte offset of the current block's activations from block 0's
  const src = code.local(0x7f); // address of the block input's source
  const bl = L.block;
  const A = (f: number): Addr => ({ base: ab, off: (L.blocks + f) * 4 });
  const P = (name: keyof Layout['param']): Addr => ({ base: wb, off: L.param[name] * 4 });
  code.i32(L.blockInput * 4).set(src);
  code.loop();
  // input = previous output (or blockInput)
  const pin = r.i('pin');
  const pinEnd = r.i('pinEnd');
  setPtr(code, pin, A(bl.input));
  code.get(pin).i32(S * D * 4).i32Add().set(pinEnd);
  code.loop();
  for (let v = 0; v < D / 4; v++) code.get(pin).get(src).v128Load(v * 16).v128Store(v * 16);
  code.get(src).i32(D * 4).i32Add().set(src);
  stepLoop(code, pin, D * 4, pinEnd);
  code.end();
  // 1. projections
  emitMatmul(code, r, { out: A(bl.Q), a: A(bl.input), b: P('W_Q'), M: S, K: D, N: D });
  emitMatmul(code, r, { out: A(bl.K), a: A(bl.input), b: P('W_K'), M: S, K: D, N: D });
  emitMatmul(code, r, { out: A(bl.V), a: A(bl.input), b: P('W_V'), M: S, K: D, N: D });
  emitAttention(code, r, c, L, A);
  // 5–6. output projection, residual with X, LayerNorm 1
  emitMatmul(code, r, { out: A(bl.attn), a: A(bl.concat), b: P('W_O'), M: S, K: D, N: D });
  emitAddLayerNorm(code, r, { x1: A(bl.input), x2: A(bl.attn), residual: A(bl.res1), out: A(bl.ln1), gamma: P('gamma1'), beta: P('beta1'), rows: S, cols: D, eps: LN_EPS }); // prettier-ignore
  // 7. feed-forward, bias and ReLU fused into the first matmul
  emitMatmul(code, r, { out: A(bl.pre), a: A(bl.ln1), b: P('W1'), M: S, K: D, N: F, bias: P('b1'), relu: A(bl.hidden) });
  emitMatmul(code, r, { out: A(bl.ffn), a: A(bl.hidden), b: P('W2'), M: S, K: F, N: D, bias: P('b2') });
  // 8. residual with LN1, LayerNorm 2, output = LN2
  emitAddLayerNorm(code, r, { x1: A(bl.ln1), x2: A(bl.ffn), residual: A(bl.res2), out: A(bl.ln2), copy: A(bl.output), gamma: P('gamma2'), beta: P('beta2'), rows: S, cols: D, eps: LN_EPS }); // prettier-ignore
  setPtr(code, src, A(bl.output));
  code.get(wb).i32(L.paramStride * 4).i32Add().set(wb);
  const last = r.i('lastBlock');
  code.i32(c.numBlocks * bl.size * 4).set(last);
  stepLoop(code, ab, bl.size * 4, last);
  code.end();
  code.i32(0);
  return code;
}

/** Steps 2–4 of a block: Kᵀ, scaled masked scores, causal softmax, weights·V_h into heads and concat. */
function emitAttention(code: Code, r: Regs, c: ModelConfig, L: Layout, A: (f: number) => Addr): void {
  const { seqLen: S, dModel: D, numHeads: H, dK: dk } = c;
  const bl = L.block;
  // Kᵀ (D×S) into scratch, so scores can run across 4 keys at once
  const pk = r.i('t.pk');
  const pt = r.i('t.pt');
  const tend = r.i('t.end');
  setPtr(code, pk, A(bl.K));
  code.i32(L.kt * 4).set(pt);
  code.i32(L.kt * 4 + S * 4).set(tend);
  code.loop();
  for (let d = 0; d < D; d++) code.get(pt).get(pk).f32Load(d * 4).f32Store(d * S * 4);
  code.get(pk).i32(D * 4).i32Add().set(pk);
  stepLoop(code, pt, 4, tend);
  code.end();
  // scores[h][i][j] = (Q_h[i]·K_h[j]) / √dk − mask[i][j]
  const pq = r.i('s.pq');
  const pm = r.i('s.pm');
  const send = r.i('s.end');
  const ps = r.i('s.ps');
  const acc = r.v('s.acc');
  const scale = Math.fround(1 / Math.sqrt(dk));
  setPtr(code, pq, A(bl.Q));
  setPtr(code, ps, A(bl.scores));
  code.i32(L.mask * 4).tee(pm).i32(S * S * 4).i32Add().set(send);
  code.loop();
  for (let h = 0; h < H; h++) {
    for (let jv = 0; jv < S / 4; jv++) {
      for (let k = 0; k < dk; k++) {
        code.get(pq).loadSplat((h * dk + k) * 4).i32(0).v128Load((L.kt + (h * dk + k) * S) * 4 + jv * 16).f32x4Mul();
        if (k > 0) code.get(acc).f32x4Add();
        code.set(acc);
      }
      code.get(ps).get(acc).f32x4Const(scale).f32x4Mul().get(pm).v128Load(jv * 16).f32x4Sub().v128Store((h * S * S) * 4 + jv * 16);
    }
  }
  code.get(pq).i32(D * 4).i32Add().set(pq);
  code.get(ps).i32(S * 4).i32Add().set(ps);
  stepLoop(code, pm, S * 4, send);
  code.end();
  // causal softmax per row: only the vectors holding j ≤ i are computed, the rest are exact
  // zeros. Rows 4q … 4q+3 share that vector count, so each group q is one loop over heads and
  // row pairs (two independent rows per iteration for instruction-level parallelism); unrolling
  // every row instead ran 1.5× slower (TurboFan hoists across the long body and spills).
  const ph = r.i('sm.ph');
  const hend = r.i('sm.hend');
  const pr = r.i('sm.pr');
  const rend = r.i('sm.rend');
  const wDelta = (bl.weights - bl.scores) * 4;
  const PAIR = 2;
  for (let q = 0; q < S / 4; q++) {
    const nv = q + 1;
    setPtr(code, ph, A(bl.scores + 4 * q * S));
    code.get(ph).i32(H * S * S * 4).i32Add().set(hend);
    code.loop();
    code.get(ph).tee(pr).i32(4 * S * 4).i32Add().set(rend);
    code.loop();
    const xs = Array.from({ length: PAIR }, (_, k) => (v: number): number => r.v(`x${k}`, v));
    for (let k = 0; k < PAIR; k++) for (let v = 0; v < nv; v++) code.get(pr).v128Load(k * S * 4 + v * 16).set(xs[k]!(v));
    for (let k = 0; k < PAIR; k++) emitSoftmaxVectors(code, r, nv, xs[k]!, `sm${k}`);
    for (let k = 0; k < PAIR; k++) {
      for (let v = 0; v < S / 4; v++) {
        code.get(pr);
        if (v < nv) code.get(xs[k]!(v));
        else code.f32x4Const(0);
        code.v128Store(wDelta + k * S * 4 + v * 16);
      }
    }
    stepLoop(code, pr, PAIR * S * 4, rend);
    code.end();
    stepLoop(code, ph, S * S * 4, hend);
    code.end();
  }
  // head h row i = Σ_{j ≤ i} w_h[i][j] · V[j][h·dk …]; all heads at once
  const prow = r.i('o.prow'); // weights row i (head 0)
  const pd = r.i('o.pd'); // i·D·4 from the block base
  const pw = r.i('o.pw');
  const pv = r.i('o.pv');
  const vend = r.i('o.vend');
  const oend = r.i('o.end');
  const phr = r.i('o.phr'); // row i of head 0's output
  const ws = r.v('o.w');
  const nAcc = (H * dk) / 4;
  const oacc = (n: number): number => r.v('o.acc', n);
  setPtr(code, prow, A(bl.weights));
  setPtr(code, pd, A(0));
  setPtr(code, phr, A(bl.heads));
  setPtr(code, vend, A(bl.V + D));
  setPtr(code, oend, A(S * D));
  code.loop();
  for (let n = 0; n < nAcc; n++) code.f32x4Const(0).set(oacc(n));
  code.get(prow).set(pw);
  setPtr(code, pv, A(bl.V));
  code.loop();
  for (let h = 0; h < H; h++) {
    code.get(pw).loadSplat(h * S * S * 4).set(ws);
    for (let q = 0; q < dk / 4; q++) {
      const n = h * (dk / 4) + q;
      code.get(oacc(n)).get(ws).get(pv).v128Load(h * dk * 4 + q * 16).f32x4Mul().f32x4Add().set(oacc(n));
    }
  }
  code.get(pw).i32(4).i32Add().set(pw);
  stepLoop(code, pv, D * 4, vend);
  code.end();
  // row i of concat and of each head's S×dk output
  for (let h = 0; h < H; h++) {
    for (let q = 0; q < dk / 4; q++) {
      const n = h * (dk / 4) + q;
      code.get(pd).get(oacc(n)).v128Store(bl.concat * 4 + h * dk * 4 + q * 16);
      code.get(phr).get(oacc(n)).v128Store(h * S * dk * 4 + q * 16);
    }
  }
  code.get(phr).i32(dk * 4).i32Add().set(phr);
  code.get(prow).i32(S * 4).i32Add().set(prow);
  code.get(vend).i32(D * 4).i32Add().set(vend);
  stepLoop(code, pd, D * 4, oend);
  code.end();
}

/**
 * `forward(T)`: embedded = E[ids], blockInput = embedded + P, blocks(), W_out = Eᵀ,
 * logits = output·W_out, probs = softmax(logits / T) (spec §1.6). Returns the number of rows
 * whose max of logits / T is not finite (T underflow): the caller recomputes those in JS.
 */
function emitForward(c: ModelConfig, L: Layout): Code {
  const { seqLen: S, dModel: D, vocabSize: V } = c;
  const code = new Code(1); // param 0: T (f32)
  const r = new Regs(code);
  // embedding + positional encoding
  const ri = r.i('e.ri'); // i·4 bytes
  const ro = r.i('e.ro'); // i·D·4 bytes
  const pe = r.i('e.pe');
  const ev = r.v('x', 0);
  code.i32(0).set(ri);
  code.i32(0).set(ro);
  code.loop();
  code.get(ri).i32Load(L.ids * 4).i32(D * 4).i32Mul().i32(L.embedding * 4).i32Add().set(pe);
  for (let v = 0; v < D / 4; v++) {
    code.get(ro).get(pe).v128Load(v * 16).tee(ev).v128Store(L.embedded * 4 + v * 16);
    code.get(ro).get(ev).get(ro).v128Load(L.posEncoding * 4 + v * 16).f32x4Add().v128Store(L.blockInput * 4 + v * 16);
  }
  code.get(ro).i32(D * 4).i32Add().set(ro);
  code.get(ri).i32(4).i32Add().tee(ri).i32(S * 4).i32LtU().brIf(0);
  code.end();
  code.call(0).drop();
  // W_out = Eᵀ (D×V)
  const pv = r.i('h.pv');
  const pev = r.i('h.pe');
  const vend = r.i('h.vend');
  code.i32(0).set(pv);
  code.i32(L.embedding * 4).set(pev);
  code.i32(V * 4).set(vend);
  code.loop();
  for (let j = 0; j < D; j++) code.get(pv).get(pev).f32Load(j * 4).f32Store((L.wOut + j * V) * 4);
  code.get(pev).i32(D * 4).i32Add().set(pev);
  stepLoop(code, pv, 4, vend);
  code.end();
  const out = L.blocks + (c.numBlocks - 1) * L.block.size + L.block.output;
  emitMatmul(code, r, { out: abs(L.logits * 4), a: abs(out * 4), b: abs(L.wOut * 4), M: S, K: D, N: V });
  // probs = softmax(logits / T), counting rows whose max is not finite
  const pl = r.i('p.pl');
  const pend = r.i('p.end');
  const bad = r.i('p.bad');
  const tv = r.v('p.t');
  const xv = (v: number): number => r.v('x', v);
  const maxLane = code.local(0x7d);
  code.get(0).f32x4Splat().set(tv);
  code.i32(0).set(bad);
  code.i32(L.logits * 4).tee(pl).i32(S * V * 4).i32Add().set(pend);
  code.loop();
  for (let v = 0; v < V / 4; v++) code.get(pl).v128Load(v * 16).get(tv).f32x4Div().set(xv(v));
  const m = emitSoftmaxVectors(code, r, V / 4, xv);
  code.get(m).f32x4ExtractLane(0).tee(maxLane).get(maxLane).f32Sub().tee(maxLane).get(maxLane).f32Ne();
  code.get(bad).i32Add().set(bad);
  for (let v = 0; v < V / 4; v++) code.get(pl).get(xv(v)).v128Store((L.probs - L.logits) * 4 + v * 16);
  stepLoop(code, pl, V * 4, pend);
  code.end();
  code.get(bad);
  return code;
}

/** A compiled module and its layout for one config (null when wasm SIMD is unavailable). */
interface Plan {
  readonly module: object;
  readonly layout: Layout;
  readonly pages: number;
}

const PLANS = new Map<string, Plan | null>();

function planFor(c: ModelConfig): Plan | null {
  const key = `${c.seqLen},${c.dModel},${c.numHeads},${c.dFF},${c.numBlocks},${c.vocabSize}`;
  let plan = PLANS.get(key);
  if (plan === undefined) {
    plan = null;
    if (wasmSupports(c)) {
      const L = layout(c);
      const pages = Math.ceil((L.total * 4) / 65536);
      const bytes = moduleBytes(pages, [
        { name: 'blocks', type: 'void', code: emitBlocks(c, L) },
        { name: 'forward', type: 'f32', code: emitForward(c, L) },
      ]);
      try {
        plan = { module: new WASM!.Module(bytes), layout: L, pages };
      } catch (e) {
        // a runtime without wasm SIMD: the JS operators take over (a bug in the generator is
        // caught by the tests, which require the wasm path on Node ≥ 20)
        if (!(e instanceof Error) || e.name !== 'CompileError') throw e;
      }
    }
    PLANS.set(key, plan);
  }
  return plan;
}

/** One record's wasm instance: its memory as f32, and the two entry points. */
export interface WasmEngine {
  readonly f32: Float32Array;
  readonly paramCount: number;
  /** Copy `weights` in, then run the blocks from blockInput. */
  runBlocks(weights: Weights): void;
  /** Copy `weights` in, then the whole pass from the ids; returns the count of non-finite rows. */
  runForward(weights: Weights, temperature: number): number;
}

function engine(c: ModelConfig, plan: Plan): WasmEngine {
  const memory = new WASM!.Memory({ initial: plan.pages, maximum: plan.pages });
  const ex = new WASM!.Instance(plan.module, { env: { mem: memory } }).exports;
  const blocks = ex['blocks'] as () => number;
  const fwd = ex['forward'] as (t: number) => number;
  const f32 = new Float32Array(memory.buffer);
  const L = plan.layout;
  const S = c.seqLen;
  for (let i = 0; i < S; i++) for (let j = i + 1; j < S; j++) f32[L.mask + i * S + j] = MASK_VALUE;
  const paramCount = parameterCount(c);
  const load = (w: Weights): void => {
    if (w.flat.length !== paramCount) throw new RangeError(`forward: weights have ${w.flat.length} parameters, the record expects ${paramCount}`);
    f32.set(w.flat, L.params);
  };
  return {
    f32,
    paramCount,
    runBlocks: (w) => void (load(w), blocks()),
    runForward: (w, t) => (load(w), fwd(t)),
  };
}

/**
 * A forward record whose buffers live in a fresh wasm memory, with its engine; null when the
 * config or the runtime is not covered (the caller builds a plain JS record instead).
 */
export function createWasmRecord(weights: Weights, lmHead: boolean): { record: ForwardRecord; engine: WasmEngine } | null {
  const c = weights.config;
  const plan = planFor(c);
  if (plan === null) return null;
  let eng: WasmEngine;
  try {
    eng = engine(c, plan);
  } catch (e) {
    // no address space left for another wasm memory (thousands of live records): JS record
    if (e instanceof RangeError) return null;
    throw e;
  }
  const L = plan.layout;
  const { seqLen: S, dModel: D, numHeads: H, dK: dk, dFF: F, vocabSize: V } = c;
  const m = (off: number, rows: number, cols: number): Matrix => matrixView(eng.f32, off, rows, cols);
  const heads = (off: number, rows: number, cols: number): Matrix[] =>
    Array.from({ length: H }, (_, h) => m(off + h * rows * cols, rows, cols));
  const blocks: BlockRecord[] = weights.blocks.map((bw, b) => {
    const o = L.blocks + b * L.block.size;
    const bl = L.block;
    return {
      input: m(o + bl.input, S, D), Q: m(o + bl.Q, S, D), K: m(o + bl.K, S, D), V: m(o + bl.V, S, D), // prettier-ignore
      attention_scores: heads(o + bl.scores, S, S), attention_weights: heads(o + bl.weights, S, S), // prettier-ignore
      head_outputs: heads(o + bl.heads, S, dk), concat: m(o + bl.concat, S, D), attn_output: m(o + bl.attn, S, D), // prettier-ignore
      residual1: m(o + bl.res1, S, D), layernorm1: m(o + bl.ln1, S, D), ffn_pre_relu: m(o + bl.pre, S, F), // prettier-ignore
      ffn_hidden: m(o + bl.hidden, S, F), ffn_output: m(o + bl.ffn, S, D), residual2: m(o + bl.res2, S, D), // prettier-ignore
      layernorm2: m(o + bl.ln2, S, D), output: m(o + bl.output, S, D), weights: bw, // prettier-ignore
    };
  });
  const base = { config: c, blockInput: m(L.blockInput, S, D), blocks, output: blocks[blocks.length - 1]!.output };
  const record: ForwardRecord = lmHead
    ? {
        ...base,
        tokenIds: new Int32Array(eng.f32.buffer, L.ids * 4, S),
        embedded: m(L.embedded, S, D),
        W_out: m(L.wOut, D, V),
        logits: m(L.logits, S, V),
        probs: m(L.probs, S, V),
        predictedIds: new Int32Array(S),
      }
    : base;
  return { record, engine: eng };
}
