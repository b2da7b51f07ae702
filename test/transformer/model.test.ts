/**
 * The float32 forward pass against the reference's golden fixtures (spec §1.5–1.9): every
 * intermediate of every block, the logits and probabilities within 1e-5, predicted ids equal,
 * the sampled ids at T = 0.3 / 0.8 with and without --seed equal, and the random-weights mode
 * reproduced from seeds alone.
 */
import test from 'ava';
import type { BlockRecord } from '../../src/transformer/activations.js';
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import { blockForward, createForwardRecord, forward, forwardInto, randomModeForward } from '../../src/transformer/model.js';
import type { Matrix } from '../../src/transformer/tensor.js';
import { matrixFrom } from '../../src/transformer/tensor.js';
import { closeTo } from '../helpers/close-to.js';
import { HELLO, RANDOM, TO_BE, loadFixture } from '../helpers/fixtures.js';
import { fixtureWeights } from './fixture-weights.js';

const TOL = { atol: 1e-5 };

const BLOCK_FIELDS = [
  'input', 'Q', 'K', 'V', 'concat', 'attn_output', 'residual1', 'layernorm1', 'ffn_pre_relu', 'ffn_hidden',
  'ffn_output', 'residual2', 'layernorm2', 'output',
] as const;
const HEAD_FIELDS = ['attention_scores', 'attention_weights', 'head_outputs'] as const;

function stackedData(ms: readonly Matrix[]): Float32Array {
  const n = ms.reduce((s, m) => s + m.data.length, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const m of ms) {
    out.set(m.data, o);
    o += m.data.length;
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function compareBlock(rec: BlockRecord, fb: any, label: string): string[] {
  const errs: string[] = [];
  for (const f of BLOCK_FIELDS) {
    const e = closeTo(rec[f].data, fb[f].data, TOL, `${label}.${f}`);
    if (e) errs.push(e);
  }
  for (const f of HEAD_FIELDS) {
    const e = closeTo(stackedData(rec[f]), fb[f].data, TOL, `${label}.${f}`);
    if (e) errs.push(e);
  }
  return errs;
}

for (const name of [HELLO, TO_BE]) {
  test(`${name}: every intermediate, logits, probs and predicted ids match (T = 0)`, (t) => {
    const fx = loadFixture(name);
    const w = fixtureWeights(fx);
    const rec = forward(w, fx.token_ids.data, { temperature: 0 });
    const errs: string[] = [];
    const push = (e: string | null): void => void (e && errs.push(e));
    push(closeTo(rec.embedded!.data, fx.forward.embedded.data, TOL, 'embedded'));
    push(closeTo(rec.blockInput.data, fx.forward.block_input.data, TOL, 'block_input'));
    for (let b = 0; b < 4; b++) errs.push(...compareBlock(rec.blocks[b]!, fx.forward.blocks[b], `block${b}`));
    push(closeTo(rec.output.data, fx.forward.output.data, TOL, 'output'));
    push(closeTo(rec.logits!.data, fx.forward.logits.data, TOL, 'logits'));
    push(closeTo(rec.probs!.data, fx.forward.probs.data, TOL, 'probs'));
    t.deepEqual(errs, []);
    t.deepEqual(Array.from(rec.predictedIds!), fx.forward.predicted_ids.data);
    t.deepEqual(Array.from(rec.tokenIds!), fx.token_ids.data);
    // W_out = Eᵀ
    t.is(rec.W_out!.data[3 * 32 + 5], w.embedding.data[5 * 16 + 3]);
    // masked scores are −1e9 exactly (as float32), kept in the record
    t.is(rec.blocks[0]!.attention_scores[2]!.data[0 * 16 + 7], -1e9);
  });

  test(`${name}: sampling cases (temperature, seed) pick the reference's ids`, (t) => {
    const fx = loadFixture(name);
    const w = fixtureWeights(fx);
    const reused = createForwardRecord(w);
    for (const c of fx.sampling.cases) {
      const opts = { temperature: c.temperature, seed: c.seed ?? undefined };
      const rec = forward(w, fx.token_ids.data, opts);
      t.is(closeTo(rec.probs!.data, c.probs.data, TOL, `probs T=${c.temperature}`), null);
      t.deepEqual(Array.from(rec.predictedIds!), c.predicted_ids.data, `T=${c.temperature} seed=${c.seed}`);
      // the allocation-free path over a reused record gives the same ids
      forwardInto(reused, w, fx.token_ids.data, opts);
      t.deepEqual(Array.from(reused.predictedIds!), c.predicted_ids.data);
    }
  });
}

test('random-weights mode is reproduced from seeds alone', (t) => {
  const fx = loadFixture(RANDOM);
  const rec = randomModeForward(DEFAULT_CONFIG);
  t.deepEqual(Array.from(rec.blockInput.data), fx.x.data);
  const errs: string[] = [];
  for (let b = 0; b < 4; b++) errs.push(...compareBlock(rec.blocks[b]!, fx.forward.blocks[b], `block${b}`));
  const e = closeTo(rec.output.data, fx.forward.output.data, TOL, 'output');
  if (e) errs.push(e);
  t.deepEqual(errs, []);
  t.is(rec.logits, undefined);
  t.is(rec.probs, undefined);
  t.is(rec.predictedIds, undefined);
});

test('blockForward alone matches block 0 of the fixture', (t) => {
  const fx = loadFixture(HELLO);
  const w = fixtureWeights(fx);
  const x = matrixFrom(16, 16, fx.forward.block_input.data);
  const rec = blockForward(x, w.blocks[0]!, DEFAULT_CONFIG);
  t.deepEqual(compareBlock(rec, fx.forward.blocks[0], 'block0'), []);
  t.throws(() => blockForward(matrixFrom(2, 16, new Float32Array(32)), w.blocks[0]!, DEFAULT_CONFIG), { instanceOf: RangeError });
});

test('forward rejects bad ids and temperatures', (t) => {
  const w = fixtureWeights(loadFixture(HELLO));
  t.throws(() => forward(w, new Int32Array(15)), { instanceOf: RangeError });
  t.throws(() => forward(w, new Int32Array(16).fill(32)), { instanceOf: RangeError });
  t.throws(() => forward(w, new Int32Array(16), { temperature: -1 }), { instanceOf: RangeError });
  t.throws(() => forwardInto(randomModeForward(DEFAULT_CONFIG), w, new Int32Array(16)));
});
