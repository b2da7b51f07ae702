/**
 * Orbit/zoom view-state tests (spec §6.4): drag/scroll reducers, pitch clamp, the 3 s hold, the
 * eased return (instead of the reference's snap), applyView keeping the distance, purity.
 */
import test from 'ava';
import {
  INITIAL_VIEW, VIEW_HOLD_S, VIEW_RETURN_S, applyView, drag, scroll, tickView, viewWeight,
} from '../../src/animation/view-state.js';
import type { ViewState } from '../../src/animation/view-state.js';
import { CAMERA_DISTANCE, VIEW_OFFSET } from '../../src/animation/camera-path.js';
import type { CameraPose } from '../../src/frame.js';

function pathPose(): CameraPose {
  const target = Float64Array.of(1, 2, 3);
  const position = Float64Array.from([0, 1, 2], (i) => target[i] + CAMERA_DISTANCE * VIEW_OFFSET[i]);
  return { target, position, orthoSize: 10 };
}

test('drag and scroll', (t) => {
  const v = drag(INITIAL_VIEW, 100, -50);
  t.true(Math.abs(v.yaw - 0.3) < 1e-12 && Math.abs(v.pitch + 0.15) < 1e-12);
  t.is(v.zoom, 0);
  t.is(v.overrideTimer, VIEW_HOLD_S);
  t.is(drag(INITIAL_VIEW, 0, 10000).pitch, 1.2);
  t.is(drag(INITIAL_VIEW, 0, -10000).pitch, -1.2);
  const z = scroll(v, 2);
  t.true(Math.abs(z.zoom - 0.2) < 1e-12);
  t.is(z.yaw, v.yaw);
  t.is(scroll(scroll(INITIAL_VIEW, 50), 50).zoom, 10); // no limit
  t.true(Object.isFrozen(z));
  t.is(INITIAL_VIEW.yaw, 0);
});

test('hold for 3 s, then ease back over 0.6 s (not a snap)', (t) => {
  let v: ViewState = drag(INITIAL_VIEW, 100, 0);
  v = tickView(v, 2.9);
  t.is(viewWeight(v), 1);
  v = tickView(v, 0.1 + VIEW_RETURN_S / 2);
  const w = viewWeight(v);
  t.true(Math.abs(w - 0.5) < 1e-6, `${w}`);
  t.true(v.yaw > 0.29); // stored offset kept, weighted when applied
  v = tickView(v, VIEW_RETURN_S);
  t.is(v, INITIAL_VIEW);
  t.is(tickView(v, 1), v); // idle: no new object
  t.is(viewWeight(INITIAL_VIEW), 0);
  t.is(tickView(drag(INITIAL_VIEW, 1, 1), -5).overrideTimer, VIEW_HOLD_S); // negative dt counts as 0
});

test('dragging while easing back continues from what is on screen', (t) => {
  let v = tickView(drag(INITIAL_VIEW, 100, 0), VIEW_HOLD_S + VIEW_RETURN_S / 2);
  const shown = v.yaw * viewWeight(v);
  v = drag(v, 10, 0);
  t.true(Math.abs(v.yaw - (shown + 0.03)) < 1e-9);
  t.is(viewWeight(v), 1);
});

test('applyView: identity without offset, orbit keeps distance and target, zoom scales ortho', (t) => {
  const p = pathPose();
  const before = [...p.position];
  t.is(applyView(p, INITIAL_VIEW), p);
  t.deepEqual([...p.position], before);
  t.is(applyView(p, { yaw: 0, pitch: 0, zoom: 0, overrideTimer: 0 }).orthoSize, 10);

  const q = pathPose();
  applyView(q, drag(INITIAL_VIEW, 100, 0));
  const d = [0, 1, 2].map((i) => q.position[i] - q.target[i]);
  t.true(Math.abs(Math.hypot(d[0], d[1], d[2]) - CAMERA_DISTANCE) < 1e-9);
  t.deepEqual([...q.target], [1, 2, 3]);
  // base yaw −3π/4 (spec §6.4), +0.3; pitch unchanged at π/4
  t.true(Math.abs(Math.atan2(d[0], d[2]) - (-3 * Math.PI / 4 + 0.3)) < 1e-9);
  t.true(Math.abs(Math.asin(d[1] / CAMERA_DISTANCE) - Math.PI / 4) < 1e-9);

  const r = pathPose();
  applyView(r, drag(INITIAL_VIEW, 0, 10000)); // pitch offset 1.2 → resulting pitch clamped to 1.2
  t.true(Math.abs(Math.asin((r.position[1] - r.target[1]) / CAMERA_DISTANCE) - 1.2) < 1e-9);

  const z = pathPose();
  applyView(z, scroll(INITIAL_VIEW, 10)); // zoom offset 1 → half the ortho size
  t.true(Math.abs(z.orthoSize - 5) < 1e-12);
});

test('applyView at half return weight applies half the offset', (t) => {
  const v = tickView(scroll(INITIAL_VIEW, 10), VIEW_HOLD_S + VIEW_RETURN_S / 2);
  const p = pathPose();
  applyView(p, v);
  t.true(Math.abs(p.orthoSize - 10 * 2 ** -0.5) < 1e-6);
});
