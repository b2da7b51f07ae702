/**
 * The chunked step's sum tree (transformer/step-chunks.ts): whatever order the chunks finish in,
 * one completion reports the root and chunk 0's buffer holds the fixed tree's sum, bit for bit.
 */
import test from 'ava';
import { CHUNK_BITS, GEN_MASK, MAX_CHUNKS, claimWord, climbSumTree } from '../../src/transformer/step-chunks.js';
import { RandomState } from '../../src/transformer/rng.js';

const N = 64;

/** Values over many magnitudes, so that sums in another order round differently. */
function chunkData(rng: RandomState, K: number): Float32Array[] {
  return Array.from({ length: K }, () => Float32Array.from({ length: N }, () => (rng.randomSample() - 0.5) * 10 ** rng.randint(-4, 5)));
}

/** The tree's sum of chunks [lo, lo + size) (size a power of two), written independently of climbSumTree. */
function treeSum(c: Float32Array[], lo: number, size: number): Float32Array {
  if (size === 1) return Float32Array.from(c[lo]!);
  const half = size / 2;
  const left = treeSum(c, lo, half);
  if (lo + half >= c.length) return left;
  const right = treeSum(c, lo + half, half);
  return left.map((x, i) => Math.fround(x + right[i]!));
}

function simulate(data: Float32Array[], order: number[]): { sum: Float32Array; roots: number[] } {
  const K = data.length;
  const chunks = data.map((d) => Float32Array.from(d));
  const control = new Int32Array(1 + K);
  const roots: number[] = [];
  for (const k of order) if (climbSumTree(control, chunks, k, K)) roots.push(k);
  return { sum: chunks[0]!, roots };
}

test('any completion order gives the tree sum, and only the last completion reports it', (t) => {
  const rng = new RandomState(3);
  let orderMatters = false;
  for (let K = 1; K <= 11; K++) {
    const data = chunkData(rng, K);
    let size = 1;
    while (size < K) size *= 2;
    const want = treeSum(data, 0, size);
    for (let trial = 0; trial < 12; trial++) {
      const order = Array.from(rng.permutation(K));
      const { sum, roots } = simulate(data, order);
      t.deepEqual(roots, [order[K - 1]!], `K ${K}, order ${order.join(' ')}`);
      t.deepEqual(Array.from(sum), Array.from(want), `K ${K}, order ${order.join(' ')}`);
    }
    // The data can tell orders apart: a running sum differs from the tree somewhere.
    const running = Float32Array.from(data[0]!);
    for (let k = 1; k < K; k++) for (let i = 0; i < N; i++) running[i] = Math.fround(running[i]! + data[k]![i]!);
    if (running.some((x, i) => x !== want[i])) orderMatters = true;
  }
  t.true(orderMatters, 'some running sum differs from the tree sum (the data would catch a changed order)');
});

test('the claim word keeps the generation beside the count and wraps', (t) => {
  t.is(claimWord(5, 3), (5 << CHUNK_BITS) | 3);
  t.is(claimWord(GEN_MASK + 1, 0), 0);
  t.true(claimWord(GEN_MASK, MAX_CHUNKS) > 0, 'stays a positive int32');
  t.is(claimWord(GEN_MASK, MAX_CHUNKS) >>> CHUNK_BITS, GEN_MASK);
});
