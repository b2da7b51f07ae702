/**
 * The wasm assembler and SIMD kernels on their own: LEB128/constant encodings, the Cephes exp
 * against Math.exp, matmul (every tile shape, bias, ReLU) and add+LayerNorm against the JS
 * kernels of kernels.ts.
 */
import test from 'ava';
import { layerNormForward, matmul } from '../../src/transformer/kernels.js';
import { Code, moduleBytes } from '../../src/transformer/wasm-asm.js';
import { Regs, abs, emitAddLayerNorm, emitExp, emitMatmul } from '../../src/transformer/wasm-kernels.js';
import { closeTo } from '../helpers/close-to.js';

interface Wasm {
  Module: new (b: Uint8Array) => object;
  Instance: new (m: object, i: object) => { exports: Record<string, (...a: number[]) => number> };
  Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
const WA = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

/** Instantiate one () → i32 function `f` over a fresh 1-page memory. */
function build(emit: (c: Code, r: Regs) => void): { f: () => number; f32: Float32Array } {
  const code = new Code(0);
  emit(code, new Regs(code));
  const module = new WA.Module(moduleBytes(1, [{ name: 'f', type: 'void', code }]));
  const mem = new WA.Memory({ initial: 1, maximum: 1 });
  const f = new WA.Instance(module, { env: { mem } }).exports['f']!;
  return { f: () => f(), f32: new Float32Array(mem.buffer) };
}

/** Deterministic pseudo-random values in [−1, 1). */
function fill(a: Float32Array, seed: number): Float32Array {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

test('integer and float constants are encoded exactly (signed LEB128, f32 bits)', (t) => {
  for (const v of [0, 1, -1, 63, 64, -64, -65, 127, 128, 8191, -8192, 123456789, -123456789, 2 ** 31 - 1, -(2 ** 31)]) {
    t.is(build((c) => void c.i32(v)).f(), v, `i32 ${v}`);
  }
  const { f, f32 } = build((c) => {
    c.i32(0).f32(-1e9).f32Store(100);
    c.i32(0).f32(Math.PI).f32Store(104);
    c.i32(0).f32x4Const(0.1).v128Store(112);
    c.i32(0);
  });
  f();
  t.is(f32[25], -1e9);
  t.is(f32[26], Math.fround(Math.PI));
  t.deepEqual(Array.from(f32.subarray(28, 32)), [0.1, 0.1, 0.1, 0.1].map(Math.fround));
});

test('exp: within 2 float32 ulps of Math.exp over [−87, 88], exactly 0 below ln(FLT_MIN), exp(0) = 1', (t) => {
  const n = 4096;
  const xs = new Float32Array(n);
  for (let i = 0; i < n - 8; i++) xs[i] = -87 + (175 * i) / (n - 8);
  xs.set([0, -0, -87.5, -100, -1e9, -110, 1e-8, -1e-8], n - 8);
  const { f, f32 } = build((c, r) => {
    const p = r.i('p');
    const x = r.v('x');
    c.i32(0).set(p);
    c.loop();
    c.get(p).v128Load(0).set(x);
    emitExp(c, r, x, x);
    c.get(p).get(x).v128Store(n * 4);
    c.get(p).i32(16).i32Add().tee(p).i32(n * 4).i32LtU().brIf(0);
    c.end();
    c.i32(0);
  });
  f32.set(xs);
  f();
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const want = Math.exp(xs[i]!);
    const got = f32[n + i]!;
    if (xs[i]! < -87.34) {
      t.is(got, 0, `exp(${xs[i]})`);
      continue;
    }
    if (want < 1e-37) continue; // clamped just above the subnormal range (documented)
    worst = Math.max(worst, Math.abs(got - want) / want);
  }
  t.true(worst < 2 * 2 ** -23, `worst relative error ${worst}`);
  t.is(f32[n + n - 8], 1);
  t.is(f32[n + n - 7], 1);
});

for (const [M, K, N] of [[16, 16, 128], [16, 128, 16], [6, 12, 4], [3, 8, 12], [16, 16, 32]] as const) {
  test(`matmul ${M}×${K}·${K}×${N} with bias and ReLU matches the JS matmul`, (t) => {
    const a = fill(new Float32Array(M * K), 1);
    const b = fill(new Float32Array(K * N), 2);
    const bias = fill(new Float32Array(N), 3);
    const oA = 0;
    const oB = oA + M * K;
    const oBias = oB + K * N;
    const oOut = oBias + N;
    const oRelu = oOut + M * N;
    const { f, f32 } = build((c, r) => {
      emitMatmul(c, r, { out: abs(oOut * 4), a: abs(oA * 4), b: abs(oB * 4), M, K, N, bias: abs(oBias * 4), relu: abs(oRelu * 4) });
      c.i32(0);
    });
    f32.set(a, oA);
    f32.set(b, oB);
    f32.set(bias, oBias);
    f();
    const want = new Float32Array(M * N);
    const wantRelu = new Float32Array(M * N);
    matmul(want, a, b, M, K, N, bias, wantRelu);
    t.is(closeTo(f32.subarray(oOut, oOut + M * N), want, { atol: 1e-5 }, 'out'), null);
    t.is(closeTo(f32.subarray(oRelu, oRelu + M * N), wantRelu, { atol: 1e-5 }, 'relu'), null);
    for (let i = 0; i < M * N; i++) if (want[i]! <= 0) t.is(f32[oRelu + i], 0);
  });
}

test('add + LayerNorm: residual exact, output matches layerNormForward', (t) => {
  const S = 8;
  const D = 12;
  const x1 = fill(new Float32Array(S * D), 4);
  const x2 = fill(new Float32Array(S * D), 5).map((v) => 3 * v);
  const gamma = fill(new Float32Array(D), 6);
  const beta = fill(new Float32Array(D), 7);
  const n = S * D;
  const [o1, o2, oRes, oOut, oCopy, oG, oB] = [0, n, 2 * n, 3 * n, 4 * n, 5 * n, 5 * n + D];
  const { f, f32 } = build((c, r) => {
    const base = r.i('base');
    c.i32(0).set(base);
    const A = (o: number): { base: number; off: number } => ({ base, off: o * 4 });
    emitAddLayerNorm(c, r, { x1: A(o1), x2: A(o2), residual: A(oRes), out: A(oOut), copy: A(oCopy), gamma: abs(oG * 4), beta: abs(oB * 4), rows: S, cols: D, eps: 1e-5 }); // prettier-ignore
    c.i32(0);
  });
  f32.set(x1, o1);
  f32.set(x2, o2);
  f32.set(gamma, oG);
  f32.set(beta, oB);
  f();
  const res = new Float32Array(n);
  for (let i = 0; i < n; i++) res[i] = x1[i]! + x2[i]!;
  t.deepEqual(Array.from(f32.subarray(oRes, oRes + n)), Array.from(res));
  const want = new Float32Array(n);
  layerNormForward(want, null, null, null, 0, res, 0, gamma, 0, beta, 0, S, D);
  t.is(closeTo(f32.subarray(oOut, oOut + n), want, { atol: 2e-6 }, 'layernorm'), null);
  t.deepEqual(Array.from(f32.subarray(oCopy, oCopy + n)), Array.from(f32.subarray(oOut, oOut + n)));
});
