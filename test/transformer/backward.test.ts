/**
 * Golden tests of the training graph (spec §2.2): loss and every parameter gradient against the
 * reference's float64 forward_backward (test/fixtures training[]), in float64 (tight) and in
 * float32 (the training path).
 */
import test from 'ava';
import { TrainGraph } from '../../src/transformer/backward.js';
import { closeTo } from '../helpers/close-to.js';
import { HELLO, TO_BE, loadFixture } from '../helpers/fixtures.js';
import { FIXTURE_CONFIG, fixtureChunk, fixtureGrads, fixtureWeights } from './train-fixture-helpers.js';

for (const name of [HELLO, TO_BE]) {
  const fx = loadFixture(name);
  for (const entry of fx.training) {
    for (const ctor of [Float64Array, Float32Array]) {
      test(`${name} ${entry.mask_name} ${ctor.name}: loss and gradients match the reference`, (t) => {
        const w = fixtureWeights(name);
        const params = ctor.from(w.flat);
        const grads = new ctor(params.length);
        const chunk = fixtureChunk(entry);
        const graph = new TrainGraph(FIXTURE_CONFIG, 4, ctor);
        const loss = graph.lossAndGrad(params, grads, chunk, [0], 0, 1, entry.mask.data, 1);
        t.true(Math.abs(loss - entry.loss) < 1e-6, `loss ${loss} vs ${entry.loss}`);
        const expected = fixtureGrads(w, entry);
        for (const g of w.groups) {
          const n = g.matrix.data.length;
          const exp = expected.subarray(g.offset, g.offset + n);
          let big = 0;
          for (const x of exp) big = Math.max(big, Math.abs(x));
          const act = grads.subarray(g.offset, g.offset + n);
          t.is(closeTo(act, exp, { atol: 1e-5 * big }, g.checkName), null);
        }
      });
    }
  }
}

test('gradients accumulate with scale and the loss of two examples is the sum', (t) => {
  const fx = loadFixture(HELLO);
  const entry = fx.training[0];
  const w = fixtureWeights(HELLO);
  const params = Float64Array.from(w.flat);
  const chunk = fixtureChunk(entry);
  const two = new Int32Array(chunk.length * 2);
  two.set(chunk);
  two.set(chunk, chunk.length);
  const g1 = new Float64Array(params.length);
  const g2 = new Float64Array(params.length);
  const graph = new TrainGraph(FIXTURE_CONFIG, 1, Float64Array);
  const l1 = graph.lossAndGrad(params, g1, chunk, [0], 0, 1, null, 1);
  const l2 = graph.lossAndGrad(params, g2, two, [0, chunk.length], 0, 2, null, 0.5);
  t.true(Math.abs(l2 - 2 * l1) < 1e-12);
  t.is(closeTo(g2, g1, { atol: 1e-12, rtol: 1e-9 }, 'mean of two equal examples'), null);
});

test('evaluate counts argmax hits and returns the same loss as the training forward', (t) => {
  const w = fixtureWeights(TO_BE);
  const entry = loadFixture(TO_BE).training[0];
  const chunk = fixtureChunk(entry);
  const graph = new TrainGraph(FIXTURE_CONFIG, 2, Float32Array);
  const hits = new Float64Array(1);
  const loss = graph.evaluate(w.flat, chunk, [0], 0, 1, null, hits);
  t.true(Math.abs(loss - entry.loss) < 1e-5);
  // The fixture's float32 forward predicts argmax ids for the same input; count agreements.
  const fwdPred: number[] = loadFixture(TO_BE).forward.predicted_ids.data;
  let expectedHits = 0;
  for (let i = 0; i < 16; i++) if (fwdPred[i] === chunk[i + 1]) expectedHits++;
  t.is(hits[0], expectedHits);
});
