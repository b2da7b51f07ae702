/**
 * Worker-thread entry of data-parallel training (spec §2.2, issue 4): each worker owns one
 * float32 TrainGraph, and reads the parameters, the data and the current batch from
 * SharedArrayBuffers set up by train.ts.
 *
 * An optimiser step's batch is cut into fixed chunks of `chunk` sequences, and the workers take
 * them in turn from a shared counter until none is left (issue 14): a worker that the machine
 * slows down (a window drawing beside training) takes fewer, instead of holding the other up.
 * Each chunk's gradient goes to its own buffer, and the chunks are summed over a fixed binary
 * tree (chunk 0 + 1, 2 + 3, then the pairs, …) by whichever worker finishes the second half of a
 * pair; the worker that completes the root tells train.ts. So the sum, and the trained weights,
 * are the same whichever worker computed what and however many there are.
 *
 * The claim counter holds the step's generation beside the next chunk, so a worker that reads a
 * step's request late (the step already done by the others) claims nothing, and one that claims a
 * chunk knows the parameters are that step's until the chunk is done (Adam waits for all chunks).
 * Validation stays a fixed split per worker (eval), answered by each worker.
 *
 * Not here: scheduling, clipping, Adam (train.ts). The message types are shared with train.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelConfig } from './config.js';
import { TrainGraph } from './backward.js';
import { CHUNK_BITS, CLAIM, GEN_MASK, MAX_CHUNKS, climbSumTree } from './step-chunks.js';

/** What train.ts passes as workerData. */
export interface WorkerInit {
  readonly config: ModelConfig;
  readonly microBatch: number;
  /** Float32 parameters (shared, read-only here). */
  readonly params: SharedArrayBuffer;
  /** Step control, Int32: [CLAIM] then one pair counter per tree node (index of its right half). */
  readonly control: SharedArrayBuffer;
  /** Float32 gradient per chunk, `chunkCapacity` × the parameter count (the tree's sums land in chunk 0's). */
  readonly chunks: SharedArrayBuffer;
  /** Float64 loss sum per chunk. */
  readonly chunkLoss: SharedArrayBuffer;
  /** Int32 training chunks (S + 1 ids each). */
  readonly train: SharedArrayBuffer;
  /** Int32 validation chunks. */
  readonly val: SharedArrayBuffer;
  /** Int32 start offsets (into `train`) of the current batch's chunks. */
  readonly batch: SharedArrayBuffer;
}

export type WorkerRequest =
  /** Step `gen`: examples 0 … count − 1 of the batch, in chunks of `chunk`, each gradient × scale. */
  | { readonly kind: 'grad'; readonly gen: number; readonly count: number; readonly chunk: number; readonly scale: number }
  | { readonly kind: 'eval'; readonly groupFrom: number; readonly groupTo: number; readonly groupSize: number };

export type WorkerReply =
  /** From the worker that completed step `gen`'s sum (chunk 0's buffer holds it). */
  | { readonly kind: 'stepped'; readonly gen: number }
  | { readonly kind: 'eval'; readonly groupLosses: number[]; readonly hits: number };

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('train-worker: must run as a worker thread');
  const init = workerData as WorkerInit;
  const S = init.config.seqLen;
  const graph = new TrainGraph(init.config, init.microBatch, Float32Array);
  const n = graph.paramCount;
  const params = new Float32Array(init.params);
  const control = new Int32Array(init.control);
  const chunkCount = init.chunks.byteLength / (4 * n);
  const chunks = Array.from({ length: chunkCount }, (_, k) => new Float32Array(init.chunks, 4 * n * k, n));
  const chunkLoss = new Float64Array(init.chunkLoss);
  const train = new Int32Array(init.train);
  const val = new Int32Array(init.val);
  const batch = new Int32Array(init.batch);
  const valCount = val.length / (S + 1);
  const valStarts = Int32Array.from({ length: valCount }, (_, e) => e * (S + 1));
  const hits = new Float64Array(1);

  const step = (req: Extract<WorkerRequest, { kind: 'grad' }>): void => {
    const K = Math.ceil(req.count / req.chunk);
    let loaded = false;
    for (;;) {
      const word = Atomics.load(control, CLAIM);
      const next = word & MAX_CHUNKS;
      if (word >>> CHUNK_BITS !== (req.gen & GEN_MASK) || next >= K) return;
      if (Atomics.compareExchange(control, CLAIM, word, word + 1) !== word) continue;
      // A chunk of this step is ours: until it is done, Adam cannot have moved the parameters.
      if (!loaded) {
        graph.load(params);
        loaded = true;
      }
      const from = next * req.chunk;
      chunkLoss[next] = graph.chunkLossAndGrad(chunks[next]!, train, batch, from, Math.min(req.count, from + req.chunk), null, req.scale);
      if (climbSumTree(control, chunks, next, K)) port.postMessage({ kind: 'stepped', gen: req.gen } satisfies WorkerReply);
    }
  };

  port.on('message', (req: WorkerRequest) => {
    switch (req.kind) {
      case 'grad':
        step(req);
        break;
      case 'eval': {
        const groupLosses: number[] = [];
        hits[0] = 0;
        for (let g = req.groupFrom; g < req.groupTo; g++) {
          const from = g * req.groupSize;
          const to = Math.min(valCount, from + req.groupSize);
          groupLosses.push(graph.evaluate(params, val, valStarts, from, to, null, hits) / (to - from));
        }
        port.postMessage({ kind: 'eval', groupLosses, hits: hits[0]! } satisfies WorkerReply);
        break;
      }
    }
  });
}

main();
