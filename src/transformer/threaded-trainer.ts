/**
 * The main-thread side of train-thread.ts: a Trainer whose whole loop (optimiser steps
 * included) runs in a worker thread, so the main thread stays free to draw (issue 14). Same
 * surface as train.ts's Trainer where the train command uses it — `params`, `evaluate()`,
 * `run(hooks, initialBest)`, `close()` — and the same weights bit for bit: the worker runs the
 * same Trainer with the same shuffle seed and thread count.
 *
 * Hooks run on the main thread in the order the worker reports (each awaited before the next, as
 * Trainer.run awaits them), but training does not wait for them: the worker only reads a stop
 * flag, set here whenever `shouldStop()` says so (polled on every message and every 10 ms).
 * The `feed` receives what a view of the training needs and the train command does not.
 *
 * Not here: drawing (app/train-watch.ts), printing and files (cli/train-command.ts).
 */
import { Worker } from 'node:worker_threads';
import type { Corpus } from './data.js';
import type { EpochStats, TrainHooks, TrainOptions, TrainResult } from './train.js';
import type { ThreadInit, ThreadProgress, ThreadReply, ThreadRequest } from './train-thread.js';
import type { Weights } from './weights.js';
import { allocateWeights } from './weights.js';

export type { ThreadProgress } from './train-thread.js';

/** What a live view of the training is told (all on the main thread, in training order). */
export interface TrainFeed {
  /** Every `progressEvery` steps: the mean batch loss since the last call, step counters, throughput. */
  onProgress?(p: ThreadProgress): void;
  /** Every `snapshotEvery` steps: a copy of the parameters after that step (owned by the callee). */
  onSnapshot?(step: number, params: Float32Array): void;
  /** After each epoch's evaluation: its statistics, the global step and a copy of the parameters. */
  onEpochEnd?(stats: EpochStats, step: number, params: Float32Array): void;
}

export interface ThreadedTrainOptions extends Omit<TrainOptions, 'shuffle'> {
  /** Seed of the per-epoch shuffle (RandomState(seed).permutation, as the train command). */
  readonly seed: number;
  readonly progressEvery?: number;
  readonly snapshotEvery?: number;
}

const POLL_MS = 10;
/** How long close() lets the thread stop its gradient workers before terminating it. */
const CLOSE_WAIT_MS = 2000;

export class ThreadedTrainer {
  private readonly stop: Int32Array;
  private handler: ((r: ThreadReply) => void) | null = null;
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    /** The live parameters (shared with the training thread; read-only here). */
    readonly params: Weights,
    control: Int32Array,
    private readonly feed: TrainFeed,
  ) {
    this.stop = control;
    worker.on('message', (r: ThreadReply) => this.handler?.(r));
    worker.on('error', (e) => this.fail(e));
  }

  /** Start the training thread and wait until its gradient workers are set up. */
  static async start(initial: Weights, corpus: Corpus, opts: ThreadedTrainOptions, feed: TrainFeed = {}): Promise<ThreadedTrainer> {
    const { seed, progressEvery, snapshotEvery, ...options } = opts;
    const control = new Int32Array(new SharedArrayBuffer(4));
    const init: ThreadInit = {
      config: initial.config, initial: Float32Array.from(initial.flat), corpus, options, seed,
      control: control.buffer as SharedArrayBuffer, progressEvery: Math.max(1, progressEvery ?? 16),
      snapshotEvery: Math.max(0, snapshotEvery ?? 0),
    };
    const worker = new Worker(new URL('./train-thread.js', import.meta.url), { workerData: init });
    const params = await new Promise<SharedArrayBuffer>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (r: ThreadReply) => {
        worker.off('error', reject);
        if (r.kind === 'ready') resolve(r.params);
        else reject(new Error(r.kind === 'failed' ? r.stack : `train-thread: unexpected ${r.kind}`));
      });
    });
    return new ThreadedTrainer(worker, allocateWeights(initial.config, new Float32Array(params)), control, feed);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.handler?.({ kind: 'failed', message: e.message, stack: e.stack ?? e.message });
  }

  private send(req: ThreadRequest): void {
    this.worker.postMessage(req);
  }

  /** Validation loss and accuracy of the current parameters (as Trainer.evaluate). */
  evaluate(): Promise<{ valLoss: number; valAcc: number }> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.handler = (r) => {
        if (r.kind === 'evaluated') resolve({ valLoss: r.valLoss, valAcc: r.valAcc });
        else if (r.kind === 'failed') reject(new Error(r.stack));
      };
      this.send({ kind: 'evaluate' });
    });
  }

  /** The full run, as Trainer.run: hooks in order, the result once the last hook has finished. */
  run(hooks: TrainHooks = {}, initialBest = Infinity): Promise<TrainResult> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const feed = this.feed;
    let best: Weights | null = null;
    let chain: Promise<unknown> = Promise.resolve();
    const poll = (): void => {
      if (hooks.shouldStop?.() === true) Atomics.store(this.stop, 0, 1);
    };
    const timer = setInterval(poll, POLL_MS);
    return new Promise<TrainResult>((resolve, reject) => {
      let settled = false;
      const finish = (f: () => void): void => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        this.handler = null;
        f();
      };
      // A failing hook (e.g. saving the weights) stops training and fails the run.
      const then = (f: () => unknown): void => {
        chain = chain.then(f);
        chain.catch((e: unknown) => {
          Atomics.store(this.stop, 0, 1);
          finish(() => reject(e));
        });
      };
      this.handler = (r) => {
        poll();
        switch (r.kind) {
          case 'progress':
            feed.onProgress?.(r);
            then(() => hooks.onBatch?.({
              epoch: r.epoch, batch: r.batch, batches: r.batches, tokensPerSec: r.tokensPerSec, elapsed: r.elapsed, loss: r.loss,
            }));
            break;
          case 'snapshot':
            feed.onSnapshot?.(r.step, r.params);
            break;
          case 'best': {
            const w = allocateWeights(this.params.config, r.params);
            best = w;
            then(() => hooks.onBest?.(w, r.stats));
            break;
          }
          case 'epoch':
            then(() => {
              feed.onEpochEnd?.(r.stats, r.step, r.params);
              return hooks.onEpoch?.(r.stats);
            });
            break;
          case 'done': {
            const result: TrainResult = { history: r.history, best, bestValLoss: r.bestValLoss, interrupted: r.interrupted };
            then(() => finish(() => resolve(result)));
            break;
          }
          case 'failed':
            finish(() => reject(new Error(r.stack)));
            break;
          case 'ready':
          case 'evaluated':
            break;
        }
      };
      this.send({ kind: 'run', initialBest });
    });
  }

  /** Stop the training thread and its workers (always call, e.g. in finally). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.stop, 0, 1);
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.send({ kind: 'close' });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref());
    await Promise.race([exited, timeout]);
    await this.worker.terminate();
  }
}
