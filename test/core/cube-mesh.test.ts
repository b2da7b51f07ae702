/** The unit cube (spec §7.3): 36 vertices, corners ±0.5, face normals, counter-clockwise from outside. */
import test from 'ava';
import {
  CUBE_VERTEX_COUNT, CUBE_VERTEX_FLOATS, FACING_VERTEX_COUNT, buildCubeMesh, buildFacingMeshes, viewOctant,
} from '../../src/core/cube-mesh.js';

test('36 vertices at ±0.5 with one unit axis normal per face', (t) => {
  const m = buildCubeMesh();
  t.is(m.length, CUBE_VERTEX_COUNT * CUBE_VERTEX_FLOATS);
  const normals = new Set<string>();
  for (let v = 0; v < CUBE_VERTEX_COUNT; v++) {
    const o = v * CUBE_VERTEX_FLOATS;
    for (let k = 0; k < 3; k++) t.is(Math.abs(m[o + k]!), 0.5);
    const n = [m[o + 3]!, m[o + 4]!, m[o + 5]!];
    t.is(Math.abs(n[0]!) + Math.abs(n[1]!) + Math.abs(n[2]!), 1);
    // The vertex lies on the face its normal names.
    t.is(n[0]! * m[o]! + n[1]! * m[o + 1]! + n[2]! * m[o + 2]!, 0.5);
    normals.add(n.join(','));
  }
  t.is(normals.size, 6);
});

test('every triangle winds counter-clockwise seen from outside (front faces survive GL_BACK culling)', (t) => {
  const m = buildCubeMesh();
  for (let tri = 0; tri < 12; tri++) {
    const o = tri * 3 * CUBE_VERTEX_FLOATS;
    const a = [m[o]!, m[o + 1]!, m[o + 2]!];
    const b = [m[o + 6]!, m[o + 7]!, m[o + 8]!];
    const c = [m[o + 12]!, m[o + 13]!, m[o + 14]!];
    const e1 = [b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!];
    const e2 = [c[0]! - a[0]!, c[1]! - a[1]!, c[2]! - a[2]!];
    const cross = [e1[1]! * e2[2]! - e1[2]! * e2[1]!, e1[2]! * e2[0]! - e1[0]! * e2[2]!, e1[0]! * e2[1]! - e1[1]! * e2[0]!];
    const dot = cross[0]! * m[o + 3]! + cross[1]! * m[o + 4]! + cross[2]! * m[o + 5]!;
    t.true(dot > 0, `triangle ${tri}`);
  }
});

test('facing meshes: per view octant, exactly the three faces with n·f < 0, as whole faces of the cube', (t) => {
  const cube = buildCubeMesh();
  const m = buildFacingMeshes();
  t.is(m.length, 8 * FACING_VERTEX_COUNT * CUBE_VERTEX_FLOATS);
  const cubeVerts = new Set<string>();
  for (let v = 0; v < CUBE_VERTEX_COUNT; v++) cubeVerts.add(Array.from(cube.subarray(v * 6, v * 6 + 6)).join(','));
  for (const fx of [-0.5, 0.5]) {
    for (const fy of [-0.7, 0.7]) {
      for (const fz of [-0.5, 0.5]) {
        const o = viewOctant(fx, fy, fz);
        const faces = new Set<string>();
        for (let v = 0; v < FACING_VERTEX_COUNT; v++) {
          const k = (o * FACING_VERTEX_COUNT + v) * CUBE_VERTEX_FLOATS;
          const n = [m[k + 3]!, m[k + 4]!, m[k + 5]!];
          t.true(n[0]! * fx + n[1]! * fy + n[2]! * fz < 0, `octant ${o} vertex ${v} faces away`);
          t.true(cubeVerts.has(Array.from(m.subarray(k, k + 6)).join(',')), `octant ${o} vertex ${v} is a cube vertex`);
          faces.add(n.join(','));
        }
        t.is(faces.size, 3, `octant ${o}`);
      }
    }
  }
  // The fixed view (f = (0.5, −0.707, 0.5)) sees +Y, −X and −Z.
  const o = viewOctant(0.5, -0.707, 0.5);
  const seen = new Set<string>();
  for (let v = 0; v < FACING_VERTEX_COUNT; v++) {
    const k = (o * FACING_VERTEX_COUNT + v) * CUBE_VERTEX_FLOATS;
    seen.add([m[k + 3]!, m[k + 4]!, m[k + 5]!].join(','));
  }
  t.deepEqual([...seen].sort(), ['-1,0,0', '0,0,-1', '0,1,0']);
});
