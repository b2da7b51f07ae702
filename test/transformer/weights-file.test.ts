/**
 * Weights ↔ .npz with the reference's key names (spec §1.10): round trip of the fixture weights
 * (same forward afterwards), a hand-built S = 12 file like the reference's own weights (config
 * from the shapes, runs with S = 12), float64 files, and one-line errors naming file and key.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { makeConfig } from '../../src/transformer/config.js';
import { initWeights } from '../../src/transformer/init.js';
import { forward } from '../../src/transformer/model.js';
import { encode } from '../../src/transformer/vocab.js';
import type { Weights } from '../../src/transformer/weights.js';
import { loadWeights, saveWeights, weightsToArrays } from '../../src/transformer/weights-file.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';
import { fixtureWeights } from './fixture-weights.js';
import { f32le, f64le, handNpy, handZip } from './npz-builders.js';

function tmp(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'gptviz-w-')), name);
}

/** A weights file built by hand (stored zip of hand-made .npy), optionally edited per key. */
function handWeightsFile(w: Weights, edit: (key: string, shape: readonly number[], data: Float32Array) => Uint8Array | null = () => null, f64 = false): string {
  const entries: [string, Uint8Array][] = [];
  for (const [key, a] of weightsToArrays(w)) {
    const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
    const npy = edit(key, a.shape, a.data) ?? handNpy(f64 ? '<f8' : '<f4', shape, f64 ? f64le(Array.from(a.data)) : f32le(Array.from(a.data)));
    if (npy.length > 0) entries.push([`${key}.npy`, npy]);
  }
  const file = tmp('w.npz');
  writeFileSync(file, handZip(entries));
  return file;
}

test('save → load round trip keeps every parameter and the forward pass', (t) => {
  const fx = loadFixture(HELLO);
  const w = fixtureWeights(fx);
  const file = tmp('charlm.npz');
  saveWeights(file, w);
  const back = loadWeights(file);
  t.deepEqual(back.config, w.config);
  t.deepEqual(back.flat, w.flat);
  const a = forward(w, fx.token_ids.data);
  const b = forward(back, fx.token_ids.data);
  t.deepEqual(b.logits!.data, a.logits!.data);
});

test('a hand-built S = 12 file (like the reference weights) loads with S = 12 and runs', (t) => {
  const w12 = initWeights(makeConfig({ seqLen: 12 }));
  const back = loadWeights(handWeightsFile(w12));
  t.is(back.config.seqLen, 12);
  t.is(back.config.dModel, 16);
  t.is(back.config.numHeads, 4);
  t.is(back.config.dFF, 128);
  t.is(back.config.numBlocks, 4);
  t.deepEqual(back.flat, w12.flat);
  const rec = forward(back, encode('hello', 12), { temperature: 0.3 });
  t.is(rec.logits!.rows, 12);
  t.is(rec.predictedIds!.length, 12);
});

test('float64 arrays load (rounded to float32); heads can be overridden', (t) => {
  const w = initWeights(makeConfig({ numBlocks: 2 }));
  const file = handWeightsFile(w, undefined, true);
  const back = loadWeights(file);
  t.deepEqual(back.flat, w.flat);
  t.is(back.config.numBlocks, 2);
  t.is(loadWeights(file, { numHeads: 8 }).config.dK, 2);
  t.throws(() => loadWeights(file, { numHeads: 5 }), { instanceOf: UserError, message: /w\.npz: d_model \(16\) must be divisible by num_heads \(5\)/ });
});

function expectOneLine(t: ExecutionContext, fn: () => unknown, re: RegExp): void {
  const err = t.throws(fn, { instanceOf: UserError, message: re });
  t.false(err?.message.includes('\n') ?? true, 'one line');
}

test('one-line errors: missing key, wrong shape, NaN/Inf, missing file, not a zip', (t) => {
  const w = initWeights(makeConfig({}));
  const drop = handWeightsFile(w, (k) => (k === 'block2_b1' ? new Uint8Array(0) : null));
  expectOneLine(t, () => loadWeights(drop), /w\.npz: missing key 'block2_b1'/);
  const noEmb = handWeightsFile(w, (k) => (k === 'embedding' ? new Uint8Array(0) : null));
  expectOneLine(t, () => loadWeights(noEmb), /missing key 'embedding'/);
  const shape = handWeightsFile(w, (k) => (k === 'block1_W_O' ? handNpy('<f4', '(16, 15)', f32le(new Array(240).fill(0))) : null));
  expectOneLine(t, () => loadWeights(shape), /w\.npz, key block1_W_O: shape \(16, 15\), expected \(16, 16\)/);
  const vocab = handWeightsFile(w, (k) => (k === 'embedding' ? handNpy('<f4', '(30, 16)', f32le(new Array(480).fill(0))) : null));
  expectOneLine(t, () => loadWeights(vocab), /key embedding: 30 rows, but the vocabulary has 32 tokens/);
  const nan = handWeightsFile(w, (k, _s, d) => (k === 'block0_gamma2' ? handNpy('<f4', '(16,)', f32le(Array.from(d, (v, i) => (i === 3 ? NaN : v)))) : null));
  expectOneLine(t, () => loadWeights(nan), /key block0_gamma2: contains NaN at index 3/);
  const inf = handWeightsFile(w, (k, _s, d) => (k === 'pos_encoding' ? handNpy('<f4', '(16, 16)', f32le(Array.from(d, (v, i) => (i === 0 ? -Infinity : v)))) : null));
  expectOneLine(t, () => loadWeights(inf), /key pos_encoding: contains -Infinity at index 0/);
  const big = handWeightsFile(w, (k, _s, d) => (k === 'block0_b2' ? handNpy('<f8', '(16,)', f64le(Array.from(d, (v, i) => (i === 1 ? 1e300 : v)))) : null));
  expectOneLine(t, () => loadWeights(big), /key block0_b2: value 1e\+300 at index 1 overflows float32/);
  expectOneLine(t, () => loadWeights('/nonexistent/charlm.npz'), /weights file not found: \/nonexistent\/charlm\.npz/);
  const text = tmp('text.npz');
  writeFileSync(text, 'not a zip');
  expectOneLine(t, () => loadWeights(text), /text\.npz: not a \.npz file/);
});
