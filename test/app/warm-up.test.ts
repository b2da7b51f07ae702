/**
 * The window's sliced warm-up (app/warm-up.ts, issue 15): one pass per distinct scene kind,
 * evaluated a chunk at a time within each slice's budget, done after finish(). No GL.
 */
import test from 'ava';
import { buildScene } from '../../src/visualization/scene.js';
import { WARM_UP_FRAMES, WarmUp } from '../../src/app/warm-up.js';
import { randomInput, stepInput } from '../visualization/scene-fixtures.js';

test('one pass per distinct kind, in slices bounded by the clock, then done', (t) => {
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
  // A clock that never advances: a zero budget still makes progress, one chunk at a time.
  w.slice(0);
  const chunk = w.evaluated;
  t.true(chunk > 0 && chunk < WARM_UP_FRAMES);
  w.slice(0);
  t.is(w.evaluated, 2 * chunk);
  // A budget the clock has not reached keeps going until done.
  clock = 0;
  w.finish();
  t.true(w.done);
  t.is(w.evaluated, 2 * WARM_UP_FRAMES);
  w.slice();
  t.is(w.evaluated, 2 * WARM_UP_FRAMES);
});
