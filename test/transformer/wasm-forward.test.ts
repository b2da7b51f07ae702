/**
 * The WebAssembly forward pass against the JS fallback (both must give the same record within
 * float32 rounding, and the same ids), for the fixtures' weights and for other configs; plus
 * what is special about wasm records: views into one memory, weights re-read on every pass,
 * configs the kernels do not cover, the T → 0⁺ limit of the LM-head softmax.
 */
import test from 'ava';
import type { ForwardRecord } from '../../src/transformer/activations.js';
import type { ModelConfig } from '../../src/transformer/config.js';
import { DEFAULT_CONFIG, makeConfig } from '../../src/transformer/config.js';
import { initWeights } from '../../src/transformer/init.js';
import type { ForwardKernels } from '../../src/transformer/model.js';
import { createForwardRecord, forward, forwardInto, randomModeForward } from '../../src/transformer/model.js';
import { runGeneration } from '../../src/transformer/generation.js';
import { encode } from '../../src/transformer/vocab.js';
import { wasmSupports } from '../../src/transformer/wasm-forward.js';
import type { Weights } from '../../src/transformer/weights.js';
import { closeTo } from '../helpers/close-to.js';
import { HELLO, TO_BE, loadFixture } from '../helpers/fixtures.js';
import { fixtureWeights } from './fixture-weights.js';

const TOL = { atol: 1e-5 };

/** Every Float32Array of a record, by name. */
function fields(r: ForwardRecord): [string, Float32Array][] {
  const out: [string, Float32Array][] = [['blockInput', r.blockInput.data]];
  for (const k of ['embedded', 'W_out', 'logits', 'probs'] as const) if (r[k]) out.push([k, r[k].data]);
  r.blocks.forEach((b, i) => {
    for (const [k, v] of Object.entries(b)) {
      if (k === 'weights') continue;
      if (Array.isArray(v)) v.forEach((m: { data: Float32Array }, h) => out.push([`block${i}.${k}[${h}]`, m.data]));
      else out.push([`block${i}.${k}`, (v as { data: Float32Array }).data]);
    }
  });
  return out;
}

function compare(a: ForwardRecord, b: ForwardRecord): string[] {
  const fb = new Map(fields(b));
  const errs: string[] = [];
  for (const [name, x] of fields(a)) {
    const e = closeTo(x, fb.get(name)!, TOL, name);
    if (e) errs.push(e);
  }
  return errs;
}

function pass(w: Weights, ids: ArrayLike<number>, kernels: ForwardKernels, temperature: number, seed?: number): ForwardRecord {
  return forwardInto(createForwardRecord(w, true, kernels), w, ids, { temperature, seed });
}

test('the default config runs on wasm: one memory holds every buffer of the record', (t) => {
  t.true(wasmSupports(DEFAULT_CONFIG));
  const w = initWeights(DEFAULT_CONFIG);
  const rec = createForwardRecord(w);
  const buffers = new Set(fields(rec).map(([, a]) => a.buffer));
  buffers.add(rec.tokenIds!.buffer);
  t.is(buffers.size, 1);
  const js = createForwardRecord(w, true, 'js');
  t.not(js.logits!.data.buffer, js.probs!.data.buffer);
  // same record structure either way
  t.deepEqual(fields(rec).map(([k, a]) => `${k}:${a.length}`), fields(js).map(([k, a]) => `${k}:${a.length}`));
  t.is(rec.output, rec.blocks[3]!.output);
  t.is(rec.blocks[2]!.weights, w.blocks[2]);
});

for (const name of [HELLO, TO_BE]) {
  test(`${name}: wasm and JS records agree, both match the fixture, same ids at T = 0, 0.3, 0.8`, (t) => {
    const fx = loadFixture(name);
    const w = fixtureWeights(fx);
    for (const [T, seed] of [[0, undefined], [0.3, undefined], [0.8, 7], [0.3, 12345]] as const) {
      const a = pass(w, fx.token_ids.data, 'auto', T, seed);
      const b = pass(w, fx.token_ids.data, 'js', T, seed);
      t.deepEqual(compare(a, b), [], `T=${T}`);
      t.deepEqual(Array.from(a.predictedIds!), Array.from(b.predictedIds!), `T=${T} seed=${seed}`);
    }
    const a = pass(w, fx.token_ids.data, 'auto', 0);
    t.is(closeTo(a.logits!.data, fx.forward.logits.data, TOL, 'logits'), null);
    t.deepEqual(Array.from(a.predictedIds!), fx.forward.predicted_ids.data);
    // masked scores are exactly −1e9, their weights exactly 0
    const blk = a.blocks[1]!;
    for (let h = 0; h < 4; h++) {
      for (let i = 0; i < 16; i++) {
        for (let j = i + 1; j < 16; j++) {
          if (blk.attention_scores[h]!.data[i * 16 + j] !== -1e9) t.fail(`score ${h} ${i} ${j}`);
          if (blk.attention_weights[h]!.data[i * 16 + j] !== 0) t.fail(`weight ${h} ${i} ${j}`);
        }
      }
    }
  });
}

const OTHER: [string, Partial<ModelConfig>][] = [
  ['reference weights shape (S = 12)', { seqLen: 12 }],
  ['wide (D = 32, H = 8, F = 64, B = 2)', { dModel: 32, numHeads: 8, dFF: 64, numBlocks: 2 }],
  ['dk = 8, one block', { dModel: 16, numHeads: 2, dFF: 32, numBlocks: 1, seqLen: 8 }],
];

for (const [label, partial] of OTHER) {
  test(`${label}: wasm equals the JS operators`, (t) => {
    const c = makeConfig(partial);
    t.true(wasmSupports(c));
    const w = initWeights(c);
    const ids = encode('to be or not', c.seqLen);
    for (const T of [0, 0.5]) {
      const a = pass(w, ids, 'auto', T);
      const b = pass(w, ids, 'js', T);
      t.deepEqual(compare(a, b), []);
      t.deepEqual(Array.from(a.predictedIds!), Array.from(b.predictedIds!));
    }
    t.deepEqual(compare(randomModeForward(c), randomModeForward(c, 'js')), []);
  });
}

test('configs whose widths are not multiples of 4 fall back to the JS operators', (t) => {
  const c = makeConfig({ dModel: 6, numHeads: 2, dFF: 10, numBlocks: 2, seqLen: 6 });
  t.false(wasmSupports(c));
  const w = initWeights(c);
  const rec = createForwardRecord(w);
  t.not(rec.logits!.data.buffer, rec.probs!.data.buffer); // plain JS buffers
  forwardInto(rec, w, encode('abc', 6), { temperature: 0 });
  t.deepEqual(compare(rec, pass(w, encode('abc', 6), 'js', 0)), []);
  t.deepEqual(compare(forward(w, encode('abc', 6), { temperature: 0 }), rec), []);
});

test('forward returns independent plain records (computed in a reused wasm workspace)', (t) => {
  const w = initWeights(DEFAULT_CONFIG);
  const a = forward(w, encode('hello', 16), { temperature: 0.3 });
  const snapshot = fields(a).map(([k, v]) => [k, Float32Array.from(v)] as const);
  const ids = Array.from(a.predictedIds!);
  const b = forward(w, encode('to be or not to', 16), { temperature: 0.3 });
  t.not(a.logits!.data.buffer, b.logits!.data.buffer);
  t.not(a.logits!.data.buffer, a.probs!.data.buffer);
  for (const [k, v] of snapshot) t.deepEqual(fields(a).find(([n]) => n === k)![1], v, k);
  t.deepEqual(Array.from(a.predictedIds!), ids);
  t.deepEqual(Array.from(a.tokenIds!), Array.from(encode('hello', 16)));
  t.deepEqual(compare(a, pass(w, encode('hello', 16), 'js', 0.3)), []);
  t.deepEqual(compare(b, pass(w, encode('to be or not to', 16), 'js', 0.3)), []);
  t.is(b.blocks[1]!.weights, w.blocks[1]);
});

test('a reused wasm record computes with the weights’ current values', (t) => {
  const w = initWeights(DEFAULT_CONFIG);
  const ids = encode('hello', 16);
  const rec = createForwardRecord(w);
  forwardInto(rec, w, ids, { temperature: 0 });
  const before = Float32Array.from(rec.logits!.data);
  for (let i = 0; i < w.flat.length; i += 7) w.flat[i] = w.flat[i]! * 1.5;
  forwardInto(rec, w, ids, { temperature: 0 });
  t.not(closeTo(rec.logits!.data, before, TOL, 'changed'), null);
  t.deepEqual(compare(rec, pass(w, ids, 'js', 0)), []);
  // another Weights of the same config through the same record
  const other = initWeights(DEFAULT_CONFIG);
  forwardInto(rec, other, ids, { temperature: 0 });
  t.deepEqual(compare(rec, pass(other, ids, 'js', 0)).filter((e) => !e.includes('weights')), []);
});

test('a temperature so small that logits / T overflows takes the one-hot limit, as in JS', (t) => {
  const w = initWeights(DEFAULT_CONFIG);
  const ids = encode('hello world', 16);
  for (const T of [1e-40, 1e-30]) {
    const a = pass(w, ids, 'auto', T);
    const b = pass(w, ids, 'js', T);
    t.is(closeTo(a.probs!.data, b.probs!.data, TOL, `probs T=${T}`), null);
    t.deepEqual(Array.from(a.predictedIds!), Array.from(b.predictedIds!));
  }
});

test('a record and weights of different sizes are refused', (t) => {
  const rec = createForwardRecord(initWeights(DEFAULT_CONFIG));
  const small = initWeights(makeConfig({ seqLen: 16, numBlocks: 2 }));
  t.throws(() => forwardInto(rec, small, new Int32Array(16)), { instanceOf: RangeError });
});

test('generations: every step’s ids and probabilities are the same with the JS operators', (t) => {
  const w = fixtureWeights(loadFixture(HELLO));
  let steps = 0;
  for (const prompt of ['hello', 'to be or', 'the quick brown', 'a']) {
    for (const [temperature, seed] of [[0, undefined], [0.3, undefined], [0.8, 3], [1.5, 99]] as const) {
      const gen = runGeneration(w, prompt, { temperature, seed });
      for (const e of gen.log) {
        const js = pass(w, encode(e.text, 16), 'js', temperature, seed);
        t.deepEqual(Array.from(e.record.predictedIds!), Array.from(js.predictedIds!), `${e.text} T=${temperature}`);
        t.is(closeTo(e.record.probs!.data, js.probs!.data, TOL, `${e.text} probs`), null);
        steps++;
      }
    }
  }
  t.true(steps > 50);
});
