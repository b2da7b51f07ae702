/**
 * The default initialisation (spec §1.4) reproduces the fixtures' weights bit for bit (the
 * fixtures were dumped from a freshly initialised reference CharLM), and the random-mode
 * fixture's block weights come from the same block seeds.
 */
import test from 'ava';
import { DEFAULT_CONFIG, makeConfig } from '../../src/transformer/config.js';
import { initBlockWeights, initWeights } from '../../src/transformer/init.js';
import { BLOCK_PARAM_NAMES, allocateWeights } from '../../src/transformer/weights.js';
import { HELLO, RANDOM, loadFixture } from '../helpers/fixtures.js';

test('initWeights equals the fixture weights exactly', (t) => {
  const fx = loadFixture(HELLO);
  const w = initWeights(DEFAULT_CONFIG);
  t.deepEqual(Array.from(w.embedding.data), fx.weights.embedding.data);
  t.deepEqual(Array.from(w.pos_encoding.data), fx.weights.pos_encoding.data);
  for (let b = 0; b < 4; b++) {
    for (const name of BLOCK_PARAM_NAMES) {
      t.deepEqual(Array.from(w.blocks[b]![name].data), fx.weights.blocks[b][name].data, `block${b}_${name}`);
    }
  }
});

test('random-mode fixture blocks equal initBlockWeights(seed 42 + i)', (t) => {
  const fx = loadFixture(RANDOM);
  const w = allocateWeights(DEFAULT_CONFIG);
  for (let b = 0; b < 4; b++) {
    initBlockWeights(w.blocks[b]!, DEFAULT_CONFIG, b);
    for (const name of BLOCK_PARAM_NAMES) {
      t.deepEqual(Array.from(w.blocks[b]![name].data), fx.weights.blocks[b][name].data, `block${b}_${name}`);
    }
  }
});

test('initWeights writes into a given buffer and checks its size', (t) => {
  const out = allocateWeights(DEFAULT_CONFIG);
  out.flat.fill(7);
  const w = initWeights(DEFAULT_CONFIG, out);
  t.is(w, out);
  t.is(out.blocks[0]!.gamma1.data[0], 1);
  t.is(out.blocks[3]!.b1.data[127], 0);
  t.throws(() => initWeights(makeConfig({ seqLen: 12 }), out));
});

test('other sizes work: S = 12 shares the embedding draws and the block weights', (t) => {
  const a = initWeights(DEFAULT_CONFIG);
  const b = initWeights(makeConfig({ seqLen: 12 }));
  t.deepEqual(b.embedding.data, a.embedding.data);
  t.deepEqual(b.pos_encoding.data, a.pos_encoding.data.subarray(0, 12 * 16));
  t.deepEqual(b.blocks[2]!.W2.data, a.blocks[2]!.W2.data);
});
