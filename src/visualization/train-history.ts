/**
 * What the training view remembers of a run (issue 14): the training loss in small step
 * windows, each epoch's validation result, and the greedy sample written after each epoch. It
 * only grows, in training order, so a picture of any step k ≤ the newest is drawn from the
 * entries up to k — the window draws the newest step, the timelapse each frame's own step.
 *
 * Plain data with append methods; no drawing (train-view.ts), no training (transformer/).
 */

/** One epoch's end: where it happened (global optimiser step) and what it measured. */
export interface EpochPoint {
  readonly epoch: number;
  readonly step: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly valAcc: number;
  /** The greedy sample of the weights at this epoch's end ('' until written). */
  sample: string;
}

/** Run constants the view needs for its axes and status line. */
export interface RunShape {
  readonly epochs: number;
  /** Optimiser steps per epoch. */
  readonly batches: number;
  /** Learning-rate schedule: peak and floor (schedule.ts). */
  readonly lr: number;
  readonly lrMin: number;
  /** The sample's prompt. */
  readonly prompt: string;
}

export class TrainHistory {
  readonly totalSteps: number;
  /** Step (global, from 1) at the end of each progress window, and that window's mean loss / tokens per second. */
  private steps = new Int32Array(1024);
  private losses = new Float32Array(1024);
  private rates = new Float32Array(1024);
  private n = 0;
  readonly epochs: EpochPoint[] = [];

  constructor(readonly shape: RunShape) {
    this.totalSteps = shape.epochs * shape.batches;
  }

  /** Entries recorded so far. */
  get length(): number {
    return this.n;
  }

  /** The newest step anything was recorded for (0 before the first). */
  get newestStep(): number {
    return this.n > 0 ? this.steps[this.n - 1]! : 0;
  }

  addProgress(step: number, loss: number, tokensPerSec: number): void {
    if (this.n === this.steps.length) {
      const grow = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.steps = grow(this.steps, (k) => new Int32Array(k));
      this.losses = grow(this.losses, (k) => new Float32Array(k));
      this.rates = grow(this.rates, (k) => new Float32Array(k));
    }
    this.steps[this.n] = step;
    this.losses[this.n] = loss;
    this.rates[this.n] = tokensPerSec;
    this.n++;
  }

  addEpoch(p: EpochPoint): void {
    this.epochs.push(p);
  }

  stepAt(i: number): number {
    return this.steps[i]!;
  }

  lossAt(i: number): number {
    return this.losses[i]!;
  }

  /** Index of the last entry at or before `step`, or −1 (binary search). */
  lastIndexAt(step: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.steps[mid]! <= step) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Throughput reported at or before `step` (0 before the first report). */
  rateAt(step: number): number {
    const i = this.lastIndexAt(step);
    return i >= 0 ? this.rates[i]! : 0;
  }

  /** Number of epochs finished at or before `step`. */
  epochsDoneAt(step: number): number {
    let k = 0;
    while (k < this.epochs.length && this.epochs[k]!.step <= step) k++;
    return k;
  }
}

/**
 * Which of the first `done` epochs' samples to list: those on the 1-2-5 series (1, 2, 5, 10, 20,
 * 50, 100, …) and the newest, oldest first — so a long run reads top to bottom from noise to
 * English in about eight lines, and a short one lists every epoch up to 2 and its newest.
 *
 * @example sampleEpochs(150) // [1, 2, 5, 10, 20, 50, 100, 150]
 * @example sampleEpochs(3)   // [1, 2, 3]
 */
export function sampleEpochs(done: number): number[] {
  const out: number[] = [];
  for (let decade = 1; decade <= done; decade *= 10) {
    for (const m of [1, 2, 5]) if (m * decade < done) out.push(m * decade);
  }
  if (done > 0) out.push(done);
  return out;
}
