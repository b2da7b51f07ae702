/**
 * Worker-thread entry that runs the whole training loop (train.ts's Trainer, with its own
 * gradient workers) off the main thread, for `gptviz train --watch/--video` (issue 14). The
 * Trainer's optimiser step (gradient reduction, clipping, Adam) normally runs on the main thread
 * between worker replies; a window drawn there would hold every step up for as long as a frame
 * takes, so with a window the coordinator lives here and the main thread only draws.
 *
 * It runs exactly the same code on exactly the same inputs as the main-thread path (same
 * shuffle seed, same thread count, same order of reduction), so the weights are bit-identical;
 * what it adds is read-only: throttled progress, parameter copies at fixed step counts and at
 * each epoch's end, the best weights. The stop flag is a shared Int32 polled after each step,
 * as `shouldStop` is on the main thread.
 *
 * Not here: the main-thread side and the message types' users (threaded-trainer.ts); drawing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelConfig } from './config.js';
import type { Corpus } from './data.js';
import { RandomState } from './rng.js';
import type { EpochStats, TrainOptions } from './train.js';
import { Trainer } from './train.js';
import { allocateWeights } from './weights.js';

/** What threaded-trainer.ts passes as workerData. */
export interface ThreadInit {
  readonly config: ModelConfig;
  readonly initial: Float32Array;
  readonly corpus: Corpus;
  readonly options: Omit<TrainOptions, 'shuffle'>;
  /** Seed of the per-epoch shuffle: RandomState(seed).permutation, as cli/train-command.ts. */
  readonly seed: number;
  /** Int32[1]: set to 1 by the main thread to stop after the current step. */
  readonly control: SharedArrayBuffer;
  /** A progress message every this many optimiser steps (and at each epoch's last step). */
  readonly progressEvery: number;
  /** A parameter copy every this many optimiser steps (0 = none). */
  readonly snapshotEvery: number;
}

export type ThreadRequest =
  | { readonly kind: 'evaluate' }
  | { readonly kind: 'run'; readonly initialBest: number }
  | { readonly kind: 'close' };

/** Progress over the last few steps (global step count from 1). */
export interface ThreadProgress {
  readonly step: number;
  readonly epoch: number;
  readonly batch: number;
  readonly batches: number;
  /** Mean batch loss over the steps since the previous progress message. */
  readonly loss: number;
  readonly tokensPerSec: number;
  readonly elapsed: number;
}

export type ThreadReply =
  | { readonly kind: 'ready'; readonly params: SharedArrayBuffer }
  | { readonly kind: 'evaluated'; readonly valLoss: number; readonly valAcc: number }
  | ({ readonly kind: 'progress' } & ThreadProgress)
  | { readonly kind: 'snapshot'; readonly step: number; readonly params: Float32Array }
  | { readonly kind: 'epoch'; readonly stats: EpochStats; readonly step: number; readonly params: Float32Array }
  | { readonly kind: 'best'; readonly stats: EpochStats; readonly params: Float32Array }
  | { readonly kind: 'done'; readonly bestValLoss: number; readonly interrupted: boolean; readonly history: EpochStats[] }
  | { readonly kind: 'failed'; readonly message: string; readonly stack: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('train-thread: must run as a worker thread');
  const init = workerData as ThreadInit;
  const stop = new Int32Array(init.control);
  const rng = new RandomState(init.seed);
  const trainer = new Trainer(allocateWeights(init.config, init.initial), init.corpus, {
    ...init.options, shuffle: (n) => rng.permutation(n),
  });
  const post = (r: ThreadReply, transfer: ArrayBuffer[] = []): void => port.postMessage(r, transfer);
  const copy = (): Float32Array => Float32Array.from(trainer.params.flat);
  post({ kind: 'ready', params: trainer.params.flat.buffer as SharedArrayBuffer });

  const run = async (initialBest: number): Promise<void> => {
    let step = 0;
    let lossSum = 0;
    let lossCount = 0;
    const result = await trainer.run({
      onBatch: (p) => {
        step++;
        lossSum += p.loss;
        lossCount++;
        if (step % init.progressEvery === 0 || p.batch === p.batches) {
          post({
            kind: 'progress', step, epoch: p.epoch, batch: p.batch, batches: p.batches, loss: lossSum / lossCount,
            tokensPerSec: p.tokensPerSec, elapsed: p.elapsed,
          });
          lossSum = 0;
          lossCount = 0;
        }
        if (init.snapshotEvery > 0 && step % init.snapshotEvery === 0) {
          const params = copy();
          post({ kind: 'snapshot', step, params }, [params.buffer as ArrayBuffer]);
        }
      },
      onBest: (best, stats) => {
        const params = Float32Array.from(best.flat);
        post({ kind: 'best', stats, params }, [params.buffer as ArrayBuffer]);
      },
      onEpoch: (stats) => {
        const params = copy();
        post({ kind: 'epoch', stats, step, params }, [params.buffer as ArrayBuffer]);
      },
      shouldStop: () => Atomics.load(stop, 0) !== 0,
    }, initialBest);
    post({ kind: 'done', bestValLoss: result.bestValLoss, interrupted: result.interrupted, history: result.history });
  };

  const fail = (e: unknown): void => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ kind: 'failed', message: err.message, stack: err.stack ?? err.message });
  };
  port.on('message', (req: ThreadRequest) => {
    switch (req.kind) {
      case 'evaluate':
        trainer.evaluate().then((r) => post({ kind: 'evaluated', ...r }), fail);
        break;
      case 'run':
        run(req.initialBest).catch(fail);
        break;
      case 'close':
        void trainer.close().finally(() => port.close());
        break;
    }
  });
}

void main();
