/**
 * .npz reading and writing (spec §1.10): files built byte by byte from the .npy / zip format
 * descriptions (not by our writer), a file written by numpy itself, our writer's round trip, and
 * one-line errors naming the file and key.
 */
import test from 'ava';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { decodeNpy, encodeNpy, readNpz, writeNpz } from '../../src/transformer/npz.js';
import { f32le, f64le, handNpy, handZip } from './npz-builders.js';

function tmp(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'gptviz-npz-')), name);
}

test('reads a hand-built stored zip of hand-built .npy files (<f4 2-D, <f8 1-D, scalar)', (t) => {
  const bytes = handZip([
    ['a.npy', handNpy('<f4', '(2, 3)', f32le([0, 0.5, 1, 1.5, 2, 2.5]))],
    ['b.npy', handNpy('<f8', '(3,)', f64le([1.5, -2.25, 1e-3]))],
    ['c.npy', handNpy('<f4', '()', f32le([3]))],
  ]);
  const m = readNpz(bytes);
  t.deepEqual([...m.keys()].sort(), ['a', 'b', 'c']);
  t.deepEqual(m.get('a')!.shape, [2, 3]);
  t.is(m.get('a')!.dtype, 'float32');
  t.deepEqual(Array.from(m.get('a')!.data), [0, 0.5, 1, 1.5, 2, 2.5]);
  t.deepEqual(m.get('b')!.shape, [3]);
  t.is(m.get('b')!.dtype, 'float64');
  t.deepEqual(Array.from(m.get('b')!.data), [1.5, -2.25, 1e-3]);
  t.deepEqual(m.get('c')!.shape, []);
  t.deepEqual(Array.from(m.get('c')!.data), [3]);
});

/** np.savez(b, a=np.arange(6, dtype=float32).reshape(2,3)*0.5, b=np.array([1.5,-2.25,1e-3]), c=np.float32(3)) — numpy 2.4, forced ZIP64 local headers. */
const NUMPY_SAVEZ_B64 = 'UEsDBC0AAAAAAAAAIQALwLB2//////////8FABQAYS5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAzKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAAAD8AAIA/AADAPwAAAEAAACBAUEsDBC0AAAAAAAAAIQA26hX2//////////8FABQAYi5ucHkBABAAmAAAAAAAAACYAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAAAAAAA+D8AAAAAAAACwPyp8dJNYlA/UEsDBC0AAAAAAAAAIQDD59+m//////////8FABQAYy5ucHkBABAAhAAAAAAAAACEAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAABAQFBLAQItAy0AAAAAAAAAIQALwLB2mAAAAJgAAAAFAAAAAAAAAAAAAACAAQAAAABhLm5weVBLAQItAy0AAAAAAAAAIQA26hX2mAAAAJgAAAAFAAAAAAAAAAAAAACAAc8AAABiLm5weVBLAQItAy0AAAAAAAAAIQDD59+mhAAAAIQAAAAFAAAAAAAAAAAAAACAAZ4BAABjLm5weVBLBQYAAAAAAwADAJkAAABZAgAAAAA=';

test('reads a file written by numpy.savez (ZIP64 local headers)', (t) => {
  const m = readNpz(Buffer.from(NUMPY_SAVEZ_B64, 'base64'));
  t.deepEqual(Array.from(m.get('a')!.data), [0, 0.5, 1, 1.5, 2, 2.5]);
  t.deepEqual(m.get('a')!.shape, [2, 3]);
  t.deepEqual(Array.from(m.get('b')!.data), [1.5, -2.25, 1e-3]);
  t.deepEqual(m.get('c')!.shape, []);
});

test('encodeNpy writes exactly what numpy writes (header padded to 64 bytes)', (t) => {
  const ours = encodeNpy([2, 3], Float32Array.from([0, 0.5, 1, 1.5, 2, 2.5]));
  t.deepEqual(ours, handNpy('<f4', '(2, 3)', f32le([0, 0.5, 1, 1.5, 2, 2.5])));
  t.deepEqual(encodeNpy([3], Float64Array.from([1, 2, 3])), handNpy('<f8', '(3,)', f64le([1, 2, 3])));
  t.is((ours.length - 24) % 64, 0);
  const numpy = readNpz(Buffer.from(NUMPY_SAVEZ_B64, 'base64'));
  t.deepEqual(Array.from(decodeNpy(ours, 'x').data), Array.from(numpy.get('a')!.data));
});

test('writeNpz round trip through a file, atomically (no temp file left)', (t) => {
  const file = tmp('rt.npz');
  const a = Float32Array.from([1, -2, 3.25, 4, 5, 6]);
  const b = Float64Array.from([0.1, 0.2]);
  writeNpz(file, [['x', { shape: [3, 2], data: a }], ['y', { shape: [2], data: b }]]);
  const m = readNpz(file);
  t.deepEqual(m.get('x')!.data, a);
  t.deepEqual(m.get('x')!.shape, [3, 2]);
  t.deepEqual(m.get('y')!.data, b);
  t.deepEqual(readdirSync(path.dirname(file)), ['rt.npz']);
  t.throws(() => writeNpz(path.join(file, 'nope', 'x.npz'), []), { instanceOf: UserError });
});

function oneLine(t: { regex: (s: string, r: RegExp) => void; false: (v: boolean) => void }, fn: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof UserError)) throw new Error(`expected a UserError, got ${String(err)}`);
  t.regex(err.message, re);
  t.false(err.message.includes('\n'));
}

test('one-line errors naming the file and key', (t) => {
  oneLine(t, () => readNpz('/nonexistent/w.npz'), /not found: \/nonexistent\/w\.npz/);
  const notZip = tmp('bad.npz');
  writeFileSync(notZip, 'hello, this is not a zip file');
  oneLine(t, () => readNpz(notZip), /bad\.npz: not a \.npz file/);
  const z = (npy: Uint8Array): Uint8Array => handZip([['k.npy', npy]]);
  oneLine(t, () => readNpz(z(handNpy('>f4', '(1,)', f32le([1])))), /key k: unsupported dtype '>f4'/);
  oneLine(t, () => readNpz(z(handNpy('<i2', '(1,)', new Uint8Array(2)))), /key k: unsupported dtype '<i2'/);
  oneLine(t, () => readNpz(z(handNpy('<f4', '(2, 2)', f32le([1, 2, 3, 4]), 'True'))), /key k: unsupported Fortran/);
  oneLine(t, () => readNpz(z(handNpy('<f4', '(4,)', f32le([1, 2])))), /key k: truncated data/);
  oneLine(t, () => readNpz(z(new TextEncoder().encode('not an npy'))), /key k: not a \.npy array/);
});
