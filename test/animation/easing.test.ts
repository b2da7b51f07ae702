/** Easing tests (spec §5.3): every function at 0, ½, 1, and clamping. */
import test from 'ava';
import { clamp01, ease, easeOut, lerp, smooth } from '../../src/animation/easing.js';

const near = (a: number, b: number, eps = 1e-7): boolean => Math.abs(a - b) < eps;

test('clamp01 and lerp', (t) => {
  t.deepEqual([clamp01(-1), clamp01(0), clamp01(0.5), clamp01(1), clamp01(2), clamp01(Number.NaN)], [0, 0, 0.5, 1, 1, 0]);
  t.deepEqual([lerp(2, 4, 0), lerp(2, 4, 0.5), lerp(2, 4, 1)], [2, 3, 4]);
});

test('ease: cubic in-out, clamped', (t) => {
  t.deepEqual([ease(-1), ease(0), ease(0.5), ease(1), ease(2)], [0, 0, 0.5, 1, 1]);
  t.true(near(ease(0.25), 4 * 0.25 ** 3));
  t.true(near(ease(0.75), 1 - 0.5 ** 3 / 2));
});

test('easeOut and smooth', (t) => {
  t.deepEqual([easeOut(-1), easeOut(0), easeOut(0.5), easeOut(1), easeOut(3)], [0, 0, 0.875, 1, 1]);
  t.true(near(smooth(0, 1, 0), 0) && near(smooth(0, 1, 0.5), 0.5) && near(smooth(0, 1, 1), 1, 1e-6));
  t.is(smooth(0, 1, -1), 0);
  t.is(smooth(0, 1, 5), 1);
  t.true(near(smooth(2, 4, 3), 0.5));
});
