/**
 * The shared bookkeeping of one optimiser step cut into chunks (train.ts, train-worker.ts):
 * the claim word the workers take chunks from, and the fixed binary tree their gradients are
 * summed over.
 *
 * `control` (Int32, shared) holds the claim word at CLAIM, then one pair counter per tree node at
 * 1 + the index of the node's right half. The claim word is the step's generation beside the next
 * chunk, so one compare-exchange both claims a chunk and proves the step is still the current one.
 *
 * The tree: chunk 0 + chunk 1, 2 + 3, …, then (0 + 1) + (2 + 3), …; a half with no partner is
 * carried up unchanged. Each pair is added by whichever worker finishes its second half (the
 * first stops there), into the left half's buffer, so the root lands in chunk 0's. Float addition
 * is commutative, so the sum is the same whoever adds what: the weights do not depend on how many
 * workers there are or how the machine schedules them.
 *
 * Not here: claiming and computing chunks, threads and messages (train-worker.ts), publishing a
 * step, clipping and Adam (train.ts).
 */

/** Index of the claim word in `control`. */
export const CLAIM = 0;
/** Bits of the claim word that count claimed chunks. */
export const CHUNK_BITS = 10;
/** Most chunks a step can have. */
export const MAX_CHUNKS = (1 << CHUNK_BITS) - 1;
/** Generations wrap at this mask (a request that many steps late would be mistaken: never). */
export const GEN_MASK = (1 << (31 - CHUNK_BITS)) - 1;

/** The claim word of step generation `gen` with `next` chunks claimed. */
export function claimWord(gen: number, next: number): number {
  return ((gen & GEN_MASK) << CHUNK_BITS) | next;
}

/** a[i] += b[i] over a.length. */
function addInto(a: Float32Array, b: Float32Array): void {
  const n = a.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a[i]! += b[i]!; a[i + 1]! += b[i + 1]!; a[i + 2]! += b[i + 2]!; a[i + 3]! += b[i + 3]!;
  }
  for (; i < n; i++) a[i]! += b[i]!;
}

/**
 * Chunk k of K has its gradient in `chunks[k]`: add it up the tree as far as this worker is the
 * second of each pair. True when it completed the root (chunks[0] holds the whole sum).
 * The pair counters of the step must start at 0.
 */
export function climbSumTree(control: Int32Array, chunks: readonly Float32Array[], k: number, K: number): boolean {
  let at = k;
  for (let span = 1; span < K; span *= 2) {
    const left = at & ~(2 * span - 1);
    const right = left + span;
    if (right < K) {
      if (Atomics.add(control, 1 + right, 1) === 0) return false;
      addInto(chunks[left]!, chunks[right]!);
    }
    at = left;
  }
  return true;
}
