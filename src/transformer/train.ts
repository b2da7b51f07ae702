/**
 * The training loop of spec §2.3–2.4, data-parallel over worker threads: parameters, per-chunk
 * gradients and the data live in SharedArrayBuffers; each optimiser step cuts the batch into
 * chunks of `microBatch` sequences, which the workers take in turn and sum over a fixed tree
 * (train-worker.ts: the same weights for a given seed whatever the thread count and however the
 * machine schedules the workers), clips to the global norm and takes one Adam step. Each epoch:
 * learning rate from schedule.ts, a fresh permutation from the injected shuffler, then validation
 * loss (mean of per-group means, groups of batch size) and greedy accuracy over every validation
 * position.
 *
 * Not here: files, flags, printing (cli/train-command.ts passes hooks); the gradient check
 * (gradcheck.ts). Parameters, gradients and moments are Weights over one flat buffer each.
 */
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from './config.js';
import type { Corpus } from './data.js';
import type { Weights } from './weights.js';
import { allocateWeights } from './weights.js';
import type { AdamState } from './adam.js';
import { adamStep, clipGradients, createAdamState } from './adam.js';
import { learningRate } from './schedule.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './train-worker.js';
import { CLAIM, MAX_CHUNKS, claimWord } from './step-chunks.js';

export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Peak learning rate. */
  readonly lr: number;
  readonly lrMin: number;
  readonly maxNorm: number;
  /** Worker threads (≥ 1). */
  readonly threads: number;
  /**
   * Sequences per GEMM inside a worker, and per chunk of a step's batch (cache/throughput and
   * load-balance trade-off; results barely differ).
   */
  readonly microBatch?: number;
  /** A permutation of 0 … n−1, called once per epoch (spec: one generator seeded 0 per run). */
  readonly shuffle: (n: number) => Int32Array;
}

export interface EpochStats {
  readonly epoch: number;
  readonly epochs: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  /** Percent of validation positions whose argmax prediction is the target. */
  readonly valAcc: number;
  readonly lr: number;
  /** Mean pre-clipping global gradient norm over the epoch's steps. */
  readonly gradNorm: number;
  readonly seconds: number;
  readonly tokensPerSec: number;
  /** Whether this epoch's validation loss is the best so far (weights were checkpointed). */
  readonly best: boolean;
}

export interface BatchProgress {
  readonly epoch: number;
  readonly batch: number;
  readonly batches: number;
  readonly tokensPerSec: number;
  /** Seconds since the epoch started. */
  readonly elapsed: number;
  /** This step's batch-mean training loss. */
  readonly loss: number;
}

export interface TrainHooks {
  onBatch?(p: BatchProgress): void;
  onEpoch?(s: EpochStats): void | Promise<void>;
  /** Called with a copy of the parameters whenever the validation loss improves. */
  onBest?(best: Weights, s: EpochStats): void | Promise<void>;
  /** Polled after every step; true stops training (Ctrl-C). */
  shouldStop?(): boolean;
}

export interface TrainResult {
  readonly history: EpochStats[];
  readonly best: Weights | null;
  readonly bestValLoss: number;
  readonly interrupted: boolean;
}

/** Float32 views over a new SharedArrayBuffer of n floats. */
function sharedF32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * 4));
}

function sharedI32(src: Int32Array): Int32Array {
  const a = new Int32Array(new SharedArrayBuffer(Math.max(1, src.length) * 4));
  a.set(src);
  return a;
}

/** Contiguous slice w of T over n items: [⌊w·n/T⌋, ⌊(w+1)·n/T⌋). */
function slice(w: number, T: number, n: number): [number, number] {
  return [Math.floor((w * n) / T), Math.floor(((w + 1) * n) / T)];
}

export class Trainer {
  readonly config: ModelConfig;
  /** The live parameters (shared with the workers). */
  readonly params: Weights;
  readonly grads: Weights;
  readonly adam: AdamState;
  private readonly workers: Worker[] = [];
  private readonly pending: ((r: WorkerReply) => void)[][] = [];
  private readonly batchStarts: Int32Array;
  /** Step control shared with the workers (train-worker.ts): the claim word, then the tree's pair counters. */
  private readonly control: Int32Array;
  /** Chunk 0's gradient buffer: the step's summed gradient once a worker reports it. */
  private readonly sum: Float32Array;
  private readonly chunkLoss: Float64Array;
  private readonly chunk: number;
  private gen = 0;
  /** The step in flight: settled by the worker that completes its sum, or by a worker's failure. */
  private stepWait: { gen: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private readonly valCount: number;

  constructor(
    initial: Weights,
    private readonly corpus: Corpus,
    private readonly opts: TrainOptions,
  ) {
    this.config = initial.config;
    if (corpus.seqLen !== this.config.seqLen) {
      throw new Error(`Trainer: corpus seq_len ${corpus.seqLen} ≠ model seq_len ${this.config.seqLen}`);
    }
    const n = initial.flat.length;
    this.params = allocateWeights(this.config, sharedF32(n));
    this.params.flat.set(initial.flat);
    this.grads = allocateWeights(this.config, new Float32Array(n));
    this.adam = createAdamState(n);
    this.valCount = corpus.val.count;
    this.batchStarts = new Int32Array(new SharedArrayBuffer(opts.batchSize * 4));
    const train = sharedI32(corpus.train.ids);
    const val = sharedI32(corpus.val.ids);
    const microBatch = opts.microBatch ?? 8;
    this.chunk = Math.max(microBatch, Math.ceil(opts.batchSize / MAX_CHUNKS));
    const chunks = Math.max(1, Math.ceil(opts.batchSize / this.chunk));
    this.control = new Int32Array(new SharedArrayBuffer(4 * (1 + chunks)));
    const chunkGrads = new SharedArrayBuffer(4 * n * chunks);
    this.sum = new Float32Array(chunkGrads, 0, n);
    this.chunkLoss = new Float64Array(new SharedArrayBuffer(8 * chunks));
    for (let w = 0; w < opts.threads; w++) {
      const init: WorkerInit = {
        config: this.config,
        microBatch,
        params: this.params.flat.buffer as SharedArrayBuffer,
        control: this.control.buffer as SharedArrayBuffer,
        chunks: chunkGrads,
        chunkLoss: this.chunkLoss.buffer as SharedArrayBuffer,
        train: train.buffer as SharedArrayBuffer,
        val: val.buffer as SharedArrayBuffer,
        batch: this.batchStarts.buffer as SharedArrayBuffer,
      };
      const worker = new Worker(new URL('./train-worker.js', import.meta.url), { workerData: init });
      const queue: ((r: WorkerReply) => void)[] = [];
      worker.on('message', (r: WorkerReply) => {
        if (r.kind !== 'stepped') queue.shift()?.(r);
        else if (this.stepWait?.gen === r.gen) this.stepWait.resolve();
      });
      worker.on('error', (e) => {
        this.failure = e;
        this.stepWait?.reject(e);
      });
      this.workers.push(worker);
      this.pending.push(queue);
    }
  }

  private request(w: number, req: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const worker = this.workers[w]!;
      const onError = (e: Error): void => reject(e);
      worker.once('error', onError);
      this.pending[w]!.push((r) => {
        worker.off('error', onError);
        resolve(r);
      });
      worker.postMessage(req);
    });
  }

  /**
   * One optimiser step on the training chunks `chunkIndices` (spec §2.2–2.3): mean loss and
   * gradients over the batch, global-norm clipping, Adam at learning rate `lr`.
   * Returns the batch-mean loss and the pre-clipping gradient norm.
   */
  async step(chunkIndices: ArrayLike<number>, lr: number): Promise<{ loss: number; gradNorm: number }> {
    if (this.failure !== null) throw this.failure;
    const count = chunkIndices.length;
    if (count === 0) throw new RangeError('Trainer.step: an empty batch');
    const S1 = this.config.seqLen + 1;
    for (let b = 0; b < count; b++) this.batchStarts[b] = chunkIndices[b]! * S1;
    const K = Math.ceil(count / this.chunk);
    const gen = ++this.gen;
    for (let j = 1; j < K; j++) Atomics.store(this.control, 1 + j, 0);
    const done = new Promise<void>((resolve, reject) => {
      this.stepWait = { gen, resolve, reject };
    });
    Atomics.store(this.control, CLAIM, claimWord(gen, 0));
    const req: WorkerRequest = { kind: 'grad', gen, count, chunk: this.chunk, scale: 1 / count };
    for (const worker of this.workers) worker.postMessage(req);
    try {
      await done;
    } finally {
      this.stepWait = null;
    }
    let loss = 0;
    for (let k = 0; k < K; k++) loss += this.chunkLoss[k]!;
    const g = this.grads.flat;
    g.set(this.sum);
    const gradNorm = clipGradients(g, this.opts.maxNorm);
    adamStep(this.params.flat, g, this.adam, lr);
    return { loss: loss / count, gradNorm };
  }

  /** Validation loss (mean of per-group means, groups of batch size) and accuracy in percent. */
  async evaluate(): Promise<{ valLoss: number; valAcc: number }> {
    if (this.failure !== null) throw this.failure;
    const bs = this.opts.batchSize;
    const groups = Math.ceil(this.valCount / bs);
    const T = this.workers.length;
    const jobs: Promise<WorkerReply>[] = [];
    for (let w = 0; w < T; w++) {
      const [groupFrom, groupTo] = slice(w, T, groups);
      if (groupTo > groupFrom) jobs.push(this.request(w, { kind: 'eval', groupFrom, groupTo, groupSize: bs }));
    }
    let sum = 0;
    let hits = 0;
    for (const r of await Promise.all(jobs)) {
      if (r.kind !== 'eval') continue;
      for (const l of r.groupLosses) sum += l;
      hits += r.hits;
    }
    const positions = this.valCount * this.config.seqLen;
    return { valLoss: groups > 0 ? sum / groups : NaN, valAcc: positions > 0 ? (100 * hits) / positions : NaN };
  }

  /**
   * The full run: epochs × (shuffle, steps), evaluation and best-checkpoint callbacks.
   * `initialBest`: a validation loss an epoch must beat to count as best (e.g. the starting
   * weights' own, when training continues from a file that must not be overwritten by worse).
   */
  async run(hooks: TrainHooks = {}, initialBest = Infinity): Promise<TrainResult> {
    const { epochs, batchSize, lr: lrPeak, lrMin } = this.opts;
    const S = this.config.seqLen;
    const nTrain = this.corpus.train.count;
    const batches = Math.ceil(nTrain / batchSize);
    const history: EpochStats[] = [];
    let best: Weights | null = null;
    let bestValLoss = initialBest;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const lr = learningRate(epoch, epochs, lrPeak, lrMin);
      const perm = this.opts.shuffle(nTrain);
      const t0 = performance.now();
      let lossSum = 0;
      let normSum = 0;
      let tokens = 0;
      for (let b = 0; b < batches; b++) {
        const idx = perm.subarray(b * batchSize, Math.min(nTrain, (b + 1) * batchSize));
        const r = await this.step(idx, lr);
        lossSum += r.loss;
        normSum += r.gradNorm;
        tokens += idx.length * S;
        const elapsed = (performance.now() - t0) / 1000;
        hooks.onBatch?.({ epoch, batch: b + 1, batches, tokensPerSec: tokens / elapsed, elapsed, loss: r.loss });
        if (hooks.shouldStop?.() === true) return { history, best, bestValLoss, interrupted: true };
      }
      const trainSeconds = (performance.now() - t0) / 1000;
      const { valLoss, valAcc } = await this.evaluate();
      const isBest = valLoss < bestValLoss;
      const stats: EpochStats = {
        epoch, epochs, trainLoss: lossSum / batches, valLoss, valAcc, lr, gradNorm: normSum / batches,
        seconds: (performance.now() - t0) / 1000, tokensPerSec: tokens / trainSeconds, best: isBest,
      };
      history.push(stats);
      if (isBest) {
        bestValLoss = valLoss;
        best = allocateWeights(this.config, Float32Array.from(this.params.flat));
        await hooks.onBest?.(best, stats);
      }
      await hooks.onEpoch?.(stats);
      if (hooks.shouldStop?.() === true) return { history, best, bestValLoss, interrupted: true };
    }
    return { history, best, bestValLoss, interrupted: false };
  }

  /** Stop the workers (always call, e.g. in finally). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
