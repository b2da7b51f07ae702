/**
 * Label fades (spec §5.10.3): the closed-form fades agree with the reference's stateful linear
 * approach (simulated at 240 Hz) wherever the reference is not rate-limited behind a faster owner
 * fade; the behaviour examples of the spec; the input-row crossfade; Softmax/argmax never overlap.
 */
import test from 'ava';
import { LabelFadeScan, approach, labelAlphaAt, labelMultiplier, labelVisible } from '../../src/visualization/labels.js';
import { buildScene } from '../../src/visualization/scene.js';
import type { Scene } from '../../src/visualization/scene.js';
import { evaluateState } from '../../src/visualization/scene-eval.js';
import { randomInput, stateFor, stepInput } from './scene-fixtures.js';

const full = buildScene(stepInput('hello', 'full'));
const random = buildScene(randomInput());

function alphaOf(s: Scene, text: string, t: number, stage?: string): number {
  const idx = s.labels.map((l, i) => [l, i] as const)
    .filter(([l]) => l.text === text && (stage === undefined || s.stages[l.stage]!.name === stage))[0];
  if (idx === undefined) throw new Error(`no label ${text}`);
  evaluateState(s, t, stateFor(s));
  return labelAlphaAt(s, stateFor(s), s.labels, s.fades, idx[1], t);
}
function timing(s: Scene, name: string): { start: number; appear: number; compute: number; segments: readonly (readonly [number, number])[] } {
  return s.stages.find((x) => x.name === name)!.timing;
}

test('approach rises at 1/0.45 and falls at 1/0.35 per second', (t) => {
  t.is(approach(0, 1, 0.225), 0.5);
  t.is(approach(1, 0, 0.175), 0.5);
  t.is(approach(0.2, 1, 10), 1);
  t.is(approach(0.2, 0, 10), 0);
});

test('closed form matches the reference stepper (240 Hz) except where the reference lags a faster fade', (t) => {
  for (const s of [random, full]) {
    const n = s.labels.length;
    const disp = new Float64Array(n);
    const dt = 1 / 240;
    let worst = 0;
    for (let k = 1; k * dt <= s.total + s.returnDuration; k++) {
      const time = k * dt;
      evaluateState(s, time, stateFor(s));
      for (let i = 0; i < n; i++) {
        const l = s.labels[i]!;
        if (l.inputRow && time <= s.fades.charEnd) {
          disp[i] = labelAlphaAt(s, stateFor(s), s.labels, s.fades, i, time);
          continue;
        }
        const target = labelVisible(l, stateFor(s)) ? labelMultiplier(l, stateFor(s)) : 0;
        const lag = target > 0 && disp[i]! - target > dt / 0.35 - 1e-12;
        disp[i] = approach(disp[i]!, target, dt);
        if (lag || l.hiddenBy >= 0 || stateFor(s).stageAlpha[l.stage]! < 0.01) continue;
        worst = Math.max(worst, Math.abs(labelAlphaAt(s, stateFor(s), s.labels, s.fades, i, time) - disp[i]!));
      }
    }
    t.true(worst < 0.02, `${s.kind}: worst difference ${worst}`);
  }
});

test('a scan taken only as far as each frame needs gives every frame the alphas of the whole scan', (t) => {
  for (const s of [random, full]) {
    const partial = new LabelFadeScan(s, s.labels);
    const first = partial.through(0);
    // Up to t = 0 the scan has taken one step: no switch after it is known yet.
    t.true(first.lists.every((l) => l.times.every((x) => x <= 0 || x === first.charEnd)));
    let compared = 0;
    for (let time = 0; time <= s.total + s.returnDuration; time += 0.37) {
      const fades = partial.through(time);
      evaluateState(s, time, stateFor(s));
      for (let i = 0; i < s.labels.length; i++) {
        const a = labelAlphaAt(s, stateFor(s), s.labels, fades, i, time);
        const b = labelAlphaAt(s, stateFor(s), s.labels, s.fades, i, time);
        if (a !== b) t.fail(`${s.kind} label ${i} at ${time}: ${a} ≠ ${b}`);
        if (b > 0) compared++;
      }
    }
    t.true(compared > 100);
    t.deepEqual(partial.result, s.fades);
  }
});

test('"Scores" fades out while "Softmax" fades in on the same spot', (t) => {
  const mha = timing(full, 'multi_head_attn');
  const g1 = mha.start + mha.appear + mha.segments[1]![0] * mha.compute;
  t.true(alphaOf(full, 'Scores', g1 - 0.05) > 0.99);
  t.true(alphaOf(full, 'Softmax', g1 - 0.05) < 0.01);
  const mid = g1 + 0.15;
  const scores = alphaOf(full, 'Scores', mid);
  const softmax = alphaOf(full, 'Softmax', mid);
  t.true(scores > 0.05 && scores < 0.95, `Scores ${scores}`);
  t.true(softmax > 0.05 && softmax < 0.95, `Softmax ${softmax}`);
  t.true(alphaOf(full, 'Scores', g1 + 0.6) < 0.01);
  t.true(alphaOf(full, 'Softmax', g1 + 0.6) > 0.99);
  // Softmax stays through the weights·V group.
  t.true(alphaOf(full, 'Softmax', mha.start + mha.appear + 0.9 * mha.compute) > 0.99);
});

test('"Add" vanishes as "LayerNorm" appears', (t) => {
  const res = timing(random, 'residual_ln1');
  const g1 = res.start + res.appear + res.segments[1]![0] * res.compute;
  t.true(alphaOf(random, 'Add', g1 - 0.01) > 0.99);
  t.true(alphaOf(random, 'LayerNorm', g1 - 0.01) < 0.01);
  t.true(alphaOf(random, 'Add', g1 + 0.4) < 0.01);
  t.true(alphaOf(random, 'LayerNorm', g1 + 0.5) > 0.99);
});

test('the argmax title replaces Softmax instead of overlapping it (§11.3 #2)', (t) => {
  const tp = timing(full, 'token_probs');
  const g2 = tp.start + tp.appear + tp.segments[2]![0] * tp.compute;
  t.true(alphaOf(full, 'Softmax', g2 - 0.01, 'token_probs') > 0.99);
  for (let time = g2; time < full.total; time += 0.05) {
    t.true(alphaOf(full, 'Softmax', time, 'token_probs') + alphaOf(full, 'argmax', time) <= 1.0001, `overlap at ${time}`);
  }
  t.true(alphaOf(full, 'argmax', full.total - 0.01) > 0.99);
  t.true(alphaOf(full, 'Softmax', full.total - 0.01, 'token_probs') < 0.01);
});

test('input row labels crossfade with the flying characters (special rule)', (t) => {
  const cd = timing(full, 'char_display');
  const computeAt = (p: number): number => cd.start + cd.appear + p * cd.compute;
  t.is(alphaOf(full, 'h', cd.start + 0.5), 0);
  t.is(alphaOf(full, 'h', computeAt(0.8)), 0);
  t.true(Math.abs(alphaOf(full, 'h', computeAt(0.95)) - 0.5) < 1e-6);
  t.is(alphaOf(full, 'h', computeAt(1) + 0.1), 1);
});
