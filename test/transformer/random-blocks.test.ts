/**
 * The random-weights mode's blocks kept in the user's cache (issue 15, first frame first:
 * transformer/random-blocks.ts): drawn and stored once, read back the same bit for bit without
 * being drawn again, a damaged or short file drawn again and replaced, no folder: always drawn.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import { initBlockWeights } from '../../src/transformer/init.js';
import { initRandomBlocks } from '../../src/transformer/random-blocks.js';
import { allocateWeights } from '../../src/transformer/weights.js';

/** The blocks as initBlockWeights draws them, for the whole flat buffer. */
function drawn(): Float32Array {
  const w = allocateWeights(DEFAULT_CONFIG);
  for (let b = 0; b < DEFAULT_CONFIG.numBlocks; b++) initBlockWeights(w.blocks[b]!, DEFAULT_CONFIG, b);
  return w.flat;
}

function cached(dir: string | null): Float32Array {
  const w = allocateWeights(DEFAULT_CONFIG);
  initRandomBlocks(w, dir);
  return w.flat;
}

const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));

test('stored once, then read back bit for bit without being written again', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-random-'));
  try {
    const want = drawn();
    t.true(want.some((v) => v !== 0));
    t.true(same(cached(dir), want), 'drawn');
    const files = readdirSync(dir);
    t.is(files.length, 1);
    t.regex(files[0]!, /^random-[0-9a-f]{32}\.bin$/);
    const file = path.join(dir, files[0]!);
    const old = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000); // whole seconds: mtimeMs is exact
    utimesSync(file, old, old);
    t.true(same(cached(dir), want), 'read');
    t.is(statSync(file).mtimeMs, old.getTime(), 'the file was read, not written again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged or short file is drawn again and replaced; without a folder the blocks are drawn', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-random-'));
  try {
    const want = drawn();
    cached(dir);
    const file = path.join(dir, readdirSync(dir)[0]!);
    const good = readFileSync(file);
    const bad = Buffer.from(good);
    bad[100] = bad[100]! ^ 0x40;
    writeFileSync(file, bad);
    t.true(same(cached(dir), want), 'a flipped bit fails the checksum');
    t.true(readFileSync(file).equals(good), 'rewritten');
    writeFileSync(file, good.subarray(0, 1000));
    t.true(same(cached(dir), want), 'short');
    t.true(readFileSync(file).equals(good));
    t.true(same(cached(null), want), 'no folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
