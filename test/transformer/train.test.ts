/**
 * The data-parallel trainer (spec §2.2–2.4, issue 4): loss falls on a small synthetic corpus,
 * 1, 2 and 3 threads give the same weights bit for bit, identical seeds give identical runs, epochs follow the schedule and
 * checkpoint the best validation loss. Small configs keep it to seconds.
 */
import test from 'ava';
import { makeConfig } from '../../src/transformer/config.js';
import { prepareCorpus } from '../../src/transformer/data.js';
import { initWeights } from '../../src/transformer/init.js';
import { RandomState } from '../../src/transformer/rng.js';
import { learningRate } from '../../src/transformer/schedule.js';
import type { EpochStats, TrainOptions } from '../../src/transformer/train.js';
import { Trainer } from '../../src/transformer/train.js';

const CONFIG = makeConfig({ seqLen: 8, dModel: 8, numHeads: 2, dFF: 16, numBlocks: 2 });
// A repetitive synthetic corpus: easy to learn, so the loss must fall fast.
const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(60);
const CORPUS = prepareCorpus(TEXT, CONFIG.seqLen);

function options(threads: number, seed = 0, extra: Partial<TrainOptions> = {}): TrainOptions {
  const rng = new RandomState(seed);
  return {
    epochs: 3, batchSize: 16, lr: 1e-2, lrMin: 1e-3, maxNorm: 1, threads, microBatch: 4,
    shuffle: (n) => rng.permutation(n), ...extra,
  };
}

async function losses(threads: number, steps: number, seed = 0): Promise<number[]> {
  const tr = new Trainer(initWeights(CONFIG), CORPUS, options(threads));
  try {
    const perm = new RandomState(seed).permutation(CORPUS.train.count);
    const out: number[] = [];
    for (let s = 0; s < steps; s++) {
      const b = (s * 16) % (CORPUS.train.count - 16);
      out.push((await tr.step(perm.subarray(b, b + 16), 1e-2)).loss);
    }
    return out;
  } finally {
    await tr.close();
  }
}

test('loss falls below 1.2 nats within 120 steps on a repetitive corpus', async (t) => {
  const l = await losses(2, 120);
  t.true(l[0]! > 3, `starts near ln 32 (${l[0]})`);
  const tail = l.slice(-10).reduce((a, b) => a + b, 0) / 10;
  t.true(tail < 1.2, `mean of the last 10 losses ${tail}`);
});

test('1, 2 and 3 threads give bit-identical losses and weights, whatever the batch cuts into', async (t) => {
  // Batches of 16, 14, 10 and 3 with chunks of 4: 4, 4 (one short), 3 and 1 chunks.
  const run = async (threads: number): Promise<{ losses: number[]; params: number[] }> => {
    const tr = new Trainer(initWeights(CONFIG), CORPUS, options(threads));
    try {
      const perm = new RandomState(1).permutation(CORPUS.train.count);
      const out: number[] = [];
      let at = 0;
      for (const size of [16, 14, 10, 3, 16, 10]) {
        out.push((await tr.step(perm.subarray(at, at + size), 1e-2)).loss);
        at += size;
      }
      return { losses: out, params: Array.from(tr.params.flat) };
    } finally {
      await tr.close();
    }
  };
  const one = await run(1);
  for (const threads of [2, 3]) {
    const r = await run(threads);
    t.deepEqual(r.losses, one.losses, `${threads} threads: losses`);
    t.deepEqual(r.params, one.params, `${threads} threads: weights`);
  }
});

test('an empty batch is refused (no chunk would ever finish the step)', async (t) => {
  const tr = new Trainer(initWeights(CONFIG), CORPUS, options(2));
  try {
    await t.throwsAsync(tr.step(new Int32Array(0), 1e-2), { instanceOf: RangeError });
  } finally {
    await tr.close();
  }
});

test('identical seeds give identical runs; another seed another run', async (t) => {
  const run = async (seed: number): Promise<EpochStats[]> => {
    const tr = new Trainer(initWeights(CONFIG), CORPUS, options(2, seed, { epochs: 2 }));
    try {
      return (await tr.run()).history;
    } finally {
      await tr.close();
    }
  };
  const [a, b, c] = [await run(0), await run(0), await run(1)];
  t.deepEqual(a.map((s) => [s.trainLoss, s.valLoss, s.valAcc]), b.map((s) => [s.trainLoss, s.valLoss, s.valAcc]));
  t.not(a[0]!.trainLoss, c[0]!.trainLoss);
});

test('run: one line of stats per epoch, lr from the schedule, best checkpoints, stop', async (t) => {
  const tr = new Trainer(initWeights(CONFIG), CORPUS, options(1, 0, { epochs: 3 }));
  const bests: number[] = [];
  let batches = 0;
  try {
    const res = await tr.run({ onBest: (_w, s) => void bests.push(s.epoch), onBatch: () => void batches++ });
    t.is(res.history.length, 3);
    t.false(res.interrupted);
    res.history.forEach((s, i) => t.is(s.lr, learningRate(i + 1, 3, 1e-2, 1e-3)));
    t.is(batches, 3 * Math.ceil(CORPUS.train.count / 16));
    t.true(bests.length >= 1 && bests[0] === 1);
    t.is(res.bestValLoss, Math.min(...res.history.map((s) => s.valLoss)));
    t.true(res.history.every((s) => s.valAcc >= 0 && s.valAcc <= 100 && s.tokensPerSec > 0));
    t.deepEqual([...res.best!.flat].length, tr.params.flat.length);
  } finally {
    await tr.close();
  }
  const tr2 = new Trainer(initWeights(CONFIG), CORPUS, options(1));
  try {
    let n = 0;
    const res = await tr2.run({ shouldStop: () => ++n >= 2 });
    t.true(res.interrupted);
    t.is(res.history.length, 0);
    t.is(res.best, null);
  } finally {
    await tr2.close();
  }
});
