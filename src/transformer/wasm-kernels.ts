/**
 * WebAssembly SIMD (f32x4) code generators for the forward-pass operators of spec §1.5: each
 * `emit…` appends the instructions of one operator, specialised to its shapes, to a function
 * body (wasm-asm.ts). All shapes are compile-time constants: loops run over pointer locals and
 * every other address part is a static memarg offset. Inner loops are deliberately not unrolled
 * (see emitMatmul: TurboFan hoists the loads of unrolled steps and spills).
 *
 * Numerics, compared with the float64-accumulating JS kernels of kernels.ts: sums accumulate in
 * float32 (as the float32 numpy reference does), and exp is the Cephes single-precision
 * polynomial (≈ 1 ulp), flushed to exactly 0 below ln(FLT_MIN). Results agree with kernels.ts and
 * the golden fixtures far inside the 1e-5 tolerance (test/transformer/wasm-forward.test.ts).
 *
 * An operand address is a local holding a byte base (or null = absolute) plus a static byte
 * offset. Shapes: S = seq_len, D = d_model, H = heads, dk = D/H, F = d_ff; every width handed to
 * these emitters is a multiple of 4 floats (wasm-forward.ts checks the config).
 *
 * Not here: the memory layout and the block wiring (wasm-forward.ts), the JS kernels (kernels.ts, attention.ts).
 */
import type { Code } from './wasm-asm.js';
import { I32, V128 } from './wasm-asm.js';

/** A byte address: `base` local (null = 0) + static `off`. */
export interface Addr {
  readonly base: number | null;
  readonly off: number;
}

export const abs = (off: number): Addr => ({ base: null, off });
export const at = (a: Addr, delta: number): Addr => ({ base: a.base, off: a.off + delta });

/** Push the dynamic part of `a` (the base local, or 0). */
function pushBase(c: Code, a: Addr): void {
  if (a.base === null) c.i32(0);
  else c.get(a.base);
}

/** local = address of `a` (base + off). */
export function setPtr(c: Code, local: number, a: Addr): void {
  pushBase(c, a);
  if (a.off !== 0) c.i32(a.off).i32Add();
  c.set(local);
}

/** local += step; continue the enclosing loop while local < limit local. */
export function stepLoop(c: Code, local: number, step: number, limit: number): void {
  c.get(local).i32(step).i32Add().tee(local).get(limit).i32LtU().brIf(0);
}

/** Scratch locals reused by every emitter in one function body. */
export class Regs {
  private readonly pool = new Map<string, number[]>();
  constructor(private readonly c: Code) {}
  /** The n-th local of kind `kind` and type t (allocated on first use). */
  get(kind: string, n: number, t: typeof I32 | typeof V128): number {
    let list = this.pool.get(kind);
    if (list === undefined) this.pool.set(kind, (list = []));
    while (list.length <= n) list.push(this.c.local(t));
    return list[n]!;
  }
  i(kind: string, n = 0): number {
    return this.get(kind, n, I32);
  }
  v(kind: string, n = 0): number {
    return this.get(kind, n, V128);
  }
}

/** Horizontal reduction of vector local v with pmax or add: every lane ends up with the result. */
export function horizontal(c: Code, v: number, op: 'max' | 'add'): void {
  for (const [l0, l1, l2, l3] of [[2, 3, 0, 1], [1, 0, 3, 2]] as const) {
    c.get(v).get(v).get(v).shuffle32(l0, l1, l2, l3);
    if (op === 'max') c.f32x4Pmax();
    else c.f32x4Add();
    c.set(v);
  }
}

// Cephes expf (single precision): exp(x) = 2^n · p(r), n = round(x·log2 e), r = x − n·ln 2.
const EXP_HI = 88.3762626647949;
const EXP_LO = -87.33654475; // ln(FLT_MIN): below this the result is set to exactly 0
// inputs are clamped here first, so 2^n stays ≥ 2^-125 and no lane computes a subnormal (x86
// multiplies with subnormal results take a slow microcode path); [EXP_LO, EXP_CLAMP) maps to
// exp(EXP_CLAMP) ≈ 4e-38 instead of the true value, an absolute error below 1e-37
const EXP_CLAMP = -86;
const LOG2E = Math.LOG2E;
const ROUND_MAGIC = 12582912; // 1.5·2^23
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/** out = exp(x) lane-wise (x, out: v128 locals; x is clobbered). */
export function emitExp(c: Code, r: Regs, x: number, out: number): void {
  const low = r.v('exp.low');
  const n = r.v('exp.n');
  const z = r.v('exp.z');
  c.get(x).f32x4Const(EXP_LO).f32x4Lt().set(low);
  c.get(x).f32x4Const(EXP_HI).f32x4Pmin().f32x4Const(EXP_CLAMP).f32x4Pmax().set(x);
  // t = x·log2 e + 1.5·2^23 rounds to the nearest integer n in t's low mantissa bits (|n| < 2^22)
  const t = r.v('exp.t');
  c.get(x).f32x4Const(LOG2E).f32x4Mul().f32x4Const(ROUND_MAGIC).f32x4Add().tee(t).f32x4Const(ROUND_MAGIC).f32x4Sub().set(n);
  c.get(x).get(n).f32x4Const(LN2_HI).f32x4Mul().f32x4Sub().get(n).f32x4Const(LN2_LO).f32x4Mul().f32x4Sub().set(x);
  c.get(x).get(x).f32x4Mul().set(z);
  c.f32x4Const(EXP_P[0]!);
  for (let i = 1; i < EXP_P.length; i++) c.get(x).f32x4Mul().f32x4Const(EXP_P[i]!).f32x4Add();
  c.get(z).f32x4Mul().get(x).f32x4Add().f32x4Const(1).f32x4Add();
  // 2^n through the exponent bits: (bits(t) + 127) << 23 — the magic's own bits shift out
  c.get(t).i32x4Const(127).i32x4Add().i32(23).i32x4Shl();
  c.f32x4Mul().get(low).v128AndNot().set(out);
}

export interface MatmulArgs {
  readonly out: Addr;
  readonly a: Addr;
  readonly b: Addr;
  readonly M: number;
  readonly K: number;
  readonly N: number;
  /** Bias (N floats), same base local as b. */
  readonly bias?: Addr;
  /** max(0, out) written here too; same base local as out. */
  readonly relu?: Addr;
  /** Tile shape override: rows per tile (divides M) and f32x4 columns per tile (divides N/4). */
  readonly rows?: number;
  readonly vecs?: number;
}

/**
 * out = a·b [+ bias] [, relu = max(0, out)]: tiles of R rows × C vectors (R·C f32x4
 * accumulators), k unrolled. out: M×N, a: M×K, b: K×N, row-major.
 */
export function emitMatmul(c: Code, r: Regs, m: MatmulArgs): void {
  const { M, K, N } = m;
  // 4×2 tiles measured fastest (≈ 58 GFLOP/s on 16×16×128); 4×4 or 8×2 make V8 spill
  const R = m.rows ?? (M % 4 === 0 ? 4 : M % 2 === 0 ? 2 : 1);
  const C = m.vecs ?? ((N / 4) % 2 === 0 ? 2 : 1);
  if (m.bias !== undefined && m.bias.base !== m.b.base) throw new Error('emitMatmul: bias must share b’s base');
  if (m.relu !== undefined && m.relu.base !== m.out.base) throw new Error('emitMatmul: relu must share out’s base');
  const pa = r.i('mm.pa');
  const po = r.i('mm.po');
  const pend = r.i('mm.pend');
  const pb = r.i('mm.pb');
  const pc = r.i('mm.pc');
  const pcend = r.i('mm.pcend');
  const sv = r.v('mm.s');
  const acc = (i: number, j: number): number => r.v('mm.acc', i * C + j);
  const bv = (j: number): number => r.v('mm.b', j);
  setPtr(c, pa, m.a);
  setPtr(c, po, m.out);
  c.get(po).i32(M * N * 4).i32Add().set(pend);
  c.loop();
  setPtr(c, pb, m.b);
  c.get(po).set(pc);
  c.get(po).i32(N * 4).i32Add().set(pcend);
  c.loop();
  // one k per iteration of a k loop: unrolling k lets TurboFan hoist the loads of many k steps
  // at once, and the accumulators spill (measured 2–3× slower for every unroll tried)
  const pka = r.i('mm.pka');
  const pkb = r.i('mm.pkb');
  const pkend = r.i('mm.pkend');
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) c.f32x4Const(0).set(acc(i, j));
  c.get(pa).tee(pka).i32(K * 4).i32Add().set(pkend);
  c.get(pb).set(pkb);
  c.loop();
  for (let j = 0; j < C; j++) c.get(pkb).v128Load(j * 16).set(bv(j));
  for (let i = 0; i < R; i++) {
    c.get(pka).loadSplat(i * K * 4).set(sv);
    for (let j = 0; j < C; j++) c.get(acc(i, j)).get(sv).get(bv(j)).f32x4Mul().f32x4Add().set(acc(i, j));
  }
  c.get(pkb).i32(N * 4).i32Add().set(pkb);
  stepLoop(c, pka, 4, pkend);
  c.end();
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      c.get(pc).get(acc(i, j));
      if (m.bias !== undefined) c.get(pb).v128Load(m.bias.off - m.b.off + j * 16).f32x4Add();
      c.tee(acc(i, j)).v128Store(i * N * 4 + j * 16);
      if (m.relu !== undefined) {
        c.get(pc).f32x4Const(0).get(acc(i, j)).f32x4Pmax().v128Store(m.relu.off - m.out.off + i * N * 4 + j * 16);
      }
    }
  }
  c.get(pb).i32(C * 16).i32Add().set(pb);
  stepLoop(c, pc, C * 16, pcend);
  c.end();
  c.get(pa).i32(R * K * 4).i32Add().set(pa);
  stepLoop(c, po, R * N * 4, pend);
  c.end();
}

export interface LayerNormArgs {
  /** Row base of everything row-wise (same base local); rows of `cols` floats. */
  readonly x1: Addr;
  readonly x2: Addr;
  /** residual = x1 + x2 stored here. */
  readonly residual: Addr;
  readonly out: Addr;
  /** A second copy of the output (the block output), or undefined. */
  readonly copy?: Addr;
  readonly gamma: Addr;
  readonly beta: Addr;
  readonly rows: number;
  readonly cols: number;
  readonly eps: number;
}

/** residual = x1 + x2; out = γ·(residual − μ)/√(σ² + eps) + β per row (population σ²). */
export function emitAddLayerNorm(c: Code, r: Regs, a: LayerNormArgs): void {
  const nv = a.cols / 4;
  const p = r.i('ln.p');
  const end = r.i('ln.end');
  const s = r.v('ln.s');
  const rs = r.v('ln.r');
  const xv = (v: number): number => r.v('x', v);
  setPtr(c, p, { base: a.x1.base, off: 0 });
  c.get(p).i32(a.rows * a.cols * 4).i32Add().set(end);
  c.loop();
  for (let v = 0; v < nv; v++) {
    c.get(p).get(p).v128Load(a.x1.off + v * 16).get(p).v128Load(a.x2.off + v * 16).f32x4Add().tee(xv(v));
    c.v128Store(a.residual.off + v * 16);
  }
  emitNormStats(c, nv, xv, s, rs, a.eps);
  const gammaPtr = a.gamma;
  for (let v = 0; v < nv; v++) {
    c.get(p).get(xv(v)).get(rs).f32x4Mul();
    pushAddr(c, gammaPtr, v * 16);
    c.f32x4Mul();
    pushAddr(c, a.beta, v * 16);
    c.f32x4Add().tee(xv(v)).v128Store(a.out.off + v * 16);
    if (a.copy !== undefined) c.get(p).get(xv(v)).v128Store(a.copy.off + v * 16);
  }
  stepLoop(c, p, a.cols * 4, end);
  c.end();
}

/**
 * The statistics of one LayerNorm row held in `nv` x locals (population variance; float32, as
 * the reference): centres the x locals in place (x − μ) and leaves 1/√(σ² + eps) in every lane
 * of `rs`; `s` is scratch. Shared by the record forward's and the training graph's LayerNorm.
 */
export function emitNormStats(c: Code, nv: number, xv: (v: number) => number, s: number, rs: number, eps: number): void {
  sumInto(c, s, nv, xv);
  horizontal(c, s, 'add');
  c.get(s).f32x4Const(1 / (nv * 4)).f32x4Mul().set(s); // μ in every lane
  for (let v = 0; v < nv; v++) c.get(xv(v)).get(s).f32x4Sub().set(xv(v));
  for (let v = 0; v < nv; v++) {
    c.get(xv(v)).get(xv(v)).f32x4Mul();
    if (v > 0) c.f32x4Add();
  }
  c.set(s);
  horizontal(c, s, 'add');
  c.f32x4Const(1).get(s).f32x4Const(1 / (nv * 4)).f32x4Mul().f32x4Const(eps).f32x4Add().f32x4Sqrt().f32x4Div().set(rs);
}

/** Push v128.load(a + delta). */
function pushAddr(c: Code, a: Addr, delta: number): void {
  pushBase(c, a);
  c.v128Load(a.off + delta);
}

/** s = Σ_v xv(v) (left to right). */
function sumInto(c: Code, s: number, nv: number, xv: (v: number) => number): void {
  c.get(xv(0));
  for (let v = 1; v < nv; v++) c.get(xv(v)).f32x4Add();
  c.set(s);
}

/**
 * Row softmax of `nv` vectors held in x locals, normalised by their (all-lane) max; the result
 * vectors are left in the same x locals. Returns the local holding the max (every lane); `tag`
 * names the max/sum locals, so two rows emitted back to back stay independent.
 */
export function emitSoftmaxVectors(c: Code, r: Regs, nv: number, xv: (v: number) => number, tag = 'sm'): number {
  const m = r.v(`${tag}.m`);
  const s = r.v(`${tag}.s`);
  c.get(xv(0));
  for (let v = 1; v < nv; v++) c.get(xv(v)).f32x4Pmax();
  c.set(m);
  horizontal(c, m, 'max');
  for (let v = 0; v < nv; v++) {
    c.get(xv(v)).get(m).f32x4Sub().set(xv(v));
    emitExp(c, r, xv(v), xv(v));
  }
  sumInto(c, s, nv, xv);
  horizontal(c, s, 'add');
  for (let v = 0; v < nv; v++) c.get(xv(v)).get(s).f32x4Div().set(xv(v));
  return m;
}
