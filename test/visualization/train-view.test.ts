/**
 * The training view (issue 14), without a GPU: the layout shows every parameter exactly once,
 * without overlaps; each cube has the diverging colour of its value at the tile's fixed limit;
 * the picture is a pure function of its inputs; history after the step shown is not drawn; the
 * sample list follows the 1-2-5 series; the timelapse cadence gives 20–60 s for 150 epochs.
 */
import test from 'ava';
import { INITIAL_VIEW } from '../../src/animation/view-state.js';
import { videoStepsPerFrame, VIDEO_FPS } from '../../src/app/train-video.js';
import { INSTANCE_FLOATS, createFrame } from '../../src/frame.js';
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import { greedySample } from '../../src/transformer/greedy-sample.js';
import { initWeights } from '../../src/transformer/init.js';
import { parameterCount } from '../../src/transformer/weights.js';
import { divergingAt } from '../../src/visualization/colormap.js';
import { TrainHistory, sampleEpochs } from '../../src/visualization/train-history.js';
import { buildTrainLayout } from '../../src/visualization/train-layout.js';
import { COLOUR_STEP, createTrainScratch, statusLine, trainFrame } from '../../src/visualization/train-view.js';
import { SP } from '../../src/visualization/visual-types.js';

const LAYOUT = buildTrainLayout(DEFAULT_CONFIG);
const WEIGHTS = initWeights(DEFAULT_CONFIG);
const SHAPE = { epochs: 4, batches: 10, lr: 3e-3, lrMin: 1e-4, prompt: 'hello' };

function history(): TrainHistory {
  const h = new TrainHistory(SHAPE);
  for (let s = 2; s <= 40; s += 2) h.addProgress(s, 3.4 - s * 0.03, 1000 * s);
  for (let e = 1; e <= 4; e++) h.addEpoch({ epoch: e, step: 10 * e, trainLoss: 3 - e * 0.2, valLoss: 3.1 - e * 0.2, valAcc: 10 * e, sample: `hello ${e}` });
  return h;
}

function draw(step: number, h = history(), params = WEIGHTS.flat) {
  const f = createFrame();
  trainFrame(LAYOUT, { params, step, history: h, view: INITIAL_VIEW, aspect: 16 / 9, help: false, paused: false }, statusLine(h, step, false), createTrainScratch(), f);
  return f;
}

test('the layout shows every parameter exactly once, tiles do not overlap', (t) => {
  const covered = new Uint8Array(parameterCount(DEFAULT_CONFIG));
  for (const tile of LAYOUT.tiles) for (let i = 0; i < tile.rows * tile.cols; i++) covered[tile.offset + i]!++;
  t.true(covered.every((c) => c === 1));
  const rect = (x: (typeof LAYOUT.tiles)[number]) => {
    const [w, h] = x.transposed ? [x.rows, x.cols] : [x.cols, x.rows];
    return { u0: x.u, v0: x.v, u1: x.u + w, v1: x.v + h };
  };
  for (let i = 0; i < LAYOUT.tiles.length; i++) {
    const a = rect(LAYOUT.tiles[i]!);
    t.true(a.u0 >= 0 && a.v0 >= 0 && a.u1 <= LAYOUT.width && a.v1 <= LAYOUT.height, LAYOUT.tiles[i]!.key);
    for (let j = i + 1; j < LAYOUT.tiles.length; j++) {
      const b = rect(LAYOUT.tiles[j]!);
      const overlap = a.u0 < b.u1 && b.u0 < a.u1 && a.v0 < b.v1 && b.v0 < a.v1;
      t.false(overlap, `${LAYOUT.tiles[i]!.key} overlaps ${LAYOUT.tiles[j]!.key}`);
    }
  }
});

test('each parameter cube has its value\'s diverging colour at the tile\'s fixed limit, on every 4th of the screen\'s 256 levels', (t) => {
  const f = draw(20);
  const tile = LAYOUT.tiles.find((x) => x.key === 'block2_W2')!;
  t.true(tile.transposed);
  const rgba = new Float32Array(4);
  // Stored W2[5][3] is drawn at displayed row 3, column 5.
  const value = WEIGHTS.flat[tile.offset + 5 * tile.cols + 3]!;
  divergingAt(rgba, 0, value, tile.vmax);
  const exact = Array.from(rgba);
  divergingAt(rgba, 0, value, tile.vmax, COLOUR_STEP);
  t.is(COLOUR_STEP, 4);
  for (let k = 0; k < 3; k++) {
    t.true(Math.abs(rgba[k]! - exact[k]!) <= 2 / 255 + 1e-6); // float32 storage
    const level = Math.round(rgba[k]! * 255);
    t.is(Math.fround(level / 255), rgba[k]!, 'a level k / 255, as float32');
    t.true(level % 4 === 0 || level === 255, `level ${level}: a multiple of 4 (or full)`);
  }
  const x = -(tile.u + 5) * SP;
  const y = -(tile.v + 3) * SP;
  let found = 0;
  for (let i = 0; i < f.opaqueCount; i++) {
    const o = i * INSTANCE_FLOATS;
    if (Math.abs(f.instances[o]! - x) < 1e-6 && Math.abs(f.instances[o + 1]! - y) < 1e-6 && f.instances[o + 2] === 0) {
      found++;
      t.deepEqual(Array.from(f.instances.subarray(o + 3, o + 7)), Array.from(rgba));
    }
  }
  t.is(found, 1);
});

test('a picture is a pure function of its inputs; history after the step is not drawn', (t) => {
  const a = draw(20);
  const b = draw(20);
  t.is(a.opaqueCount, b.opaqueCount);
  t.deepEqual(a.instances.subarray(0, a.opaqueCount * INSTANCE_FLOATS), b.instances.subarray(0, b.opaqueCount * INSTANCE_FLOATS));
  const texts = (f: ReturnType<typeof draw>) => f.labels.slice(0, f.labelCount).map((l) => l.text);
  // At step 20 two epochs are done: their samples are listed, the later ones are not.
  t.true(texts(a).includes('hello 2'));
  t.false(texts(a).includes('hello 3'));
  // A longer history drawn at the same step gives the same picture.
  const longer = history();
  for (let s = 42; s <= 60; s += 2) longer.addProgress(s, 2, 1);
  const c = draw(20, longer);
  t.deepEqual(c.instances.subarray(0, c.opaqueCount * INSTANCE_FLOATS), a.instances.subarray(0, a.opaqueCount * INSTANCE_FLOATS));
  // Step 0: no curve and no samples, only the parameters and the axes.
  const empty = draw(0);
  t.true(empty.opaqueCount < a.opaqueCount);
  t.true(empty.opaqueCount >= parameterCount(DEFAULT_CONFIG));
  t.false(texts(empty).some((s) => s.startsWith('hello')));
});

test('other parameter values change only the colours', (t) => {
  const grown = Float32Array.from(WEIGHTS.flat, (v) => v * 3);
  const a = draw(20);
  const b = draw(20, history(), grown);
  t.is(a.opaqueCount, b.opaqueCount);
  let colourDiffs = 0;
  for (let i = 0; i < a.opaqueCount * INSTANCE_FLOATS; i++) {
    const k = i % INSTANCE_FLOATS;
    if (k >= 3 && k < 7) colourDiffs += a.instances[i] === b.instances[i] ? 0 : 1;
    else t.is(a.instances[i], b.instances[i]);
  }
  t.true(colourDiffs > 10_000, `${colourDiffs} colour components changed`);
});

test('samples are listed on the 1-2-5 series of epochs and the newest', (t) => {
  t.deepEqual(sampleEpochs(0), []);
  t.deepEqual(sampleEpochs(1), [1]);
  t.deepEqual(sampleEpochs(3), [1, 2, 3]);
  t.deepEqual(sampleEpochs(10), [1, 2, 5, 10]);
  t.deepEqual(sampleEpochs(150), [1, 2, 5, 10, 20, 50, 100, 150]);
});

test('the timelapse cadence: 20–60 s for the default 150 epochs, at least 2 s for 3', (t) => {
  const seconds = (epochs: number, batches: number): number => Math.floor((epochs * batches) / videoStepsPerFrame(epochs, batches)) / VIDEO_FPS;
  const full = seconds(150, 925);
  t.true(full >= 20 && full <= 60, `${full} s`);
  t.true(seconds(3, 248) >= 2);
  t.true(seconds(3, 5) >= 0.4); // tiny runs: one frame per step
  t.is(videoStepsPerFrame(1, 1), 1);
});

test('the per-epoch sample is greedy: the same weights give the same text, starting with the prompt', (t) => {
  const a = greedySample(WEIGHTS, 'Hello', 20);
  t.is(a, greedySample(WEIGHTS, 'Hello', 20));
  t.true(a.startsWith('hello'));
  t.true(a.length <= 25);
});
