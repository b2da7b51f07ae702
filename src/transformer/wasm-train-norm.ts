/**
 * WebAssembly SIMD LayerNorm forward (with the residual add fused) and backward for the float32
 * training graph (spec §1.5, §2.2; the same formulas as layerNormForward / layerNormBackward in
 * kernels.ts, which stay the float64 path and the fallback). A row of D floats is D/4 f32x4
 * vectors held in locals; means, variance and 1/√(σ² + 1e-5) are float32 (the JS kernels use
 * float64 for these scalars).
 *
 * Arguments are i32 byte addresses at `args` (see wasm-train.ts's calling convention). Not
 * here: the module, the memory and the JS entry points (wasm-train.ts).
 */
import type { ModelConfig } from './config.js';
import { Code } from './wasm-asm.js';
import { Regs, emitNormStats, horizontal, stepLoop } from './wasm-kernels.js';
import { LN_EPS } from './kernels.js';

/**
 * x ← x + add; y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + eps), rstd = 1/√(σ² + eps), over `rows`
 * rows of D. Arguments: +0 y, +4 xhat, +8 rstd, +12 x, +16 add, +20 γ, +24 β, +28 rows.
 */
export function emitLayerNormForward(c: ModelConfig, args: number): Code {
  const D = c.dModel;
  const nv = D / 4;
  const code = new Code(0);
  const r = new Regs(code);
  const argp = (o: number): Code => code.i32(0).i32Load(args + o);
  const [py, ph, pr, px, pa, pg, pb, pend] = ['y', 'h', 'r', 'x', 'a', 'g', 'b', 'end'].map((n) => r.i(`p.${n}`)) as [number, number, number, number, number, number, number, number]; // prettier-ignore
  const xv = (i: number): number => r.v('x', i);
  const s = r.v('s');
  const rs = r.v('rs');
  argp(0).set(py);
  argp(4).set(ph);
  argp(8).set(pr);
  argp(12).tee(px).i32(0).i32Load(args + 28).i32(D * 4).i32Mul().i32Add().set(pend);
  argp(16).set(pa);
  argp(20).set(pg);
  argp(24).set(pb);
  code.loop();
  for (let v = 0; v < nv; v++) code.get(px).v128Load(v * 16).get(pa).v128Load(v * 16).f32x4Add().set(xv(v));
  emitNormStats(code, nv, xv, s, rs, LN_EPS);
  code.get(pr).get(rs).f32x4ExtractLane(0).f32Store(0);
  for (let v = 0; v < nv; v++) {
    code.get(ph).get(xv(v)).get(rs).f32x4Mul().tee(xv(v)).v128Store(v * 16);
    code.get(py).get(pg).v128Load(v * 16).get(xv(v)).f32x4Mul().get(pb).v128Load(v * 16).f32x4Add().v128Store(v * 16);
  }
  for (const p of [py, ph, pa]) code.get(p).i32(D * 4).i32Add().set(p);
  code.get(pr).i32(4).i32Add().set(pr);
  stepLoop(code, px, D * 4, pend);
  code.end();
  code.i32(0);
  return code;
}

/**
 * dγ += Σ dy·x̂, dβ += Σ dy, dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = dy·γ, over
 * `rows` rows. Arguments: +0 dx, +4 dγ, +8 dβ, +12 dy, +16 x̂, +20 rstd, +24 γ, +28 rows.
 */
export function emitLayerNormBackward(c: ModelConfig, args: number): Code {
  const D = c.dModel;
  const nv = D / 4;
  const code = new Code(0);
  const r = new Regs(code);
  const argp = (o: number): Code => code.i32(0).i32Load(args + o);
  const [pdx, pdy, ph, pr, pg, pend] = ['dx', 'dy', 'h', 'r', 'g', 'end'].map((n) => r.i(`p.${n}`)) as [number, number, number, number, number, number]; // prettier-ignore
  const dyv = (i: number): number => r.v('dy', i);
  const hv = (i: number): number => r.v('h', i);
  const dg = (i: number): number => r.v('dg', i);
  const db = (i: number): number => r.v('db', i);
  const m1 = r.v('m1');
  const m2 = r.v('m2');
  const rs = r.v('rs');
  for (let v = 0; v < nv; v++) code.f32x4Const(0).set(dg(v)).f32x4Const(0).set(db(v));
  argp(0).set(pdx);
  argp(12).tee(pdy).i32(0).i32Load(args + 28).i32(D * 4).i32Mul().i32Add().set(pend);
  argp(16).set(ph);
  argp(20).set(pr);
  argp(24).set(pg);
  code.loop();
  for (let v = 0; v < nv; v++) {
    code.get(pdy).v128Load(v * 16).set(dyv(v));
    code.get(ph).v128Load(v * 16).set(hv(v));
    code.get(dg(v)).get(dyv(v)).get(hv(v)).f32x4Mul().f32x4Add().set(dg(v));
    code.get(db(v)).get(dyv(v)).f32x4Add().set(db(v));
    code.get(dyv(v)).get(pg).v128Load(v * 16).f32x4Mul().set(dyv(v)); // now dx̂
  }
  code.get(dyv(0));
  for (let v = 1; v < nv; v++) code.get(dyv(v)).f32x4Add();
  code.set(m1);
  code.get(dyv(0)).get(hv(0)).f32x4Mul();
  for (let v = 1; v < nv; v++) code.get(dyv(v)).get(hv(v)).f32x4Mul().f32x4Add();
  code.set(m2);
  horizontal(code, m1, 'add');
  horizontal(code, m2, 'add');
  code.get(m1).f32x4Const(1 / D).f32x4Mul().set(m1);
  code.get(m2).f32x4Const(1 / D).f32x4Mul().set(m2);
  code.get(pr).loadSplat(0).set(rs);
  for (let v = 0; v < nv; v++) {
    code.get(pdx).get(rs).get(dyv(v)).get(m1).f32x4Sub().get(hv(v)).get(m2).f32x4Mul().f32x4Sub().f32x4Mul().v128Store(v * 16);
  }
  for (const p of [pdx, ph]) code.get(p).i32(D * 4).i32Add().set(p);
  code.get(pr).i32(4).i32Add().set(pr);
  stepLoop(code, pdy, D * 4, pend);
  code.end();
  for (const [slot, acc] of [[4, dg], [8, db]] as const) {
    for (let v = 0; v < nv; v++) {
      argp(slot).i32(0).i32Load(args + slot).v128Load(v * 16).get(acc(v)).f32x4Add().v128Store(v * 16);
    }
  }
  code.i32(0);
  return code;
}
