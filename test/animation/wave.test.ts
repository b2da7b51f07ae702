/** Wave and noise-warp tests (spec §5.3): stagger end points, 1×1 matrices, warp end points. */
import test from 'ava';
import { ease } from '../../src/animation/easing.js';
import { diagDelay, noiseLerp, noiseWarp, wave } from '../../src/animation/wave.js';

const near = (a: number, b: number, eps = 1e-7): boolean => Math.abs(a - b) < eps;

test('wave: top-left first, bottom-right exactly at 1', (t) => {
  t.is(diagDelay(0, 0, 16, 16, 0.3), 0);
  t.true(near(diagDelay(15, 15, 16, 16, 0.3), 0.3));
  t.is(diagDelay(0, 0, 1, 1, 0.3), 0); // a 1×1 matrix does not divide by zero
  t.is(wave(0, 0, 0, 16, 16), 0);
  t.true(near(wave(0.7, 0, 0, 16, 16), 1));
  t.true(wave(0.69, 0, 0, 16, 16) < 1);
  t.is(wave(0.3, 15, 15, 16, 16), 0);
  t.true(near(wave(1, 15, 15, 16, 16), 1));
  t.true(near(wave(0.65, 15, 15, 16, 16), 0.5));
  t.true(wave(0.5, 3, 4, 16, 16) > wave(0.5, 4, 4, 16, 16));
  // stagger 0.95 → divisor floor 0.1
  t.true(near(wave(0.05, 0, 0, 4, 4, 0.95), ease(0.5)));
});

test('noise-warped lerp keeps the end points and warps the middle', (t) => {
  for (const n of [-0.6, 0, 0.3, 0.6]) {
    t.is(noiseWarp(0, n), 0);
    t.is(noiseWarp(1, n), 1);
    t.is(noiseLerp(3, 7, 0, n), 3);
    t.is(noiseLerp(3, 7, 1, n), 7);
  }
  t.true(near(noiseWarp(0.5, 0.3), 0.56));
  t.true(near(noiseLerp(0, 10, 0.5, -0.6), 3.8));
  t.is(noiseLerp(0, 10, 0.5, 0), 5);
});
