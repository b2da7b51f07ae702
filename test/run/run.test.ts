/**
 * The run layer (src/run/run.ts, run/scenes.ts): random mode is one scene; a generation run has
 * one scene per precomputed step with the kinds, sounds, rates, texts and labels the window and
 * the recorder show; scenes are built by index on first use; the prompt is cut to S with the one
 * warning every front-end prints.
 */
import test from 'ava';
import { timelineRate } from '../../src/animation/playback.js';
import { generationLines, generationRun, randomRun } from '../../src/run/run.js';
import { sceneKind } from '../../src/run/scenes.js';
import { DEFAULT_CONFIG, makeConfig } from '../../src/transformer/config.js';
import { formatResultLine, formatStepLine } from '../../src/transformer/generation.js';
import { initWeights } from '../../src/transformer/init.js';

const W = initWeights(DEFAULT_CONFIG);

test('random mode: one random scene, no generation, no text', (t) => {
  const run = randomRun();
  t.is(run.length, 1);
  t.is(run.generation, undefined);
  const s = run.scene(0);
  t.is(s.kind, 'random');
  t.is(s.text, undefined);
  t.is(s.duration, s.scene.timeline.duration);
  t.is(run.scenes().length, 1);
  t.is(run.scenes()[0], s, 'built once');
});

test('generation: one scene per step — full, logits…, final — with the generation\'s labels and the 3× logits rate', (t) => {
  const warnings: string[] = [];
  const run = generationRun(W, 'hello', { temperature: 0.3, seed: undefined }, (m) => warnings.push(m));
  t.deepEqual(warnings, []);
  const gen = run.generation!;
  t.is(run.length, gen.steps.length);
  t.true(run.length > 2);
  const scenes = run.scenes();
  scenes.forEach((s, i) => {
    const st = gen.steps[i]!;
    t.is(s.kind, sceneKind(i, run.length));
    t.is(s.text, st.text);
    t.is(s.prediction, st.outputLabels[st.predPos]);
    t.is(s.rate, timelineRate(s.scene.timeline));
    t.is(s.sound.kind, s.kind);
  });
  t.true(scenes[1]!.rate > scenes[0]!.rate, 'logits-only scenes play faster');
  t.is(scenes[run.length - 1]!.prediction, '', 'the final step predicts nothing');
  t.is(scenes[run.length - 1]!.text, gen.result);
  t.deepEqual(generationLines(gen), [...gen.log.map(formatStepLine), formatResultLine(gen.result)]);
});

test('scenes are built by index on first use, in order, and out-of-range indices throw', (t) => {
  const run = generationRun(W, 'to be', { temperature: 0, seed: undefined });
  const second = run.scene(1);
  t.is(run.scene(1), second);
  t.is(run.scenes()[1], second);
  t.throws(() => run.scene(run.length), { instanceOf: RangeError });
  t.throws(() => run.scene(-1), { instanceOf: RangeError });
});

test('a prompt longer than S is cut with one warning; one that fills S is a single full scene without a prediction', (t) => {
  const warnings: string[] = [];
  const w12 = initWeights(makeConfig({ seqLen: 12 }));
  const run = generationRun(w12, 'to be or not to be', { temperature: 0.3, seed: 1 }, (m) => warnings.push(m));
  t.deepEqual(warnings, ['warning: --text is longer than the model\'s context of 12 characters; using "to be or not"']);
  t.is(run.length, 1);
  t.is(run.scene(0).kind, 'full');
  t.is(run.scene(0).prediction, '');
  t.is(run.scene(0).scene.timeline.duration, run.scene(0).duration);
});
