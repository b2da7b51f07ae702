/**
 * The unrolled dk = 4 attention kernels agree with the general ones (same formulas), and the
 * general path (dk ≠ 4) passes a float64 gradient check.
 */
import test from 'ava';
import { makeConfig } from '../../src/transformer/config.js';
import { prepareCorpus } from '../../src/transformer/data.js';
import { checkGradients } from '../../src/transformer/gradcheck.js';
import { initWeights } from '../../src/transformer/init.js';
import { RandomState } from '../../src/transformer/rng.js';
import {
  attentionBackward, attentionBackwardGeneral, attentionForward, attentionForwardGeneral,
} from '../../src/transformer/attention.js';
import { closeTo } from '../helpers/close-to.js';

const S = 7;
const H = 3;
const D = H * 4;

function randomArray(rng: RandomState, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.standardNormal());
}

test('dk = 4 fast path equals the general kernels, forward and backward', (t) => {
  const rng = new RandomState(5);
  const [q, k, v, dc] = [0, 1, 2, 3].map(() => randomArray(rng, S * D)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const run = (fast: boolean): Float64Array[] => {
    const concat = new Float64Array(S * D);
    const P = new Float64Array(H * S * S).fill(7);
    const [dq, dk, dv] = [new Float64Array(S * D), new Float64Array(S * D), new Float64Array(S * D)];
    const dP = new Float64Array(S);
    if (fast) {
      attentionForward(concat, P, 0, q, k, v, 0, S, H, 4);
      attentionBackward(dq, dk, dv, dP, dc, P, 0, q, k, v, 0, S, H, 4);
    } else {
      attentionForwardGeneral(concat, P, 0, q, k, v, 0, S, H, 4);
      attentionBackwardGeneral(dq, dk, dv, dP, dc, P, 0, q, k, v, 0, S, H, 4);
    }
    return [concat, P, dq, dk, dv];
  };
  const [a, b] = [run(true), run(false)];
  ['concat', 'P', 'dq', 'dk', 'dv'].forEach((name, i) => t.is(closeTo(a[i]!, b[i]!, { atol: 1e-13 }, name), null));
  // Causal: weights above the diagonal are exactly zero; rows sum to one.
  for (let i = 0; i < S; i++) {
    let sum = 0;
    for (let j = 0; j < S; j++) {
      if (j > i) t.is(a[1]![i * S + j], 0);
      sum += a[1]![i * S + j]!;
    }
    t.true(Math.abs(sum - 1) < 1e-12);
  }
});

test('the general attention path (dk = 8) passes the gradient check', (t) => {
  const config = makeConfig({ seqLen: 6, dModel: 16, numHeads: 2, dFF: 8, numBlocks: 1 });
  const chunk = prepareCorpus('what light through yonder window breaks? '.repeat(3), 6).train.ids.subarray(0, 7);
  for (const r of checkGradients(initWeights(config), chunk)) t.true(r.maxRelErr < 1e-5, `${r.name} ${r.maxRelErr}`);
});
