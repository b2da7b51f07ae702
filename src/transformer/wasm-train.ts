/**
 * WebAssembly SIMD (f32x4) kernels for the float32 training graph (issue 4's throughput target;
 * spec §2.2): out (=|+=) A·B [+ bias] [→ ReLU] and dW += Aᵀ·B, specialised per shape of one
 * config; ReLU and bias backward; LayerNorm (wasm-train-norm.ts) and dk = 4 causal attention
 * (wasm-train-attention.ts) forward and backward. Also the per-worker wasm memory that the
 * float32 TrainGraph allocates its whole workspace from (so every operand is already in wasm
 * memory and no kernel copies anything; the graph copies parameters in and gradients out once
 * per lossAndGrad call).
 *
 * Numerics: sums accumulate in float32 in k order (the JS kernels of kernels.ts accumulate in
 * float64 and round once); per output row the result depends only on that row, and Aᵀ·B sums
 * rows in order, so results are deterministic. The row count is a run-time argument (a
 * micro-batch may be short); inner widths are compile-time constants.
 *
 * Calling convention: the module's functions take no parameters (wasm-asm.ts has () → i32 only);
 * the byte addresses out, a, b, bias and the row count are written to the first 32 bytes of the
 * memory before each call. Not here: the float64 path and fallback (kernels.ts), the graph
 * wiring (backward.ts), the inference kernels (wasm-kernels.ts).
 */
import type { ModelConfig } from './config.js';
import { Code, I32, V128, moduleBytes } from './wasm-asm.js';
import type { FnDef } from './wasm-asm.js';
import { stepLoop } from './wasm-kernels.js';
import { emitLayerNormBackward, emitLayerNormForward } from './wasm-train-norm.js';
import { attentionStatic, emitAttentionBackward4, emitAttentionForward4, fillMask } from './wasm-train-attention.js';

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
const WASM = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Bytes reserved at address 0 for the call arguments. */
const ARGS = 64;
const A_OUT = 0;
const A_A = 4;
const A_B = 8;
const A_BIAS = 12;
const A_ROWS = 16;

/** One A·B shape: out[rows×m] (=|+=) a[rows×k]·b[k×m] (+ bias[m]). */
interface AbShape { readonly k: number; readonly m: number; readonly acc: boolean; readonly bias: boolean; readonly relu?: boolean } // prettier-ignore

const abName = (s: AbShape): string => `ab_${s.k}_${s.m}_${s.acc ? 1 : 0}_${s.bias ? 1 : 0}_${s.relu === true ? 1 : 0}`;
const atbName = (k: number, m: number): string => `atb_${k}_${m}`;
const abKey = (k: number, m: number, acc: boolean, bias: boolean, relu: boolean): number =>
  (((k * 65536 + m) * 2 + (acc ? 1 : 0)) * 2 + (bias ? 1 : 0)) * 2 + (relu ? 1 : 0);
const biasName = (m: number): string => `bias_bwd_${m}`;
const atbKey = (k: number, m: number): number => -(k * 65536 + m) - 1;

/** Push i32 loaded from argument slot `slot`. */
function arg(c: Code, slot: number): Code {
  return c.i32(0).i32Load(slot);
}

/** n fresh i32 locals, in order. */
function i32Locals(c: Code, n: number): number[] {
  return Array.from({ length: n }, () => c.local(I32));
}

/** Tile width in f32x4 vectors for an output width of m floats. */
const vecsFor = (m: number): number => ((m / 4) % 2 === 0 ? 2 : 1);

/** The locals of an R × C-vector accumulator tile: a splatted scalar, C vectors of b, R·C sums. */
interface Tile {
  readonly R: number;
  readonly C: number;
  readonly sv: number;
  readonly bv: readonly number[];
  readonly acc: readonly number[];
}

/** A tile of 4 rows × vecsFor(m) vectors, for an output width of m floats. */
function tileLocals(c: Code, m: number): Tile {
  const R = 4;
  const C = vecsFor(m);
  const sv = c.local(V128);
  const bv = Array.from({ length: C }, () => c.local(V128));
  const acc = Array.from({ length: R * C }, () => c.local(V128));
  return { R, C, sv, bv, acc };
}

/**
 * One k of the tile's outer product, acc[i][j] += a_i·b_j: C vectors of b from address `pb`, the R
 * scalars a_i from `pa` + i·aStride bytes (a row of a for A·B, a column of a for Aᵀ·B).
 */
function emitTileStep(c: Code, t: Tile, pa: number, aStride: number, pb: number): void {
  const { R, C, sv, bv, acc } = t;
  for (let j = 0; j < C; j++) c.get(pb).v128Load(j * 16).set(bv[j]!);
  for (let i = 0; i < R; i++) {
    c.get(pa).loadSplat(i * aStride).set(sv);
    for (let j = 0; j < C; j++) c.get(acc[i * C + j]!).get(sv).get(bv[j]!).f32x4Mul().f32x4Add().set(acc[i * C + j]!);
  }
}

/** out (=|+=) a·b (+ bias): 4-row × C-vector tiles, one k per inner iteration. */
function emitAb(s: AbShape): Code {
  const { k, m } = s;
  const c = new Code(0);
  const [pa, po, pend, pb, pbias, pc, pcend, pka, pkb, pkend] = i32Locals(c, 10);
  const tile = tileLocals(c, m);
  const { R, C, acc } = tile;
  arg(c, A_A).set(pa);
  arg(c, A_OUT).tee(po);
  arg(c, A_ROWS).i32(m * 4).i32Mul().i32Add().set(pend);
  c.loop();
  arg(c, A_B).set(pb);
  if (s.bias) arg(c, A_BIAS).set(pbias);
  c.get(po).tee(pc).i32(m * 4).i32Add().set(pcend);
  c.loop();
  for (const a of acc) c.f32x4Const(0).set(a);
  c.get(pa).tee(pka).i32(k * 4).i32Add().set(pkend);
  c.get(pb).set(pkb);
  c.loop();
  emitTileStep(c, tile, pka, k * 4, pkb);
  c.get(pkb).i32(m * 4).i32Add().set(pkb);
  stepLoop(c, pka, 4, pkend);
  c.end();
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      const off = i * m * 4 + j * 16;
      c.get(pc);
      if (s.relu === true) c.f32x4Const(0);
      c.get(acc[i * C + j]!);
      if (s.bias) c.get(pbias).v128Load(j * 16).f32x4Add();
      if (s.acc) c.get(pc).v128Load(off).f32x4Add();
      // pmax(0, x) = 0 < x ? x : 0: NaN and −0 become +0, as reluForward does
      if (s.relu === true) c.f32x4Pmax();
      c.v128Store(off);
    }
  }
  c.get(pb).i32(C * 16).i32Add().set(pb);
  if (s.bias) c.get(pbias).i32(C * 16).i32Add().set(pbias);
  stepLoop(c, pc, C * 16, pcend);
  c.end();
  c.get(pa).i32(R * k * 4).i32Add().set(pa);
  stepLoop(c, po, R * m * 4, pend);
  c.end();
  c.i32(0);
  return c;
}

/** dW[k×m] += a[rows×k]ᵀ·b[rows×m]: 4 dW rows × C vectors per tile, rows summed in order. */
function emitAtb(k: number, m: number): Code {
  const c = new Code(0);
  const [pap, papend, pw, pwc, pwcend, pbc, pia, pib, piend, span] = i32Locals(c, 10);
  const tile = tileLocals(c, m);
  const { R, C, acc } = tile;
  arg(c, A_ROWS).i32(k * 4).i32Mul().set(span); // bytes from one row of a to past its last
  arg(c, A_OUT).set(pw);
  arg(c, A_A).tee(pap).i32(k * 4).i32Add().set(papend);
  c.loop();
  arg(c, A_B).set(pbc);
  c.get(pw).tee(pwc).i32(m * 4).i32Add().set(pwcend);
  c.loop();
  for (const a of acc) c.f32x4Const(0).set(a);
  c.get(pap).tee(pia).get(span).i32Add().set(piend);
  c.get(pbc).set(pib);
  c.loop();
  emitTileStep(c, tile, pia, 4, pib);
  c.get(pib).i32(m * 4).i32Add().set(pib);
  stepLoop(c, pia, k * 4, piend);
  c.end();
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < C; j++) {
      const off = r * m * 4 + j * 16;
      c.get(pwc).get(pwc).v128Load(off).get(acc[r * C + j]!).f32x4Add().v128Store(off);
    }
  }
  c.get(pbc).i32(C * 16).i32Add().set(pbc);
  stepLoop(c, pwc, C * 16, pwcend);
  c.end();
  c.get(pw).i32(R * m * 4).i32Add().set(pw);
  stepLoop(c, pap, R * 4, papend);
  c.end();
  c.i32(0);
  return c;
}

/** dh[i] = h[i] > 0 ? dh[i] : 0 over A_ROWS vectors of 4 floats: out = dh, a = h. */
function emitReluBackward(): Code {
  const c = new Code(0);
  const p = c.local(I32), ph = c.local(I32), end = c.local(I32); // prettier-ignore
  arg(c, A_A).set(ph);
  arg(c, A_OUT).tee(p).i32(0).i32Load(A_ROWS).i32(16).i32Mul().i32Add().set(end);
  c.loop();
  c.get(p).get(p).v128Load(0).f32x4Const(0).get(ph).v128Load(0).f32x4Lt().v128And().v128Store(0);
  c.get(ph).i32(16).i32Add().set(ph);
  stepLoop(c, p, 16, end);
  c.end();
  c.i32(0);
  return c;
}

/** db[m] += Σ over A_ROWS rows of dy[rows×m]: out = db, a = dy; rows summed in order. */
function emitBiasBackward(m: number): Code {
  const C = vecsFor(m);
  const c = new Code(0);
  const pd = c.local(I32), pdend = c.local(I32), pc = c.local(I32), pi = c.local(I32), piend = c.local(I32); // prettier-ignore
  const acc = Array.from({ length: C }, () => c.local(V128));
  arg(c, A_OUT).tee(pd).i32(m * 4).i32Add().set(pdend);
  arg(c, A_A).set(pc);
  c.loop();
  for (const a of acc) c.f32x4Const(0).set(a);
  c.get(pc).tee(pi).i32(0).i32Load(A_ROWS).i32(m * 4).i32Mul().i32Add().set(piend);
  c.loop();
  for (let j = 0; j < C; j++) c.get(acc[j]!).get(pi).v128Load(j * 16).f32x4Add().set(acc[j]!);
  stepLoop(c, pi, m * 4, piend);
  c.end();
  for (let j = 0; j < C; j++) c.get(pd).get(pd).v128Load(j * 16).get(acc[j]!).f32x4Add().v128Store(j * 16);
  c.get(pc).i32(C * 16).i32Add().set(pc);
  stepLoop(c, pd, C * 16, pdend);
  c.end();
  c.i32(0);
  return c;
}

/** The A·B and Aᵀ·B shapes the training graph of `c` uses (backward.ts). */
function shapesOf(c: ModelConfig): { ab: AbShape[]; atb: [number, number][] } {
  const { dModel: D, dFF: F, vocabSize: V } = c;
  const ab: AbShape[] = [
    { k: D, m: D, acc: false, bias: false }, // Q, K, V, attention output, dconcat
    { k: D, m: F, acc: false, bias: true, relu: true }, // FFN up + ReLU
    { k: D, m: F, acc: false, bias: true }, // FFN up (without ReLU: tests, other callers)
    { k: F, m: D, acc: false, bias: true }, // FFN down
    { k: D, m: V, acc: false, bias: false }, // logits
    { k: V, m: D, acc: false, bias: false }, // dx of the head
    { k: D, m: F, acc: false, bias: false }, // dh
    { k: F, m: D, acc: true, bias: false }, // dln1 +=
    { k: D, m: D, acc: true, bias: false }, // dx += dq·W_Qᵀ …
  ];
  const atb: [number, number][] = [[V, D], [F, D], [D, F], [D, D]];
  const seen = new Set<string>();
  return {
    ab: ab.filter((s) => !seen.has(abName(s)) && seen.add(abName(s)) !== undefined),
    atb: atb.filter(([k, m]) => !seen.has(atbName(k, m)) && seen.add(atbName(k, m)) !== undefined),
  };
}

/** True when the wasm kernels can run config `c` (every width and S a multiple of 4). */
export function wasmTrainSupports(c: ModelConfig): boolean {
  return WASM !== undefined && [c.dModel, c.dFF, c.vocabSize, c.seqLen].every((x) => x % 4 === 0);
}

/** Whether the module has the dk = 4 attention kernel (wasm-train-attention.ts). */
const hasAttention = (c: ModelConfig): boolean => c.dK === 4 && c.numHeads * 4 === c.dModel;

const MODULES = new Map<string, object | null>();

function moduleFor(c: ModelConfig, pages: number): object | null {
  const key = `${c.dModel},${c.dFF},${c.vocabSize},${c.seqLen},${c.numHeads},${pages}`;
  let mod = MODULES.get(key);
  if (mod === undefined) {
    const { ab, atb } = shapesOf(c);
    const fns: FnDef[] = [
      ...(hasAttention(c) ? [
        { name: 'attn_fwd', type: 'void' as const, code: emitAttentionForward4(c, attentionStatic(c, ARGS), 0) },
        { name: 'attn_bwd', type: 'void' as const, code: emitAttentionBackward4(c, attentionStatic(c, ARGS), 0) },
      ] : []),
      { name: 'ln_fwd', type: 'void', code: emitLayerNormForward(c, 0) },
      { name: 'ln_bwd', type: 'void', code: emitLayerNormBackward(c, 0) },
      { name: 'relu_bwd', type: 'void', code: emitReluBackward() },
      ...[...new Set([c.dModel, c.dFF])].map((m) => ({ name: biasName(m), type: 'void' as const, code: emitBiasBackward(m) })),
      ...ab.map((s) => ({ name: abName(s), type: 'void' as const, code: emitAb(s) })),
      ...atb.map(([k, m]) => ({ name: atbName(k, m), type: 'void' as const, code: emitAtb(k, m) })),
    ];
    mod = null;
    try {
      mod = new WASM!.Module(moduleBytes(pages, fns));
    } catch (e) {
      // a runtime without wasm SIMD: the JS kernels take over
      if (!(e instanceof Error) || e.name !== 'CompileError') throw e;
    }
    MODULES.set(key, mod);
  }
  return mod;
}

/**
 * One worker's wasm kernels and memory. `alloc` hands out Float32Array views of the memory
 * (16-byte aligned, never moved: the memory does not grow); the kernels take such views plus
 * float offsets, like the JS kernels of kernels.ts.
 */
export class WasmTrainKernels {
  private readonly buffer: ArrayBuffer;
  private readonly args: Int32Array;
  // kernels by numeric key (abKey / atbKey): no string is built per call
  private readonly fns = new Map<number, () => number>();
  private next: number;
  private readonly attn: (() => number) | null;
  private readonly attnBwd: (() => number) | null;
  private readonly lnFwd: () => number;
  private readonly lnBwd: () => number;
  private readonly reluBwd: () => number;
  private readonly biasBwd = new Map<number, () => number>();

  private constructor(c: ModelConfig, module: object, private readonly bytes: number) {
    const pages = bytes / 65536;
    const mem = new WASM!.Memory({ initial: pages, maximum: pages });
    this.buffer = mem.buffer;
    this.args = new Int32Array(this.buffer, 0, ARGS / 4);
    const st = attentionStatic(c, ARGS);
    this.next = st.end;
    fillMask(new Float32Array(this.buffer), st, c.seqLen);
    const inst = new WASM!.Instance(module, { env: { mem } });
    const { ab, atb } = shapesOf(c);
    for (const s of ab) this.fns.set(abKey(s.k, s.m, s.acc, s.bias, s.relu === true), inst.exports[abName(s)] as () => number);
    this.reluBwd = inst.exports['relu_bwd'] as () => number;
    this.lnFwd = inst.exports['ln_fwd'] as () => number;
    this.lnBwd = inst.exports['ln_bwd'] as () => number;
    this.attn = hasAttention(c) ? (inst.exports['attn_fwd'] as () => number) : null;
    this.attnBwd = hasAttention(c) ? (inst.exports['attn_bwd'] as () => number) : null;
    for (const m of [c.dModel, c.dFF]) this.biasBwd.set(m, inst.exports[biasName(m)] as () => number);
    for (const [k, m] of atb) this.fns.set(atbKey(k, m), inst.exports[atbName(k, m)] as () => number);
  }

  /** Kernels with room for `floats` floats of arrays, or null when wasm SIMD is unavailable. */
  static create(c: ModelConfig, floats: number): WasmTrainKernels | null {
    if (!wasmTrainSupports(c)) return null;
    // each alloc may round up by 3 floats; 1024 floats of slack cover hundreds of arrays
    const bytes = Math.ceil((attentionStatic(c, ARGS).end + (floats + 1024) * 4) / 65536) * 65536;
    const mod = moduleFor(c, bytes / 65536);
    return mod === null ? null : new WasmTrainKernels(c, mod, bytes);
  }

  /** A zeroed n-float array in wasm memory. */
  alloc(n: number): Float32Array {
    const at = this.next;
    this.next += Math.ceil(n / 4) * 16;
    if (this.next > this.bytes) throw new Error(`wasm-train: out of memory (${this.next} > ${this.bytes})`);
    return new Float32Array(this.buffer, at, n);
  }

  private addr(x: Float32Array, off: number): number {
    if (x.buffer !== this.buffer) throw new Error('wasm-train: operand not in wasm memory');
    return x.byteOffset + off * 4;
  }

  private fn(key: number, k: number, m: number): () => number {
    const f = this.fns.get(key);
    if (f === undefined) throw new Error(`wasm-train: no kernel for inner width ${k}, output width ${m}`);
    return f;
  }

  /** out[rows×m] (=, or += with acc) a[rows×k]·b[k×m] (+ bias[m]) [then max(0, ·)]; rows a multiple of 4. */
  ab(
    out: Float32Array, oo: number, a: Float32Array, ao: number, b: Float32Array, bo: number,
    bias: Float32Array | null, biasOff: number, rows: number, k: number, m: number, acc: boolean, relu = false,
  ): void {
    if (rows % 4 !== 0 || rows <= 0) throw new Error(`wasm-train: ${rows} rows (a positive multiple of 4)`);
    const args = this.args;
    args[A_OUT / 4] = this.addr(out, oo);
    args[A_A / 4] = this.addr(a, ao);
    args[A_B / 4] = this.addr(b, bo);
    args[A_BIAS / 4] = bias === null ? 0 : this.addr(bias, biasOff);
    args[A_ROWS / 4] = rows;
    this.fn(abKey(k, m, acc, bias !== null, relu), k, m)();
  }

  /** dW[k×m] += a[rows×k]ᵀ·b[rows×m]; rows ≥ 1. */
  atb(dW: Float32Array, wo: number, a: Float32Array, ao: number, b: Float32Array, bo: number, rows: number, k: number, m: number): void {
    if (rows <= 0) throw new Error(`wasm-train: ${rows} rows`);
    const args = this.args;
    args[A_OUT / 4] = this.addr(dW, wo);
    args[A_A / 4] = this.addr(a, ao);
    args[A_B / 4] = this.addr(b, bo);
    args[A_ROWS / 4] = rows;
    this.fn(atbKey(k, m), k, m)();
  }

  /** ReLU backward in place (as kernels.ts reluBackward): dh ← h > 0 ? dh : 0 over len floats. */
  reluBackward(dh: Float32Array, h: Float32Array, o: number, len: number): void {
    if (len % 4 !== 0 || len <= 0) throw new Error(`wasm-train: ReLU over ${len} floats`);
    const args = this.args;
    args[A_OUT / 4] = this.addr(dh, o);
    args[A_A / 4] = this.addr(h, o);
    args[A_ROWS / 4] = len / 4;
    this.reluBwd();
  }

  /** db[m] += Σ_rows dy[rows×m] (as kernels.ts biasBackward); m = d_model or d_ff. */
  biasBackward(db: Float32Array, dbo: number, dy: Float32Array, dyo: number, rows: number, m: number): void {
    const f = this.biasBwd.get(m);
    if (f === undefined) throw new Error(`wasm-train: no bias kernel for width ${m}`);
    if (rows <= 0) throw new Error(`wasm-train: ${rows} rows`);
    const args = this.args;
    args[A_OUT / 4] = this.addr(db, dbo);
    args[A_A / 4] = this.addr(dy, dyo);
    args[A_ROWS / 4] = rows;
    f();
  }

  /**
   * x ← x + add, then layerNormForward (kernels.ts) of `rows` rows of d_model; every row-wise
   * array starts at float 0, rstd too; γ, β at go, bo in `params`.
   */
  layerNormForward(y: Float32Array, xhat: Float32Array, rstd: Float32Array, x: Float32Array, add: Float32Array, params: Float32Array, go: number, bo: number, rows: number): void {
    if (rows <= 0) throw new Error(`wasm-train: ${rows} rows`);
    const a = this.args;
    a[0] = this.addr(y, 0);
    a[1] = this.addr(xhat, 0);
    a[2] = this.addr(rstd, 0);
    a[3] = this.addr(x, 0);
    a[4] = this.addr(add, 0);
    a[5] = this.addr(params, go);
    a[6] = this.addr(params, bo);
    a[7] = rows;
    this.lnFwd();
  }

  /** layerNormBackward (kernels.ts) of `rows` rows from float 0; dγ, dβ accumulate into grads. */
  layerNormBackward(dx: Float32Array, grads: Float32Array, dgo: number, dbo: number, dy: Float32Array, xhat: Float32Array, rstd: Float32Array, params: Float32Array, go: number, rows: number): void {
    if (rows <= 0) throw new Error(`wasm-train: ${rows} rows`);
    const a = this.args;
    a[0] = this.addr(dx, 0);
    a[1] = this.addr(grads, dgo);
    a[2] = this.addr(grads, dbo);
    a[3] = this.addr(dy, 0);
    a[4] = this.addr(xhat, 0);
    a[5] = this.addr(rstd, 0);
    a[6] = this.addr(params, go);
    a[7] = rows;
    this.lnBwd();
  }

  /** Whether attentionForward runs here (dk = 4); otherwise use attention.ts. */
  get hasAttention(): boolean {
    return this.attn !== null;
  }

  /** Causal attention forward of one sequence (as attentionForward4 in attention.ts). */
  attentionForward(concat: Float32Array, P: Float32Array, po: number, q: Float32Array, k: Float32Array, v: Float32Array, o: number): void {
    if (this.attn === null) throw new Error('wasm-train: no attention kernel for this config');
    const args = this.args;
    args[0] = this.addr(concat, o);
    args[1] = this.addr(P, po);
    args[2] = this.addr(q, o);
    args[3] = this.addr(k, o);
    args[4] = this.addr(v, o);
    this.attn();
  }

  /** Causal attention backward of one sequence (as attentionBackward4): overwrites dq, dk, dv. */
  attentionBackward(
    dq: Float32Array, dk: Float32Array, dv: Float32Array, dconcat: Float32Array, P: Float32Array, po: number,
    q: Float32Array, k: Float32Array, v: Float32Array, o: number,
  ): void {
    if (this.attnBwd === null) throw new Error('wasm-train: no attention kernel for this config');
    const args = this.args;
    args[0] = this.addr(dq, o);
    args[1] = this.addr(dk, o);
    args[2] = this.addr(dv, o);
    args[3] = this.addr(dconcat, o);
    args[4] = this.addr(P, po);
    args[5] = this.addr(q, o);
    args[6] = this.addr(k, o);
    args[7] = this.addr(v, o);
    this.attnBwd();
  }
}
