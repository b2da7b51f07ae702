/**
 * The threaded trainer (issue 14): the whole loop in a worker thread gives bit-identical
 * parameters, history and best weights to train.ts's Trainer on the main thread, with the same
 * seed and thread count; the feed sees every step in order, the parameter copies at the asked
 * step counts and each epoch's end; the stop flag stops it like `shouldStop`.
 */
import test from 'ava';
import { makeConfig } from '../../src/transformer/config.js';
import { prepareCorpus } from '../../src/transformer/data.js';
import { initWeights } from '../../src/transformer/init.js';
import { RandomState } from '../../src/transformer/rng.js';
import { ThreadedTrainer } from '../../src/transformer/threaded-trainer.js';
import type { EpochStats } from '../../src/transformer/train.js';
import { Trainer } from '../../src/transformer/train.js';

const CONFIG = makeConfig({ seqLen: 8, dModel: 8, numHeads: 2, dFF: 16, numBlocks: 2 });
const TEXT = 'the cat sat on the mat. the dog sat on the log. a bird sang in the tree. '.repeat(40);
const CORPUS = prepareCorpus(TEXT, CONFIG.seqLen);
const OPTS = { epochs: 3, batchSize: 16, lr: 1e-2, lrMin: 1e-3, maxNorm: 1, threads: 2, microBatch: 4 };
const SEED = 5;

test('the threaded run gives bit-identical weights, history and best weights', async (t) => {
  const rng = new RandomState(SEED);
  const plain = new Trainer(initWeights(CONFIG), CORPUS, { ...OPTS, shuffle: (n) => rng.permutation(n) });
  const a = await plain.run().finally(() => plain.close());

  const progress: number[] = [];
  const snapshots: number[] = [];
  const epochSteps: number[] = [];
  const threaded = await ThreadedTrainer.start(initWeights(CONFIG), CORPUS, { ...OPTS, seed: SEED, progressEvery: 4, snapshotEvery: 10 }, {
    onProgress: (p) => progress.push(p.step),
    onSnapshot: (step, params) => {
      t.is(params.length, plain.params.flat.length);
      snapshots.push(step);
    },
    onEpochEnd: (_s, step) => epochSteps.push(step),
  });
  const epochs: EpochStats[] = [];
  let bestSaves = 0;
  try {
    const b = await threaded.run({ onEpoch: (s) => void epochs.push(s), onBest: () => void bestSaves++ });
    t.deepEqual(Array.from(threaded.params.flat), Array.from(plain.params.flat));
    t.deepEqual(Array.from(b.best!.flat), Array.from(a.best!.flat));
    t.is(b.bestValLoss, a.bestValLoss);
    t.false(b.interrupted);
    t.deepEqual(b.history.map((s) => [s.trainLoss, s.valLoss, s.valAcc]), a.history.map((s) => [s.trainLoss, s.valLoss, s.valAcc]));
    t.deepEqual(epochs.map((s) => s.valLoss), a.history.map((s) => s.valLoss), 'onEpoch in order, once per epoch');
    t.is(bestSaves, a.history.filter((s) => s.best).length);
    const batches = Math.ceil(CORPUS.train.count / OPTS.batchSize);
    t.deepEqual(epochSteps, [1, 2, 3].map((e) => e * batches));
    t.deepEqual(snapshots, Array.from({ length: Math.floor((3 * batches) / 10) }, (_, i) => (i + 1) * 10));
    t.deepEqual(progress, [...progress].sort((x, y) => x - y), 'progress in step order');
    t.is(progress[progress.length - 1], 3 * batches);
  } finally {
    await threaded.close();
  }
});

test('shouldStop stops the threaded run after the current step, keeping the best so far', async (t) => {
  const threaded = await ThreadedTrainer.start(initWeights(CONFIG), CORPUS, { ...OPTS, epochs: 50, seed: SEED });
  let epochsDone = 0;
  try {
    const r = await threaded.run({ onEpoch: () => void epochsDone++, shouldStop: () => epochsDone >= 1 });
    t.true(r.interrupted);
    t.true(r.history.length >= 1 && r.history.length < 50, `${r.history.length} epochs`);
    t.not(r.best, null);
  } finally {
    await threaded.close();
  }
});
