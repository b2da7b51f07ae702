/** PNG encoding: CRC-32 check value, and a round trip through the test decoder (RGB and RGBA). */
import test from 'ava';
import { crc32, encodePng } from '../../src/core/png.js';
import { flipRows } from '../../src/core/readback.js';
import { decodePng } from '../helpers/images.js';

test('crc32 matches the standard check value', (t) => {
  t.is(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('encodePng round-trips RGBA and RGB pixels', (t) => {
  for (const channels of [3, 4] as const) {
    const w = 7, h = 5;
    const px = new Uint8Array(w * h * channels);
    for (let i = 0; i < px.length; i++) px[i] = (i * 37 + 11) & 0xff;
    const img = decodePng(encodePng(px, w, h, channels));
    t.is(img.width, w);
    t.is(img.height, h);
    t.is(img.channels, channels);
    t.deepEqual([...img.data], [...px]);
  }
  t.throws(() => encodePng(new Uint8Array(3), 2, 2, 4));
});

test('flipRows turns bottom-up rows into top-down rows', (t) => {
  const src = Buffer.from([1, 1, 2, 2, 3, 3]);
  const dst = Buffer.alloc(6);
  flipRows(dst, src, 2, 3);
  t.deepEqual([...dst], [3, 3, 2, 2, 1, 1]);
});
