/**
 * Camera path tests (spec §6.1–6.3, Appendix B): the fixed direction, framing against the
 * reference numbers (boxes built from the §5.7.2 anchors: element (r, c) at anchor + (−c·0.5, −r·0.5, 0),
 * box 0.4), the waypoint schedule, smoothstep interpolation into a preallocated pose.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  CAMERA_DISTANCE, VIEW_FORWARD, VIEW_OFFSET, VIEW_RIGHT, VIEW_UP, buildWaypoints, cameraAt, characterFraming,
  frameBoxes, waypoint,
} from '../../src/animation/camera-path.js';
import type { Box, CameraKey, Vec3 } from '../../src/animation/camera-path.js';
import { buildTimeline } from '../../src/animation/timeline.js';
import { createFrame } from '../../src/frame.js';

const ASPECT = 16 / 9;

/** The box of an R × C matrix whose element (0,0) is centred at `anchor`. */
function mat(anchor: Vec3, R: number, C: number): Box {
  const h = 0.2;
  return {
    min: [anchor[0] - (C - 1) * 0.5 - h, anchor[1] - (R - 1) * 0.5 - h, anchor[2] - h],
    max: [anchor[0] + h, anchor[1] + h, anchor[2] + h],
    anchor,
  };
}

function expectKey(t: ExecutionContext, k: CameraKey, target: Vec3, ortho: number, label: string): void {
  t.true(Math.abs(k.orthoSize - ortho) < 1e-3, `${label} ortho ${k.orthoSize} ≠ ${ortho}`);
  for (let i = 0; i < 3; i++) {
    t.true(Math.abs(k.target[i] - target[i]) < 2e-3, `${label} target ${k.target.join(',')} ≠ ${target.join(',')}`);
    t.true(Math.abs(k.position[i] - (k.target[i] + CAMERA_DISTANCE * VIEW_OFFSET[i])) < 1e-9, `${label} position`);
  }
}

test('fixed viewing direction (spec §6.1)', (t) => {
  const r = (v: Vec3): number[] => v.map((x) => Math.round(x * 1e5) / 1e5);
  t.deepEqual(r(VIEW_OFFSET), [-0.5, 0.70711, -0.5]);
  t.deepEqual(r(VIEW_FORWARD), [0.5, -0.70711, 0.5]);
  t.deepEqual(r(VIEW_RIGHT), [-0.70711, 0, 0.70711]);
  t.deepEqual(r(VIEW_UP), [0.5, 0.70711, 0.5]);
});

test('input framing: ortho 8.3681, target (−0.638, −1.201, −0.388)', (t) => {
  expectKey(t, frameBoxes([mat([3.5, 2, 0], 16, 16)], ASPECT), [-0.638, -1.201, -0.388], 8.3681, 'input');
  // the same matrix at block 2's depth (spec §6.3 table)
  expectKey(t, frameBoxes([mat([3.5, 2, 114], 16, 16)], ASPECT), [-0.638, -1.201, 113.612], 8.3681, 'block 2');
  // without an anchor only the depth along f changes: same view-plane centre and ortho
  const { anchor: _a, ...noAnchor } = mat([3.5, 2, 0], 16, 16);
  const k = frameBoxes([noAnchor], ASPECT);
  t.true(Math.abs(k.orthoSize - 8.3681) < 1e-3);
  const d = [0, 1, 2].map((i) => k.target[i] - -[0.638, 1.201, 0.388][i]);
  const along = d[0] * VIEW_FORWARD[0] + d[1] * VIEW_FORWARD[1] + d[2] * VIEW_FORWARD[2];
  for (let i = 0; i < 3; i++) t.true(Math.abs(d[i] - along * VIEW_FORWARD[i]) < 2e-3);
});

test('stage framings equal the spec §6.3 reference numbers', (t) => {
  const qkv: Box[] = [];
  for (const y of [0, -12, -24]) qkv.push(mat([9.5, y, 18], 16, 16), mat([9.5, y, 24], 16, 16), mat([-2.5, y, 21], 16, 16));
  expectKey(t, frameBoxes(qkv, ASPECT), [0.987, -15.378, 20.737], 20.6034, 'QKV');
  const heads = [0, -11.5, -23, -34.5];
  const g0 = heads.flatMap((y) => [mat([3.5, y, 42], 16, 4), mat([9.5, y, 48], 4, 16), mat([-2.5, y, 45], 16, 16)]);
  expectKey(t, frameBoxes(g0, ASPECT), [-1.013, -19.92, 45.737], 24.3157, 'attention group 0');
  expectKey(t, frameBoxes(heads.map((y) => mat([-2.5, y, 45], 16, 16)), ASPECT), [-6.638, -20.451, 44.612], 20.5657, 'softmax');
  const g2 = heads.flatMap((y) => [mat([-2.5, y, 45], 16, 16), mat([-8.5, y, 51], 16, 4), mat([-14.5, y, 48], 16, 4)]);
  expectKey(t, frameBoxes(g2, ASPECT), [-10.013, -19.92, 45.737], 21.3157, 'weights·V');
  const concat = [mat([9.5, 2, 60], 16, 16), mat([9.5, 2, 66], 16, 16), mat([-2.5, 2, 63], 16, 16)];
  expectKey(t, frameBoxes(concat, ASPECT), [0.987, -1.378, 62.737], 12.1181, 'concat');
  const add = [mat([9.5, 2, 70], 16, 16), mat([-2.5, 2, 70], 16, 16), mat([3.5, 2, 76], 16, 16)];
  expectKey(t, frameBoxes(add, ASPECT), [-0.138, -1.908, 70.112], 11.3681, 'add');
  const w1 = [mat([3.5, 2, 76], 16, 16), mat([31.5, 2, 80], 16, 128), mat([31.5, 2, 84], 16, 128)];
  expectKey(t, frameBoxes(w1, ASPECT), [3.528, -7.093, 85.778], 23.3681, '×W1');
  expectKey(t, frameBoxes([mat([31.5, 2, 84], 16, 128)], ASPECT), [6.362, -11.1, 90.612], 22.3681, 'ReLU');
  const w2 = [mat([31.5, 2, 84], 16, 128), mat([-24.5, 2, 90], 128, 16), mat([3.5, 2, 92], 16, 16)];
  expectKey(t, frameBoxes(w2, ASPECT), [-10.121, -15.79, 77.129], 40.6671, '×W2');
  const vocab = [mat([3.5, 2, 130], 16, 16), mat([11.5, 2, 136], 16, 32), mat([-8.5, 2, 133], 16, 32)];
  expectKey(t, frameBoxes(vocab, ASPECT), [-5.847, -2.32, 134.903], 16.1181, 'vocabulary projection');
  expectKey(t, frameBoxes([mat([7.5, 2, 144], 16, 32)], ASPECT), [0.362, -2.615, 144.612], 10.3681, 'token probabilities');
  t.throws(() => frameBoxes([], ASPECT), { instanceOf: RangeError });
  t.throws(() => frameBoxes(qkv, 0), { instanceOf: RangeError });
});

test('aspect: a wide matrix is framed by its width on narrow screens', (t) => {
  const box = [mat([31.5, 2, 84], 16, 128)];
  const wide = frameBoxes(box, ASPECT);
  const square = frameBoxes(box, 1);
  t.true(square.orthoSize > wide.orthoSize);
  t.deepEqual(square.target, wide.target);
});

const chars = (n: number, cs: number): Vec3[] => Array.from({ length: n }, (_, i): Vec3 => [((n - 1) * cs) / 2 - i * cs, 2, -2]);

test('character framing: "hello" → target (0, 2, −2), ortho 8.7331; six characters 9.3297', (t) => {
  expectKey(t, characterFraming(chars(5, 3.75), ASPECT), [0, 2, -2], 8.7331, 'hello');
  expectKey(t, characterFraming(chars(6, 3.6), ASPECT), [0, 2, -2], 9.3297, 'six');
  expectKey(t, characterFraming([[1, 2, 3]], ASPECT), [1, 2, 3], 7.5, 'one');
  t.throws(() => characterFraming([], ASPECT), { instanceOf: RangeError });
});

/** A key whose orthoSize encodes where it came from: stage index · 10 + group + 1 (0.5 = characters). */
function tagged(o: number): CameraKey {
  return { target: [o, 0, 0], position: [o, 1, 0], orthoSize: o };
}

test('waypoint schedule of a full step (spec §6.3 table times)', (t) => {
  const tl = buildTimeline('full', { hasCharDisplay: true });
  const wps = buildWaypoints(tl, {
    characters: tagged(0.5),
    stage: (i) => tagged(i * 10),
    group: (i, g) => tagged(i * 10 + g + 1),
    loopEnd: tagged(999),
  });
  const at = (time: number): number[] => wps.filter((w) => Math.abs(w.time - time) < 1e-3).map((w) => w.orthoSize);
  t.deepEqual(at(0.5), [0.5]);
  t.deepEqual(at(1.3), [0.5]);
  t.deepEqual(at(2.6667), [10]); // input framing at the character display's end
  t.deepEqual(at(3.6667), [20]);
  t.deepEqual(at(9.8333), [20]);
  t.deepEqual(at(10.8333), [31]);
  t.deepEqual(at(12.5833), [31]);
  t.deepEqual(at(14.3333), [31]);
  t.deepEqual(at(15.0833), [32]);
  t.deepEqual(at(16.8333), [32]);
  t.deepEqual(at(17.6333), [33]);
  t.deepEqual(at(20.4048), [33]);
  t.deepEqual(at(21.4048), [33]);
  t.deepEqual(at(37.5714), [61]);
  t.deepEqual(at(48.5714), [61]);
  t.deepEqual(at(51.8714), [63]);
  t.deepEqual(at(62.0714), [63]);
  t.deepEqual(at(92.5907), [131]);
  t.deepEqual(at(100.3907), [999]);
  for (let i = 1; i < wps.length; i++) t.true(wps[i].time >= wps[i - 1].time);
  t.is(wps[wps.length - 1].time, tl.duration);
  // without loopEnd the loop goes back to the characters; the zero-length input stage gets no waypoint of its own
  const plain = buildWaypoints(tl, { characters: tagged(0.5), stage: (i) => tagged(i * 10), group: (i, g) => tagged(i * 10 + g + 1) });
  t.is(plain[plain.length - 1].orthoSize, 0.5);
  t.is(plain.filter((w) => w.orthoSize === 10).length, 1);
  t.throws(() => buildWaypoints(tl, { stage: (i) => tagged(i), group: (i) => tagged(i) }), { instanceOf: RangeError });
});

test('waypoints of random and final timelines', (t) => {
  const random = buildTimeline('random', { hasCharDisplay: false });
  const w = buildWaypoints(random, { stage: (i) => tagged(i * 10), group: (i, g) => tagged(i * 10 + g + 1) });
  t.deepEqual([w[0].time, w[0].orthoSize, w[1].time], [1, 0, 4]);
  t.is(w[w.length - 1].orthoSize, 0);
  const final = buildTimeline('final', { hasCharDisplay: true });
  const f = buildWaypoints(final, { characters: tagged(0.5), stage: () => tagged(1), group: () => tagged(1) });
  t.deepEqual(f.map((x) => [Math.round(x.time * 1e4) / 1e4, x.orthoSize]), [[0.5, 0.5], [2.6667, 0.5], [2.6667, 0.5]]);
});

test('cameraAt: clamps at the ends, smoothstep between, zero-length pair snaps, no allocation of its own', (t) => {
  const a = tagged(10);
  const b: CameraKey = { target: [20, 4, -2], position: [20, 5, -2], orthoSize: 20 };
  const wps = [waypoint(1, a), waypoint(3, b), waypoint(3, tagged(50)), waypoint(5, tagged(60))];
  const pose = createFrame(4).camera;
  t.is(cameraAt(wps, 0, pose), pose);
  t.deepEqual([...pose.target, pose.orthoSize], [10, 0, 0, 10]);
  cameraAt(wps, 2, pose);
  t.true(Math.abs(pose.orthoSize - 15) < 1e-6);
  t.true(Math.abs(pose.target[1] - 2) < 1e-6 && Math.abs(pose.position[1] - 3) < 1e-6);
  cameraAt(wps, 1.5, pose);
  t.true(Math.abs(pose.orthoSize - (10 + 10 * 0.15625)) < 1e-6); // smooth(0.25) = 0.15625
  cameraAt(wps, 3, pose);
  t.true(Math.abs(pose.orthoSize - 20) < 1e-6); // first pair containing t=3 ends at b
  cameraAt(wps, 4, pose);
  t.true(Math.abs(pose.orthoSize - 55) < 1e-6);
  cameraAt(wps, 9, pose);
  t.is(pose.orthoSize, 60);
  const snap = [waypoint(2, a), waypoint(2, b)];
  cameraAt(snap, 2, pose);
  t.is(pose.orthoSize, 10); // at (not after) the first waypoint
  cameraAt(snap, 2.0001, pose);
  t.is(pose.orthoSize, 20);
  t.throws(() => cameraAt([], 0, pose), { instanceOf: RangeError });
  // purity: evaluation order does not matter
  const times = [0.3, 4.2, 1.7, 2.9, 3.3];
  const forward = times.map((x) => cameraAt(wps, x, pose).orthoSize);
  const backward = [...times].reverse().map((x) => cameraAt(wps, x, pose).orthoSize).reverse();
  t.deepEqual(forward, backward);
});
