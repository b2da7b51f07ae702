/**
 * Choosing the predicted ids from a forward pass (spec §1.7):
 * - T = 0 (greedy): argmax of each logits row;
 * - T > 0: a RandomState seeded with CRC-32 (zlib polynomial) of the int32 little-endian bytes of
 *   the token ids, XOR the user's --seed (mod 2³²), then one legacy `choice(p = probs[i])` per
 *   row in order. So, without --seed, sampling is deterministic per input.
 * The CRC-32 is zlib's (src/crc32.ts).
 *
 * Not here: computing the probabilities (model.ts); the generation loop (generation.ts).
 */
import { argmaxRow } from './kernels.js';
import { RandomState } from './rng.js';
import { CRC32_TABLE as CRC_TABLE } from '../crc32.js';

export { crc32 } from '../crc32.js';

/** CRC-32 of the ids as int32 little-endian bytes (4 per id), without allocating. */
export function crc32OfIds(ids: ArrayLike<number>): number {
  let c = 0xffffffff;
  for (let i = 0; i < ids.length; i++) {
    const v = ids[i]! | 0;
    for (let b = 0; b < 32; b += 8) c = CRC_TABLE[(c ^ (v >>> b)) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The sampling seed of spec §1.7: crc32(ids) XOR seed, mod 2³² (seed may be any integer,
 * including negative or ≥ 2³², as Python's `(a ^ s) % 2**32`).
 * @example samplingSeed(helloWorldIds) === 889157711
 */
export function samplingSeed(ids: ArrayLike<number>, seed?: number): number {
  const base = crc32OfIds(ids);
  if (seed === undefined) return base;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`samplingSeed: seed (${seed}) must be a safe integer`);
  // Python ints: (base ^ seed) % 2**32 only depends on the low 32 bits of seed (two's complement).
  const low = Number(BigInt.asUintN(32, BigInt(seed)));
  return (base ^ low) >>> 0;
}

/** predicted[i] = argmax_j logits[i][j] for each of the S rows. logits: S×V. */
export function argmaxRows(predicted: Int32Array, logits: Float32Array, S: number, V: number): Int32Array {
  for (let i = 0; i < S; i++) predicted[i] = argmaxRow(logits, i, V);
  return predicted;
}

const ROW_SCRATCH = { rs: null as RandomState | null };

/**
 * predicted[i] = RandomState(rngSeed).choice(V, p = probs[i]) for i = 0 … S−1 in order (one
 * stream). probs: S×V. Reuses one generator (re-seeded), so nothing is allocated per call.
 */
export function sampleRows(predicted: Int32Array, probs: Float32Array, S: number, V: number, rngSeed: number): Int32Array {
  const rs = ROW_SCRATCH.rs === null ? (ROW_SCRATCH.rs = new RandomState(rngSeed)) : ROW_SCRATCH.rs.reseed(rngSeed);
  for (let i = 0; i < S; i++) predicted[i] = rs.choiceIn(probs, i * V, V);
  return predicted;
}
