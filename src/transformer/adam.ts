/**
 * Adam with bias correction and global-norm gradient clipping (spec §2.3), as single loops over
 * flat buffers: parameters, gradients and the two moments share the layout of weights.ts, so
 * one index addresses the same parameter in all four (STYLE.md §23).
 *
 * Not here: the learning-rate schedule (schedule.ts), computing gradients (backward.ts).
 */
import type { Arr } from './kernels.js';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

/** Adam's state: first and second moments (same length as the parameters) and the step count. */
export interface AdamState {
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Optimiser steps taken so far (global, not per epoch). */
  t: number;
}

/** Fresh moments (zeros) for `n` parameters; pass SharedArrayBuffer-backed arrays to share. */
export function createAdamState(n: number, m?: Float32Array, v?: Float32Array): AdamState {
  return { m: m ?? new Float32Array(n), v: v ?? new Float32Array(n), t: 0 };
}

/** √(Σ g²) over every gradient, accumulated in float64. */
export function gradNorm(grads: Arr): number {
  let s = 0;
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i]!;
    s += g * g;
  }
  return Math.sqrt(s);
}

/**
 * Global-norm clipping (spec §2.3): when g_norm > maxNorm, every gradient is multiplied by
 * maxNorm / (g_norm + 1e-10). Returns the norm before clipping.
 *
 * @example clipGradients(Float32Array.of(3, 4), 1) === 5 // grads become ≈ (0.6, 0.8)
 */
export function clipGradients(grads: Arr, maxNorm: number): number {
  const norm = gradNorm(grads);
  if (norm > maxNorm) {
    const f = maxNorm / (norm + 1e-10);
    for (let i = 0; i < grads.length; i++) grads[i]! *= f;
  }
  return norm;
}

/**
 * One Adam step in place (spec §2.3): t ← t + 1; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 */
export function adamStep(params: Arr, grads: Arr, state: AdamState, lr: number): void {
  state.t += 1;
  const bc1 = 1 - ADAM_BETA1 ** state.t;
  const bc2 = 1 - ADAM_BETA2 ** state.t;
  const { m, v } = state;
  for (let i = 0; i < params.length; i++) {
    const g = grads[i]!;
    const mi = ADAM_BETA1 * m[i]! + (1 - ADAM_BETA1) * g;
    const vi = ADAM_BETA2 * v[i]! + (1 - ADAM_BETA2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i]! -= (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + ADAM_EPS);
  }
}
