/**
 * Test helpers for the training tests: golden fixture weights loaded into the flat parameter
 * layout (weights.ts), and a fixture training example turned into one S+1-id chunk.
 */
import { makeConfig } from '../../src/transformer/config.js';
import type { Weights } from '../../src/transformer/weights.js';
import { allocateWeights } from '../../src/transformer/weights.js';
import type { FixtureArray } from '../helpers/fixtures.js';
import { loadFixture } from '../helpers/fixtures.js';

export const FIXTURE_CONFIG = makeConfig({ seqLen: 16 });

/** The fixture's float32 weights as a Weights over one flat Float32Array. */
export function fixtureWeights(name: string): Weights {
  const fx = loadFixture(name);
  const w = allocateWeights(FIXTURE_CONFIG);
  for (const g of w.groups) {
    let arr: FixtureArray;
    if (g.key === 'embedding' || g.key === 'pos_encoding') arr = fx.weights[g.key];
    else {
      const m = /^block(\d+)_(.+)$/.exec(g.key)!;
      arr = fx.weights.blocks[Number(m[1])][m[2]!];
    }
    if (arr.data.length !== g.matrix.data.length) throw new Error(`fixture ${g.key}: size mismatch`);
    g.matrix.data.set(arr.data);
  }
  return w;
}

/** Fixture gradients of a training[] entry flattened in the same order as the parameters. */
export function fixtureGrads(w: Weights, entry: { grads: Record<string, FixtureArray> }): Float64Array {
  const out = new Float64Array(w.flat.length);
  for (const g of w.groups) out.set(entry.grads[g.checkName]!.data, g.offset);
  return out;
}

/** One chunk of S+1 ids: input_ids followed by the last target id. */
export function fixtureChunk(entry: { input_ids: FixtureArray; target_ids: FixtureArray }): Int32Array {
  const inp = entry.input_ids.data;
  const tgt = entry.target_ids.data;
  for (let i = 1; i < inp.length; i++) {
    if (inp[i] !== tgt[i - 1]) throw new Error('fixture target is not the input shifted by one');
  }
  return Int32Array.from([...inp, tgt[tgt.length - 1]!]);
}
