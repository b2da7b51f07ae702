/**
 * The window's sliced warm-up (app/warm-up.ts, issue 15): one pass per distinct scene kind,
 * evaluated a chunk at a time within each slice's budget, done after finish(). No GL.
 */
import test from 'ava';
import { buildScene } from '../../src/visualization/scene.js';
import { WARM_UP_FRAMES, WarmUp } from '../../src/app/warm-up.js';
import { randomInput, stepInput } from '../visualization/scene-fixtures.js';

test('the label fades first, then one pass per distinct kind, in slices bounded by the clock, then done', (t) => {
  const random = buildScene(randomInput());
  const full = buildScene(stepInput('hi', 'full'));
  const steps = [
    { kind: 'random' as const, scene: random },
    { kind: 'full' as const, scene: full },
    { kind: 'full' as const, scene: full },
  ];
  let clock = 0;
  const w = new WarmUp(steps, () => clock);
  t.is(w.kinds, 2);
  t.false(w.done);
  // A clock that never advances: a zero budget still makes progress, one step at a time — first
  // the two scenes' label fade scans (one timeline time per slice), then the frames.
  let slices = 0;
  while (w.evaluated === 0) {
    w.slice(0);
    slices++;
  }
  t.true(slices > 100, `${slices} slices before the first frames`);
  const chunk = w.evaluated;
  t.true(chunk > 0 && chunk < WARM_UP_FRAMES);
  w.slice(0);
  t.is(w.evaluated, 2 * chunk);
  // A budget the clock has not reached keeps going until done.
  clock = 0;
  w.finish();
  t.true(w.done);
  t.is(w.evaluated, 2 * WARM_UP_FRAMES);
  // The fades scanned in slices are those of a scan at once.
  t.deepEqual(full.fades, buildScene(stepInput('hi', 'full')).fades);
  t.deepEqual(random.fades, buildScene(randomInput()).fades);
  w.slice();
  t.is(w.evaluated, 2 * WARM_UP_FRAMES);
});

test('the label fades of steps beyond the warmed kinds are scanned too, after the frames', (t) => {
  const first = buildScene(stepInput('hi', 'logits'));
  const second = buildScene(stepInput('hid', 'logits'));
  const w = new WarmUp([{ kind: 'logits' as const, scene: first }, { kind: 'logits' as const, scene: second }], () => 0);
  t.is(w.kinds, 1);
  while (w.evaluated < WARM_UP_FRAMES) w.slice(0);
  // The frames are done; the second step's scan is what is left.
  t.false(w.done);
  w.finish();
  t.true(w.done);
  // Scanned to the end: advancing it again does no step and reports it done even past its deadline.
  t.true(second.fadeScan.advance(-Infinity));
  t.deepEqual(second.fades, buildScene(stepInput('hid', 'logits')).fades);
});
