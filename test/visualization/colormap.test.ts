// Colour maps (spec §5.2): endpoint and mid-point colours, normalisation limits, fading rules.
import test from 'ava';
import { matrixFrom } from '../../src/transformer/tensor.js';
import {
  diverging, sequential, sequentialFading, sequentialPerRow, sequentialPerRowFading, vmaxOf,
} from '../../src/visualization/colormap.js';

const rgba = (c: Float32Array, i: number): number[] => Array.from(c.subarray(i * 4, i * 4 + 4), (v) => Math.round(v * 1e4) / 1e4);

test('vmaxOf is max(|max|, |min|, 0.01) without outliers', (t) => {
  t.is(vmaxOf(matrixFrom(1, 3, [-3, 2, 1])), 3);
  t.is(vmaxOf(matrixFrom(1, 2, [0.5, 2])), 2);
  t.is(vmaxOf(matrixFrom(1, 2, [0, 0.001])), 0.01);
  const even = Array.from({ length: 64 }, (_, i) => Math.sin(i) * 2);
  t.is(vmaxOf(matrixFrom(8, 8, even)), Math.max(...Float32Array.from(even).map(Math.abs)));
});

test('vmaxOf is robust (issue 17): mask sentinels never set the scale; one outlier column saturates', (t) => {
  t.is(vmaxOf(matrixFrom(1, 3, [0.3, -1e9, -0.1])), Math.fround(0.3));
  // 16 rows × 32 columns in ±1, column 31 at −20 (the logits' PAD column).
  const d = Array.from({ length: 16 * 32 }, (_, i) => (i % 32 === 31 ? -20 : Math.cos(i)));
  const v = vmaxOf(matrixFrom(16, 32, d));
  t.true(v > 0.9 && v < 1.3, `scale ${v} follows the bulk of the values, not the −20 column`);
});

test('diverging: −vmax blue, 0 white, +vmax red, half-way pale', (t) => {
  const c = diverging(matrixFrom(1, 5, [-2, -1, 0, 1, 2]));
  t.deepEqual(rgba(c, 0), [0, 0, 1, 1]);
  t.deepEqual(rgba(c, 1), [0.5, 0.5, 1, 1]);
  t.deepEqual(rgba(c, 2), [1, 1, 1, 1]);
  t.deepEqual(rgba(c, 3), [1, 0.5, 0.5, 1]);
  t.deepEqual(rgba(c, 4), [1, 0, 0, 1]);
});

test('diverging: explicit vmax clamps beyond the limit; masked −1e9 scores are blue, real scores in their own scale', (t) => {
  const c = diverging(matrixFrom(1, 2, [-5, 5]), 1);
  t.deepEqual(rgba(c, 0), [0, 0, 1, 1]);
  t.deepEqual(rgba(c, 1), [1, 0, 0, 1]);
  const s = diverging(matrixFrom(1, 2, [0.3, -1e9]));
  t.deepEqual(rgba(s, 0), [1, 0, 0, 1]);
  t.deepEqual(rgba(s, 1), [0, 0, 1, 1]);
});

test('sequential: dark purple → blue → yellow', (t) => {
  const c = sequential(matrixFrom(1, 3, [0, 0.5, 1]));
  t.deepEqual(rgba(c, 0), [0.05, 0, 0.15, 1]);
  t.deepEqual(rgba(c, 1), [0.2, 0.4, 0.9, 1]);
  t.deepEqual(rgba(c, 2), [1, 0.95, 0.3, 1]);
  // explicit limits
  const d = sequential(matrixFrom(1, 2, [2, 4]), 2, 4);
  t.deepEqual(rgba(d, 0), [0.05, 0, 0.15, 1]);
  t.deepEqual(rgba(d, 1), [1, 0.95, 0.3, 1]);
});

test('sequential per row: each row max is yellow, zero stays dark (minimum not stretched)', (t) => {
  const c = sequentialPerRow(matrixFrom(2, 2, [0.1, 0.2, 0.5, 1]));
  t.deepEqual(rgba(c, 1), [1, 0.95, 0.3, 1]);
  t.deepEqual(rgba(c, 3), [1, 0.95, 0.3, 1]);
  t.deepEqual(rgba(c, 0), [0.2, 0.4, 0.9, 1]); // 0.1 / 0.2 = 0.5
  t.deepEqual(rgba(c, 2), [0.2, 0.4, 0.9, 1]);
});

test('fading maps: all-zero rows / zero elements get alpha 0, others keep 1', (t) => {
  const m = matrixFrom(2, 2, [0, 0, 0, 0.7]);
  const r = sequentialPerRowFading(m);
  t.is(r[3], 0); t.is(r[7], 0); t.is(r[11], 1); t.is(r[15], 1);
  const f = sequentialFading(m);
  t.is(f[3], 0); t.is(f[7], 0); t.is(f[11], 0); t.is(f[15], 1);
  t.deepEqual(rgba(f, 3), [1, 0.95, 0.3, 1]);
});
