/**
 * The choice chart (issue 13) from the fixture weights' first "hello" step: the top candidates in
 * the order `gptviz generate --top` lists them, the chosen character highlighted (kept even when
 * outside the top K), and its alpha over time — nothing before the row is selected, full after
 * the fade, gone halfway through the return; frameAt fills the frame's chart.
 */
import test from 'ava';
import { INITIAL_VIEW } from '../../src/animation/camera-path.js';
import { createFrame } from '../../src/frame.js';
import { runGeneration } from '../../src/transformer/generation.js';
import { tokenLabel } from '../../src/transformer/vocab.js';
import { buildChoice, drawChoice } from '../../src/visualization/choice-chart.js';
import { createFrameScratch, frameAt } from '../../src/visualization/frame-at.js';
import { buildScene } from '../../src/visualization/scene.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';
import { fixtureWeights } from '../transformer/fixture-weights.js';
import { topLine } from '../../src/cli/generate-command.js';

const W = fixtureWeights(loadFixture(HELLO));
const g = runGeneration(W, 'hello', { temperature: 0.3 });
const first = g.steps[0]!;
const scene = buildScene({
  kind: 'full', record: first.record, inputLabels: first.inputLabels, outputLabels: first.outputLabels,
  predPos: first.predPos, predId: first.predId,
});

test('top 8 in generate --top order, the chosen one highlighted', (t) => {
  const c = scene.choice!;
  t.truthy(c);
  t.is(c.labels.length, 8);
  const listed = topLine(g.log[0]!, 8).replace(/^ +top 8: /, '').split(/ {2}/)
    .map((x) => x.replace(/ \d+%$/, '')).map((x) => (x === "'<PAD>'" ? 'PAD' : x));
  t.deepEqual(c.labels, listed);
  t.is(c.labels[c.highlight], `'${tokenLabel(first.predId)}'`);
  for (let i = 1; i < c.values.length; i++) t.true(c.values[i - 1]! >= c.values[i]!);
  t.regex(c.texts[0]!, /^(\d+|<1)%$/);
});

test('a chosen character outside the top K takes the last row', (t) => {
  const V = 32;
  const row = first.record.probs!.data.subarray(first.predPos * V, (first.predPos + 1) * V);
  const order = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b);
  const rare = order[20]!;
  const c = buildChoice(first.record, first.predPos, rare, scene.timeline, 5)!;
  t.is(c.labels.length, 5);
  t.is(c.highlight, 4);
  t.is(c.labels[4], `'${tokenLabel(rare)}'`);
});

test('alpha: 0 before the row is selected, 1 after the fade, 0 from halfway through the return', (t) => {
  const c = scene.choice!;
  const out = createFrame();
  drawChoice(out, c, c.from - 0.01);
  t.is(out.chart.count, 0);
  drawChoice(out, c, c.from + c.fade + 0.01);
  t.is(out.chart.alpha, 1);
  t.is(out.chart.count, 8);
  out.chart.count = 0;
  drawChoice(out, c, c.total + c.returnDuration * 0.6);
  t.is(out.chart.count, 0);
  const scratch = createFrameScratch(scene);
  frameAt(scene, c.from + 1, INITIAL_VIEW, 16 / 9, out, scratch);
  t.is(out.chart.count, 8);
  t.is(out.chart.labels, c.labels);
  frameAt(scene, 1, INITIAL_VIEW, 16 / 9, out, scratch);
  t.is(out.chart.count, 0);
});
