/**
 * The camera path of the full "hello" step at 16:9 against the reference waypoint table of spec
 * §6.3, and re-framing on an aspect change (spec §11.3 #12).
 */
import test from 'ava';
import { buildScene } from '../../src/visualization/scene.js';
import { waypointsFor } from '../../src/visualization/frame-at.js';
import { randomInput, scratchFor, stepInput } from './scene-fixtures.js';

const scene = buildScene(stepInput('hello', 'full'));

// time, target, ortho — spec §6.3 (ranges give both ends).
const TABLE: [number, [number, number, number], number][] = [
  [0.5, [0, 2, -2], 8.7331], [1.3, [0, 2, -2], 8.7331], [2.6667, [-0.638, -1.201, -0.388], 8.3681],
  [3.6667, [0.987, -15.378, 20.737], 20.6034], [9.8333, [0.987, -15.378, 20.737], 20.6034],
  // Multi-head attention: not the spec's numbers since issue 17 placed K_hᵀ and Head Out beside
  // their own head (layout.ts) — the framings of the same boxes, recomputed.
  [10.8333, [-3.880, -22.231, 44.870], 22.8157], [14.3333, [-3.880, -22.231, 44.870], 22.8157],
  [15.0833, [-10.638, -20.451, 44.612], 20.5657], [16.8333, [-10.638, -20.451, 44.612], 20.5657],
  [17.6333, [-14.856, -18.065, 45.455], 20.5657], [21.4048, [-14.856, -18.065, 45.455], 20.5657],
  [22.4048, [0.987, -1.378, 62.737], 12.1181], [28.5714, [0.987, -1.378, 62.737], 12.1181],
  [29.5714, [-0.138, -1.908, 70.112], 11.3681], [33.0714, [-0.138, -1.908, 70.112], 11.3681],
  [33.8214, [-0.638, -1.201, 75.612], 8.3681], [36.5714, [-0.638, -1.201, 75.612], 8.3681],
  [37.5714, [3.528, -7.093, 85.778], 23.3681], [48.5714, [3.528, -7.093, 85.778], 23.3681],
  [49.3214, [6.362, -11.1, 90.612], 22.3681], [51.0714, [6.362, -11.1, 90.612], 22.3681],
  [51.8714, [-10.121, -15.79, 77.129], 40.6671], [62.0714, [-10.121, -15.79, 77.129], 40.6671],
  [63.0714, [-0.138, -1.908, 100.112], 11.3681], [66.5714, [-0.138, -1.908, 100.112], 11.3681],
  [67.3214, [-0.638, -1.201, 105.612], 8.3681], [71.3407, [-0.638, -1.201, 105.612], 8.3681],
  [72.0073, [-0.638, -1.201, 113.612], 8.3681], [75.0073, [-0.638, -1.201, 113.612], 8.3681],
  [75.674, [-0.638, -1.201, 121.612], 8.3681], [78.674, [-0.638, -1.201, 121.612], 8.3681],
  [79.3407, [-0.638, -1.201, 129.612], 8.3681], [82.3407, [-0.638, -1.201, 129.612], 8.3681],
  [83.3407, [-5.847, -2.32, 134.903], 16.1181], [91.5907, [-5.847, -2.32, 134.903], 16.1181],
  [92.5907, [0.362, -2.615, 144.612], 10.3681], [99.0907, [0.362, -2.615, 144.612], 10.3681],
  [100.3907, [0, 2, -2], 9.3297],
];

test('waypoints of the full hello step match the spec §6.3 table at 16:9', (t) => {
  const wps = waypointsFor(scene, 16 / 9, scratchFor(scene));
  for (const [time, target, ortho] of TABLE) {
    const w = wps.find((x) => Math.abs(x.time - time) < 6e-4);
    if (w === undefined) {
      t.fail(`no waypoint at ${time}`);
      continue;
    }
    for (let k = 0; k < 3; k++) t.true(Math.abs(w.target[k]! - target[k]!) < 2e-3, `target[${k}] at ${time}: ${w.target[k]} vs ${target[k]}`);
    t.true(Math.abs(w.orthoSize - ortho) < 2e-4, `ortho at ${time}: ${w.orthoSize} vs ${ortho}`);
    for (let k = 0; k < 3; k++) t.true(Math.abs(w.position[k]! - w.target[k]! - 200 * [-0.5, Math.SQRT1_2, -0.5][k]!) < 1e-3);
  }
  for (let i = 1; i < wps.length; i++) t.true(wps[i]!.time >= wps[i - 1]!.time, 'sorted');
});

test('a different aspect re-frames (a resize never keeps stale margins)', (t) => {
  const wide = waypointsFor(scene, 16 / 9, scratchFor(scene));
  const square = waypointsFor(scene, 1, scratchFor(scene));
  t.is(waypointsFor(scene, 16 / 9, scratchFor(scene)), wide, 'memoised per aspect');
  // Every framing needs at least as much ortho size on a square screen, and the width-limited ones more.
  let larger = 0;
  wide.forEach((w, i) => {
    t.true(square[i]!.orthoSize >= w.orthoSize - 1e-9);
    if (square[i]!.orthoSize > w.orthoSize + 1) larger++;
  });
  t.true(larger > 5, `${larger} framings grew`);
});

test('random mode loops back to the input framing', (t) => {
  const s = buildScene(randomInput());
  const wps = waypointsFor(s, 16 / 9, scratchFor(s));
  const last = wps[wps.length - 1]!;
  t.true(Math.abs(last.time - 84.974) < 1e-3);
  t.true(Math.abs(last.orthoSize - 8.3681) < 1e-3);
  t.is(wps[0]!.time, 1);
});
