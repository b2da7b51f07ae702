/**
 * Adam, clipping and the schedule (spec §2.3): one clipped Adam step from the reference's
 * initial model matches `adam_first_step` of the fixtures; clipping and schedule values.
 */
import test from 'ava';
import { adamStep, clipGradients, createAdamState, gradNorm } from '../../src/transformer/adam.js';
import { TrainGraph } from '../../src/transformer/backward.js';
import { learningRate } from '../../src/transformer/schedule.js';
import { closeTo } from '../helpers/close-to.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';
import { FIXTURE_CONFIG, fixtureChunk, fixtureWeights } from './train-fixture-helpers.js';

test('one clipped Adam step matches the reference adam_first_step', (t) => {
  const fx = loadFixture(HELLO);
  const step = fx.adam_first_step;
  const entry = fx.training.find((e: { mask_name: string }) => e.mask_name === 'mask_all_ones');
  const w = fixtureWeights(HELLO);
  const grads = new Float64Array(w.flat.length);
  const graph = new TrainGraph(FIXTURE_CONFIG, 1, Float64Array);
  const loss = graph.lossAndGrad(Float64Array.from(w.flat), grads, fixtureChunk(entry), [0], 0, 1, null, 1);
  t.true(Math.abs(loss - step.batch_loss) < 1e-9);
  const norm = clipGradients(grads, step.max_norm);
  t.true(Math.abs(norm - step.global_grad_norm) < 1e-9, `norm ${norm} vs ${step.global_grad_norm}`);
  t.true(Math.abs(gradNorm(grads) - step.max_norm) < 1e-9, 'clipped to max_norm');
  const state = createAdamState(w.flat.length);
  adamStep(w.flat, grads, state, step.lr);
  t.is(state.t, 1);
  for (const g of w.groups) {
    t.is(closeTo(g.matrix.data, step.params_after[g.checkName].data, { atol: 1e-7 }, g.checkName), null);
  }
});

test('clipping scales by max_norm / (norm + 1e-10) only above max_norm', (t) => {
  const g = Float32Array.of(3, 4);
  t.is(clipGradients(g, 1), 5);
  t.true(Math.abs(g[0]! - 0.6) < 1e-6 && Math.abs(g[1]! - 0.8) < 1e-6);
  const h = Float32Array.of(0.3, 0.4);
  t.true(Math.abs(clipGradients(h, 1) - 0.5) < 1e-7);
  t.deepEqual([...h], [Math.fround(0.3), Math.fround(0.4)]);
});

test('bias correction: the first steps move each parameter by ≈ lr against its gradient sign', (t) => {
  const p = Float32Array.of(1, 1);
  const s = createAdamState(2);
  adamStep(p, Float32Array.of(0.5, -2), s, 0.01);
  t.true(Math.abs(p[0]! - 0.99) < 1e-6 && Math.abs(p[1]! - 1.01) < 1e-6);
  adamStep(p, Float32Array.of(0.5, -2), s, 0.01);
  t.true(Math.abs(p[0]! - 0.98) < 1e-6 && Math.abs(p[1]! - 1.02) < 1e-6);
});

test('schedule: warm-up then cosine to lr_min (spec §2.3)', (t) => {
  const lr = (e: number): number => learningRate(e, 150, 3e-3, 1e-4);
  t.true(Math.abs(lr(1) - 3e-4) < 1e-15);
  t.true(Math.abs(lr(5) - 1.5e-3) < 1e-15);
  t.true(Math.abs(lr(10) - 3e-3) < 1e-15);
  t.true(Math.abs(lr(80) - (1e-4 + 0.5 * 2.9e-3)) < 1e-15, 'half-way through the cosine');
  t.true(Math.abs(lr(150) - 1e-4) < 1e-15);
  t.true(lr(11) < lr(10) && lr(149) > lr(150));
  // Short runs: W = max(1, ⌊E/15⌋) = 1, and E = 1 uses the peak.
  t.is(learningRate(1, 5, 3e-3, 1e-4), 3e-3);
  t.true(Math.abs(learningRate(5, 5, 3e-3, 1e-4) - 1e-4) < 1e-15);
  t.is(learningRate(1, 1, 3e-3, 1e-4), 3e-3);
});
