/**
 * The random-weights mode's blocks (spec §1.9: initBlockWeights, seeds 42 + i), kept in the
 * user's cache folder (user-cache.ts: random-<key>.bin) and read from there the next time
 * (issue 15, first frame first). Drawing their 20,480 normals bit for bit as NumPy does (a
 * correctly rounded log for each pair) costs the window's start ≈ 40 ms on Node 20, where it runs
 * before V8 optimises anything (app/startup-jit.ts); reading them takes well under a millisecond.
 *
 * The key is a hash of the code that draws them (init.ts and rng.ts as built) and the model's
 * shape; the file holds the blocks' floats (little-endian) and their CRC-32, and one that does not
 * match is drawn again and replaced. The blocks are the same either way (tested).
 *
 * What it is not: the other initialisation (init.ts: embedding, training's start).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from '../crc32.js';
import { storeCacheFile, userCacheDir } from '../user-cache.js';
import { initBlockWeights } from './init.js';
import type { Weights } from './weights.js';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const CRC_BYTES = 4;

/** The cache file for `weights`' shape, or undefined when its code cannot be read. */
function cacheFile(dir: string, weights: Weights): string | undefined {
  try {
    const h = createHash('sha256');
    for (const m of ['./init.js', './rng.js']) h.update(readFileSync(fileURLToPath(new URL(m, import.meta.url))));
    h.update(JSON.stringify(weights.config));
    return path.join(dir, `random-${h.digest('hex').slice(0, 32)}.bin`);
  } catch {
    return undefined;
  }
}

/**
 * Fill every block of `weights` as initBlockWeights does (block i from seed 42 + i), from the
 * cache in `dir` when it holds them; else drawn, and stored there. `dir` null: always drawn.
 */
export function initRandomBlocks(weights: Weights, dir: string | null = userCacheDir() ?? null): void {
  // The blocks follow the embedding and the positional encoding in the flat buffer (weights.ts).
  const first = weights.groups.find((g) => g.matrix === weights.blocks[0]?.W_Q);
  if (first === undefined) return;
  const blocks = weights.flat.subarray(first.offset);
  const file = dir !== null && LITTLE_ENDIAN ? cacheFile(dir, weights) : undefined;
  const bytes = new Uint8Array(blocks.buffer, blocks.byteOffset, blocks.byteLength);
  if (file !== undefined) {
    try {
      const got = readFileSync(file);
      if (got.length === bytes.length + CRC_BYTES && got.readUInt32LE(bytes.length) === crc32(got, 0, bytes.length)) {
        bytes.set(got.subarray(0, bytes.length));
        return;
      }
    } catch {
      // not there yet
    }
  }
  for (let b = 0; b < weights.config.numBlocks; b++) initBlockWeights(weights.blocks[b]!, weights.config, b);
  if (file === undefined) return;
  const out = Buffer.alloc(bytes.length + CRC_BYTES);
  out.set(bytes);
  out.writeUInt32LE(crc32(bytes), bytes.length);
  storeCacheFile(path.dirname(file), path.basename(file), out);
}
