/**
 * Worker-thread entry of data-parallel training (spec §2.2, issue 4): each worker owns one
 * float32 TrainGraph and one gradient buffer, and reads the parameters, the data and the current
 * batch from SharedArrayBuffers set up by train.ts. Per request it computes the loss sum and the
 * scaled gradient sum of its slice of the batch (or evaluates a range of validation groups) and
 * answers with numbers only; the main thread reduces gradients in worker order, so results are
 * deterministic for a given thread count.
 *
 * Not here: scheduling, Adam, reduction (train.ts). The message types are shared with train.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelConfig } from './config.js';
import { TrainGraph } from './backward.js';

/** What train.ts passes as workerData. */
export interface WorkerInit {
  readonly config: ModelConfig;
  readonly microBatch: number;
  /** Float32 parameters (shared, read-only here). */
  readonly params: SharedArrayBuffer;
  /** Float32 gradients of this worker (shared, written here). */
  readonly grads: SharedArrayBuffer;
  /** Int32 training chunks (S + 1 ids each). */
  readonly train: SharedArrayBuffer;
  /** Int32 validation chunks. */
  readonly val: SharedArrayBuffer;
  /** Int32 start offsets (into `train`) of the current batch's chunks. */
  readonly batch: SharedArrayBuffer;
}

export type WorkerRequest =
  | { readonly kind: 'grad'; readonly from: number; readonly to: number; readonly scale: number }
  | { readonly kind: 'eval'; readonly groupFrom: number; readonly groupTo: number; readonly groupSize: number };

export type WorkerReply =
  | { readonly kind: 'grad'; readonly loss: number }
  | { readonly kind: 'eval'; readonly groupLosses: number[]; readonly hits: number };

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('train-worker: must run as a worker thread');
  const init = workerData as WorkerInit;
  const S = init.config.seqLen;
  const graph = new TrainGraph(init.config, init.microBatch, Float32Array);
  const params = new Float32Array(init.params);
  const grads = new Float32Array(init.grads);
  const train = new Int32Array(init.train);
  const val = new Int32Array(init.val);
  const batch = new Int32Array(init.batch);
  const valCount = val.length / (S + 1);
  const valStarts = Int32Array.from({ length: valCount }, (_, e) => e * (S + 1));
  const hits = new Float64Array(1);

  port.on('message', (req: WorkerRequest) => {
    switch (req.kind) {
      case 'grad': {
        grads.fill(0);
        const loss = graph.lossAndGrad(params, grads, train, batch, req.from, req.to, null, req.scale);
        port.postMessage({ kind: 'grad', loss } satisfies WorkerReply);
        break;
      }
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
