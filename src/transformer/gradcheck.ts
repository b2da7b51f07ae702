/**
 * Numerical gradient check (spec §2.5, issue 4): central differences against the analytical
 * gradients of backward.ts, for n = min(10, size) distinct entries of every parameter group
 * (entries chosen by a generator seeded with the group index, as the reference's
 * choice-without-replacement = permutation(size)[:n]).
 *
 * Unlike the reference, everything runs in float64 (parameters up-cast, perturbed by ±eps in
 * float64), so there is no float32 quantisation of the step; and an entry whose perturbation
 * switches any ReLU unit on or off (the loss is not differentiable there, so a central
 * difference is meaningless) is detected from the ReLU on/off signature and reported as
 * skipped instead of failing. Pure; printing is the caller's.
 */
import { TrainGraph } from './backward.js';
import { RandomState } from './rng.js';
import type { Weights } from './weights.js';

export interface GradCheckRow {
  /** Group name as the reference prints it: `embedding`, `pos_encoding`, `b{i}_{name}`. */
  readonly name: string;
  /** Largest relative error |num − ana| / max(|num| + |ana|, 1e-8) over the checked entries. */
  readonly maxRelErr: number;
  /** Entries compared. */
  readonly checked: number;
  /** Entries skipped because the perturbation crossed a ReLU kink. */
  readonly kinks: number;
  readonly ok: boolean;
}

export interface GradCheckOptions {
  /** Central-difference step (default 1e-5). */
  readonly eps?: number;
  /** Entries per group (default 10). */
  readonly samples?: number;
  /** Pass threshold on the max relative error (default 1e-3). */
  readonly tolerance?: number;
}

/**
 * Check every parameter group of `weights` on one chunk of S + 1 token ids (input = first S,
 * target = last S, mask all ones).
 *
 * @example checkGradients(initWeights(config), corpus.train.ids.subarray(0, S + 1)).every((r) => r.ok)
 */
export function checkGradients(weights: Weights, chunk: Int32Array, opts: GradCheckOptions = {}): GradCheckRow[] {
  const eps = opts.eps ?? 1e-5;
  const samples = opts.samples ?? 10;
  const tolerance = opts.tolerance ?? 1e-3;
  const graph = new TrainGraph(weights.config, 1, Float64Array);
  const params = Float64Array.from(weights.flat);
  const grads = new Float64Array(params.length);
  const starts = [0];
  graph.lossAndGrad(params, grads, chunk, starts, 0, 1, null, 1);
  const hits = new Float64Array(1);
  const lossAt = (): { loss: number; sig: number } => {
    graph.reluSignature = 0;
    const loss = graph.evaluate(params, chunk, starts, 0, 1, null, hits);
    return { loss, sig: graph.reluSignature };
  };
  graph.trackRelu = true;
  const base = lossAt().sig;
  const rows: GradCheckRow[] = [];
  weights.groups.forEach((g, gi) => {
    const size = g.matrix.data.length;
    const n = Math.min(samples, size);
    const picks = new RandomState(gi).permutation(size).subarray(0, n);
    let maxRel = 0;
    let kinks = 0;
    for (const local of picks) {
      const i = g.offset + local;
      const orig = params[i]!;
      params[i] = orig + eps;
      const plus = lossAt();
      params[i] = orig - eps;
      const minus = lossAt();
      params[i] = orig;
      if (plus.sig !== base || minus.sig !== base) {
        kinks++;
        continue;
      }
      const num = (plus.loss - minus.loss) / (2 * eps);
      const ana = grads[i]!;
      const rel = Math.abs(num - ana) / Math.max(Math.abs(num) + Math.abs(ana), 1e-8);
      if (rel > maxRel) maxRel = rel;
    }
    rows.push({ name: g.checkName, maxRelErr: maxRel, checked: n - kinks, kinks, ok: maxRel < tolerance });
  });
  return rows;
}
