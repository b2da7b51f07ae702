/**
 * Test helper: the fixtures' weights as a Weights (default config), by .npz key, so tests can
 * run the model on exactly the reference's parameters.
 */
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import type { Weights } from '../../src/transformer/weights.js';
import { allocateWeights } from '../../src/transformer/weights.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixtureWeights(fx: any): Weights {
  const w = allocateWeights(DEFAULT_CONFIG);
  for (const g of w.groups) {
    const m = /^block(\d+)_(.+)$/.exec(g.key);
    const arr = m ? fx.weights.blocks[Number(m[1])][m[2]!] : fx.weights[g.key];
    g.matrix.data.set(arr.data);
  }
  return w;
}
