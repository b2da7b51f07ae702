/** CRC-32 and the sampling seed of spec §1.7; greedy and sampled rows. */
import test from 'ava';
import { RandomState } from '../../src/transformer/rng.js';
import { argmaxRows, crc32, crc32OfIds, sampleRows, samplingSeed } from '../../src/transformer/sample.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';

test('crc32 is zlib CRC-32 (check value of "123456789")', (t) => {
  t.is(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  t.is(crc32(new Uint8Array(0)), 0);
});

test('crc32OfIds hashes the int32 little-endian bytes; fixture seed 889157711', (t) => {
  const fx = loadFixture(HELLO);
  const ids = Int32Array.from(fx.token_ids.data);
  t.is(crc32OfIds(ids), fx.sampling.crc32_of_token_ids_int32_le);
  t.is(crc32OfIds(ids), crc32(new Uint8Array(ids.buffer)));
  t.is(samplingSeed(ids), 889157711);
  for (const c of fx.sampling.cases) t.is(samplingSeed(ids, c.seed ?? undefined), c.rng_seed_used);
});

test('samplingSeed XOR follows Python ints mod 2**32 (negative and large seeds)', (t) => {
  const ids = [1, 2, 3];
  const base = crc32OfIds(ids);
  t.is(samplingSeed(ids, 0), base);
  t.is(samplingSeed(ids, -1), (~base) >>> 0);
  t.is(samplingSeed(ids, 2 ** 32 + 5), (base ^ 5) >>> 0);
});

test('argmaxRows and sampleRows', (t) => {
  const probs = Float32Array.from([0.1, 0.9, 0.0, 0.7, 0.2, 0.1]);
  t.deepEqual(Array.from(argmaxRows(new Int32Array(2), probs, 2, 3)), [1, 0]);
  const got = sampleRows(new Int32Array(2), probs, 2, 3, 1234);
  const rs = new RandomState(1234);
  const first = rs.choice([0.1, 0.9, 0]);
  const second = rs.choice([0.7, 0.2, 0.1]);
  t.deepEqual(Array.from(got), [first, second]);
  t.not(got[0], 2); // zero probability is never drawn
});
