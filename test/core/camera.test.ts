/** Camera maths (spec §6): view/projection matrices, box framing, waypoints, orbit. Pure, no GL. */
import test from 'ava';
import { mat4, vec3 } from 'gl-matrix';
import {
  FRAME_MARGIN, VIEW_FORWARD, VIEW_OFFSET, VIEW_RIGHT, VIEW_UP, applyOrbit, cameraForward, frameBox, poseAt,
  projectToPixel, projectionMatrix, smoothstep01, viewMatrix,
} from '../../src/core/camera.js';
import type { CameraPose } from '../../src/frame.js';

function pose(target: number[], ortho: number): CameraPose {
  const t = Float64Array.from(target);
  const p = Float64Array.from(target.map((v, k) => v + 200 * VIEW_OFFSET[k]!));
  return { position: p, target: t, orthoSize: ortho };
}

const v3 = (a: ArrayLike<number>): vec3 => vec3.fromValues(a[0]!, a[1]!, a[2]!);
const near = (a: number, b: number, eps = 1e-5): boolean => Math.abs(a - b) <= eps;

test('fixed direction vectors are orthonormal and right-handed (spec §6.1)', (t) => {
  const r = vec3.fromValues(...VIEW_RIGHT), u = vec3.fromValues(...VIEW_UP), f = vec3.fromValues(...VIEW_FORWARD);
  for (const v of [r, u, f]) t.true(near(vec3.length(v), 1));
  t.true(near(vec3.dot(r, u), 0) && near(vec3.dot(r, f), 0) && near(vec3.dot(u, f), 0));
  const c = vec3.cross(vec3.create(), r, u); // right × up = −forward (camera looks down −Z in view space)
  t.true(vec3.distance(c, vec3.negate(vec3.create(), f)) < 1e-6);
});

test('view matrix puts the target on the axis in front and world +X screen-left, +Y screen-up', (t) => {
  const ps = pose([1, 2, 3], 5);
  const v = mat4.create();
  viewMatrix(v, ps);
  const tv = vec3.transformMat4(vec3.create(), vec3.fromValues(1, 2, 3), v);
  t.true(near(tv[0], 0, 1e-4) && near(tv[1], 0, 1e-4) && near(tv[2], -200, 1e-3));
  const px = vec3.transformMat4(vec3.create(), vec3.fromValues(2, 2, 3), v);
  t.true(px[0] < tv[0]);
  const py = vec3.transformMat4(vec3.create(), vec3.fromValues(1, 3, 3), v);
  t.true(py[1] > tv[1]);
  const f = cameraForward(vec3.create(), ps);
  t.true(vec3.distance(f, vec3.fromValues(...VIEW_FORWARD)) < 1e-6);
});

test('view matrix survives a camera straight above its target (helper up)', (t) => {
  const ps: CameraPose = { position: Float64Array.of(0, 10, 0), target: Float64Array.of(0, 0, 0), orthoSize: 1 };
  const v = viewMatrix(mat4.create(), ps);
  for (const x of v) t.true(Number.isFinite(x));
});

test('orthographic projection: half-height orthoSize, half-width × aspect, clamp at 0.1', (t) => {
  const ps = pose([0, 0, 0], 4);
  const vp = mat4.multiply(mat4.create(), projectionMatrix(mat4.create(), ps, 2), viewMatrix(mat4.create(), ps));
  const out = vec3.create();
  // A point 4 units screen-up from the target lands on the top edge; 8 units screen-right on the right edge.
  projectToPixel(out, vp, 4 * VIEW_UP[0], 4 * VIEW_UP[1], 4 * VIEW_UP[2], 200, 100);
  t.true(near(out[0], 100, 1e-3) && near(out[1], 0, 1e-3));
  projectToPixel(out, vp, 8 * VIEW_RIGHT[0], 8 * VIEW_RIGHT[1], 8 * VIEW_RIGHT[2], 200, 100);
  t.true(near(out[0], 200, 1e-3) && near(out[1], 50, 1e-3));
  const m = projectionMatrix(mat4.create(), pose([0, 0, 0], 0), 1);
  t.true(near(m[5], 1 / 0.1, 1e-3));
});

test('frameBox centres the box and leaves the 3.5 margin on the tighter axis at any aspect', (t) => {
  for (const aspect of [16 / 9, 1, 0.5, 3]) {
    const ps = pose([0, 0, 0], 1);
    frameBox(ps, -4, -2, 0, 6, 3, 10, aspect);
    const vp = mat4.multiply(mat4.create(), projectionMatrix(mat4.create(), ps, aspect), viewMatrix(mat4.create(), ps));
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    const out = vec3.create();
    const W = 1000 * aspect, H = 1000;
    for (let i = 0; i < 8; i++) {
      projectToPixel(out, vp, i & 1 ? 6 : -4, i & 2 ? 3 : -2, i & 4 ? 10 : 0, W, H);
      x0 = Math.min(x0, out[0]); x1 = Math.max(x1, out[0]); y0 = Math.min(y0, out[1]); y1 = Math.max(y1, out[1]);
    }
    t.true(near((x0 + x1) / 2, W / 2, 1e-3) && near((y0 + y1) / 2, H / 2, 1e-3), `centred at aspect ${aspect}`);
    const unitsPerPx = (2 * ps.orthoSize) / H;
    const mx = Math.min(x0, W - x1) * unitsPerPx, my = Math.min(y0, H - y1) * unitsPerPx;
    t.true(mx >= FRAME_MARGIN - 1e-3 && my >= FRAME_MARGIN - 1e-3);
    t.true(near(Math.min(mx, my), FRAME_MARGIN, 1e-3), `tight margin ${Math.min(mx, my)} at aspect ${aspect}`);
    t.true(near(vec3.distance(v3(ps.position), v3(ps.target)), 200, 1e-4));
  }
});

test('smoothstep and waypoint interpolation (spec §6.3)', (t) => {
  t.is(smoothstep01(-1), 0);
  t.is(smoothstep01(0.5), 0.5);
  t.is(smoothstep01(2), 1);
  const a = pose([0, 0, 0], 2), b = pose([10, 0, 0], 6), c = pose([10, 10, 0], 6);
  const wps = [{ time: 1, pose: a }, { time: 3, pose: b }, { time: 3, pose: c }];
  const out = pose([0, 0, 0], 0);
  poseAt(out, wps, 0);
  t.is(out.orthoSize, 2);
  poseAt(out, wps, 2);
  t.true(near(out.target[0]!, 5) && near(out.orthoSize, 4));
  poseAt(out, wps, 1.5);
  t.true(near(out.target[0]!, 10 * smoothstep01(0.25)));
  poseAt(out, wps, 3);
  t.true(near(out.target[1]!, 0) || near(out.target[1]!, 10));
  poseAt(out, wps, 4);
  t.deepEqual([...out.target], [10, 10, 0]);
});

test('orbit keeps the distance, clamps pitch at ±1.2, zoom halves the size per unit', (t) => {
  const ps = pose([1, 2, 3], 8);
  applyOrbit(ps, 0.3, 5, 1);
  const d = vec3.distance(v3(ps.position), v3(ps.target));
  t.true(near(d, 200, 1e-4));
  t.true(near(Math.asin((ps.position[1]! - 2) / 200), 1.2, 1e-4));
  t.is(ps.orthoSize, 4);
  const still = pose([0, 0, 0], 8);
  const before = [...still.position];
  applyOrbit(still, 0, 0, 0);
  for (let k = 0; k < 3; k++) t.true(near(still.position[k]!, before[k]!, 1e-4));
});
