/**
 * NumPy `.npz` archives (spec §1.10): a zip of `.npy` files, one per array, as `np.savez` writes
 * them. Reading accepts `.npy` format versions 1.0/2.0/3.0, little-endian `<f4` and `<f8` (also
 * `<i4`/`<i8`, read as float64), C order, stored or deflated zip entries — so weights trained by
 * the Python reference load unchanged. Writing produces an uncompressed zip of `.npy` v1.0
 * `<f4` C-order arrays with the header padded to 64 bytes, as numpy does. The zip layer is fflate.
 *
 * Every problem with a file is a one-line UserError naming the file and the key: missing file,
 * not a zip, not a .npy entry, unsupported dtype/order, truncated data. (Missing keys, wrong
 * shapes and NaN/Inf are checked where the arrays are used: weights-file.ts.)
 *
 * Not here: what the arrays mean (weights-file.ts). File IO is limited to the two thin wrappers
 * `readNpz(path)` and `writeNpz(path, …)` (atomic: temp file + rename).
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { UserError } from '../errors.js';
import { fileError } from '../io-errors.js';

export type NpyDtype = 'float32' | 'float64';

/** One array of an archive: shape, dtype as stored, row-major data. */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly dtype: NpyDtype;
  readonly data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The hint under every format error: what a readable weights file is. */
export const NPZ_HINT = 'pass a weights .npz written by gptviz train or by the Python reference (np.savez)';

/**
 * The most uncompressed array data one archive may declare: 256 MiB, 64 M float32 parameters —
 * thousands of times gptviz's model. Checked against the zip's declared sizes before anything is
 * inflated, so a small file declaring a huge entry is refused at once instead of allocating it.
 */
export const MAX_NPZ_BYTES = 256 * 1024 * 1024;

/** Deflate cannot expand data by more than about 1032:1; a larger declared size is a lie. */
const MAX_DEFLATE_RATIO = 1032;

/** descr → [bytes per item, dtype we return]. Integers are widened to float64. */
const DESCRS: Record<string, [number, NpyDtype, 'f4' | 'f8' | 'i4' | 'i8']> = {
  '<f4': [4, 'float32', 'f4'],
  '<f8': [8, 'float64', 'f8'],
  '<i4': [4, 'float64', 'i4'],
  '<i8': [8, 'float64', 'i8'],
};

/**
 * Decode one `.npy` file. `where` names it in errors (e.g. "weights.npz, key block0_W_Q").
 * @example decodeNpy(bytes, 'x.npy').shape // [2, 3]
 */
export function decodeNpy(bytes: Uint8Array, where: string): NpyArray {
  const bad = (why: string): UserError => new UserError(`${where}: ${why}`, { hint: NPZ_HINT });
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw bad('not a .npy array (bad magic)');
  const major = bytes[6];
  let headerLen: number;
  let start: number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 10) throw bad('truncated .npy header');
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad('truncated .npy header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw bad(`unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.length) throw bad('truncated .npy header');
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad(`malformed .npy header ${JSON.stringify(header.trim())}`);
  const spec = DESCRS[descr];
  if (spec === undefined) throw bad(`unsupported dtype '${descr}' (need little-endian float32 '<f4' or float64 '<f8')`);
  if (fortran === 'True') throw bad('unsupported Fortran (column-major) order; save with C order');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw bad(`malformed shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const [size, dtype, kind] = spec;
  const dataStart = start + headerLen;
  if (bytes.length - dataStart < count * size) {
    throw bad(`truncated data: shape (${shape.join(', ')}) needs ${count * size} bytes, found ${bytes.length - dataStart}`);
  }
  const out = dtype === 'float32' ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const o = dataStart + i * size;
    switch (kind) {
      case 'f4':
        out[i] = view.getFloat32(o, true);
        break;
      case 'f8':
        out[i] = view.getFloat64(o, true);
        break;
      case 'i4':
        out[i] = view.getInt32(o, true);
        break;
      case 'i8':
        out[i] = Number(view.getBigInt64(o, true));
        break;
    }
  }
  return { shape, dtype, data: out };
}

/**
 * Encode one array as `.npy` v1.0, `<f4` (float32 data) or `<f8` (float64), C order; header
 * padded with spaces and a newline so the data starts at a multiple of 64 bytes.
 */
export function encodeNpy(shape: readonly number[], data: Float32Array | Float64Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`encodeNpy: shape (${shape.join(', ')}) holds ${count} values, got ${data.length}`);
  const is32 = data instanceof Float32Array;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${is32 ? '<f4' : '<f8'}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const size = is32 ? 4 : 8;
  const bytes = new Uint8Array(10 + header.length + count * size);
  bytes.set(MAGIC, 0);
  bytes[6] = 1;
  bytes[7] = 0;
  const view = new DataView(bytes.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const o = 10 + header.length;
  for (let i = 0; i < count; i++) {
    if (is32) view.setFloat32(o + i * 4, data[i]!, true);
    else view.setFloat64(o + i * 8, data[i]!, true);
  }
  return bytes;
}

/** Decode a whole archive's bytes. `name` (the file) is used in error messages. */
export function decodeNpz(bytes: Uint8Array, name: string): Map<string, NpyArray> {
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
  if (!isZip) throw new UserError(`${name}: not a .npz file (not a zip archive)`, { hint: NPZ_HINT });
  let entries: Record<string, Uint8Array>;
  let declared = 0;
  // fflate calls the filter for each entry before inflating it: check the declared sizes there.
  const filter = (f: { name: string; size: number; originalSize: number; compression: number }): boolean => {
    const lie = f.compression === 0 ? f.originalSize !== f.size : f.originalSize > MAX_DEFLATE_RATIO * f.size + 1024;
    if (lie) {
      throw new UserError(`${name}, entry ${f.name}: declares ${f.originalSize} bytes, but holds ${f.size} (a corrupt archive)`, { hint: NPZ_HINT });
    }
    declared += f.originalSize;
    if (declared > MAX_NPZ_BYTES) {
      const mib = (n: number): string => `${(n / 1048576).toFixed(0)} MiB`;
      throw new UserError(`${name}: declares more than ${mib(MAX_NPZ_BYTES)} of arrays (entry ${f.name}: ${mib(f.originalSize)})`, {
        hint: `${NPZ_HINT}; gptviz models are far smaller`,
      });
    }
    return true;
  };
  try {
    entries = unzipSync(bytes, { filter });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${name}: not a readable .npz (zip) archive: ${e instanceof Error ? e.message : String(e)}`, { hint: NPZ_HINT });
  }
  const out = new Map<string, NpyArray>();
  for (const [entry, data] of Object.entries(entries)) {
    if (entry.endsWith('/')) continue;
    const key = entry.endsWith('.npy') ? entry.slice(0, -4) : entry;
    out.set(key, decodeNpy(data, `${name}, key ${key}`));
  }
  return out;
}

/** Encode arrays as an uncompressed `.npz` archive (keys become `<key>.npy` entries). */
export function encodeNpz(arrays: Iterable<readonly [string, { shape: readonly number[]; data: Float32Array | Float64Array }]>): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [key, a] of arrays) files[`${key}.npy`] = [encodeNpy(a.shape, a.data), { level: 0 }];
  // fixed timestamp: the same arrays give the same bytes
  return zipSync(files, { level: 0, mtime: new Date(1980, 0, 1) });
}

/**
 * Read an `.npz` archive from bytes or a file path → Map key → {shape, dtype, data}.
 * Missing file / directory / not a zip → one-line UserError naming the file.
 */
export function readNpz(source: Uint8Array | string): Map<string, NpyArray> {
  if (typeof source !== 'string') return decodeNpz(source, '.npz data');
  if (!existsSync(source)) throw new UserError(`weights file not found: ${source}`, { hint: 'check the path' });
  const st = statSync(source);
  if (st.isDirectory()) throw new UserError(`${source}: is a directory, not a weights file`, { hint: NPZ_HINT });
  if (!st.isFile()) throw new UserError(`${source}: not a regular file`, { hint: NPZ_HINT });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(source);
  } catch (e) {
    throw fileError(e, source, 'read');
  }
  return decodeNpz(bytes, source);
}

/**
 * Write arrays to `path` as an uncompressed `.npz`, atomically (temp file in the same folder,
 * then rename), so an interrupted save never leaves a broken file under the final name.
 */
export function writeNpz(path: string, arrays: Iterable<readonly [string, { shape: readonly number[]; data: Float32Array | Float64Array }]>): void {
  const bytes = encodeNpz(arrays);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder itself is unusable; nothing was written
    }
    throw fileError(e, path, 'write');
  }
}
