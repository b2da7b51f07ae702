// Layout (spec §5.7.2, Appendix B): the default config reproduces the spec's anchors exactly;
// other configs lay out without overlapping neighbours (3D boxes and screen projections).
import test from 'ava';
import { DEFAULT_CONFIG, makeConfig } from '../../src/transformer/config.js';
import { extent, grow, layout, sideBySide } from '../../src/visualization/layout.js';
import type { Layout } from '../../src/visualization/layout.js';
import { box, boxOverlap, screenOverlap, stageMatrices } from './layout-geometry.js';

const L = layout(DEFAULT_CONFIG);

test('helpers: side_by_side centres the row, extent and grow', (t) => {
  t.deepEqual(sideBySide([8, 8], 4), [-10, 2]);
  t.deepEqual(sideBySide([64], 4), [-32]);
  t.is(extent(16), 7.9);
  t.is(grow(16), 0);
  t.is(grow(4), 0);
  t.true(grow(32) > 5);
});

test('default anchors equal the spec table (§5.7.2)', (t) => {
  t.deepEqual(L.input, [3.5, 2, 0]);
  const ys = [0, -12, -24];
  L.qkv.forEach((q, i) => {
    t.deepEqual(q.a, [9.5, ys[i], 18]);
    t.deepEqual(q.b, [9.5, ys[i], 24]);
    t.deepEqual(q.c, [-2.5, ys[i], 21]);
  });
  t.is(L.mha.length, 4);
  L.mha.forEach((h, i) => {
    const y = i === 0 ? 0 : -11.5 * i;
    t.deepEqual(h.q, [3.5, y, 42]);
    // Issue 17: the spec had K_hᵀ at [9.5, y, 48] (on screen one head too high) and Head Out at
    // [−14.5, y, 48] (over V). Now K_hᵀ's element (0, 0) appears 2.61 view units right of and 1
    // above Q_h's, Head Out 2.91 right of V_h's at the same height; scores/V/out moved 4 along −X.
    const screen = (p: readonly number[]): [number, number] =>
      [(-p[0]! + p[2]!) * Math.SQRT1_2, 0.5 * p[0]! + Math.SQRT1_2 * p[1]! + 0.5 * p[2]!];
    const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9;
    const [qx, qy] = screen(h.q);
    const [kx, ky] = screen(h.kT);
    t.true(near(kx - qx, 2 * Math.SQRT1_2 + 1.2) && near(ky - qy, 1) && h.kT[2] === 48, `Kᵀ beside Q (head ${i + 1})`);
    t.deepEqual(h.scores, [-6.5, y, 45]);
    t.deepEqual(h.v, [-12.5, y, 51]);
    const [vx, vy] = screen(h.v);
    const [ox, oy] = screen(h.out);
    t.true(near(ox - vx, 2 * Math.SQRT1_2 + 1.5) && near(oy, vy) && h.out[2] === 48, `Head Out beside V (head ${i + 1})`);
    t.deepEqual(h.qSrc, [-2.5 - 2 * i, 0, 21]);
    t.deepEqual(h.kSrc, [-2.5 - 2 * i, -12, 21]);
    t.deepEqual(h.vSrc, [-2.5 - 2 * i, -24, 21]);
  });
  t.deepEqual(L.concat, { a: [9.5, 2, 60], b: [9.5, 2, 66], c: [-2.5, 2, 63] });
  t.deepEqual(L.res1, { a: [9.5, 2, 70], b: [-2.5, 2, 70], c: [3.5, 2, 76] });
  t.deepEqual(L.ffn, { ln1: [3.5, 2, 76], w1: [31.5, 2, 80], pre: [31.5, 2, 84], w2: [-24.5, 2, 90], out: [3.5, 2, 92] });
  t.deepEqual(L.res2, { a: [9.5, 2, 100], b: [-2.5, 2, 100], c: [3.5, 2, 106] });
  t.deepEqual(L.blocks, [[3.5, 2, 106], [3.5, 2, 114], [3.5, 2, 122], [3.5, 2, 130]]);
  t.deepEqual(L.outProj, { a: [3.5, 2, 130], b: [11.5, 2, 136], c: [-8.5, 2, 133] });
  t.deepEqual(L.probs, [7.5, 2, 144]);
  t.deepEqual(L.logitsOnly.blocks, L.blocks);
  t.deepEqual(L.logitsOnly.logits, [7.5, 2, 133]);
  t.deepEqual(L.logitsOnly.probs, [7.5, 2, 144]);
  t.is(L.charZ, -2);
});

test('default stage base depths equal the spec table (§5.7.1)', (t) => {
  t.deepEqual({ ...L.depth, blocks: [...L.depth.blocks] }, {
    charDisplay: -2, input: 0, qkv: 18, mha: 42, concat: 60, res1: 70, ffn: 76, res2: 100, output: 106,
    blocks: [106, 114, 122, 130], outProj: 130, tokenProbs: 144,
  });
});

test('layout is frozen and deterministic', (t) => {
  t.true(Object.isFrozen(L) && Object.isFrozen(L.ffn) && Object.isFrozen(L.mha[0]) && Object.isFrozen(L.input));
  t.deepEqual(layout(DEFAULT_CONFIG), L);
});

const CONFIGS: [string, Layout][] = [
  ['default', L],
  ['d_model 32, heads 8', layout(makeConfig({ dModel: 32, numHeads: 8 }))],
  ['seq_len 12', layout(makeConfig({ seqLen: 12 }))],
  ['seq_len 32, d_model 64, d_ff 256, 6 blocks', layout(makeConfig({ seqLen: 32, dModel: 64, dFF: 256, numBlocks: 6 }))],
];

test('no two matrices on screen together intersect in 3D (at least the 0.1 element gap apart)', (t) => {
  for (const [name, lay] of CONFIGS) {
    for (const [group, ms] of Object.entries(stageMatrices(lay))) {
      for (let i = 0; i < ms.length; i++) {
        for (let j = i + 1; j < ms.length; j++) {
          const o = boxOverlap(box(ms[i]), box(ms[j]));
          t.true(o <= -0.1 + 1e-9, `${name} ${group}: ${ms[i].name} / ${ms[j].name} overlap ${o}`);
        }
      }
    }
  }
});

test('matrices the default keeps apart on screen stay apart for other configs; designed overlaps do not grow', (t) => {
  const base = stageMatrices(L);
  for (const [name, lay] of CONFIGS.slice(1, 3)) {
    for (const [group, ms] of Object.entries(stageMatrices(lay))) {
      const ref = base[group];
      for (let i = 0; i < ms.length; i++) {
        for (let j = i + 1; j < ms.length; j++) {
          const o = screenOverlap(box(ms[i]), box(ms[j]));
          // Same pair in the default layout (heads beyond the default's H compare with head H−1's pair shape).
          const ri = ref.find((m) => m.name === ms[i].name.replace(/^h\d+/, (h) => `h${Math.min(+h.slice(1), 2)}`));
          const rj = ref.find((m) => m.name === ms[j].name.replace(/^h\d+/, (h) => `h${Math.min(+h.slice(1), 3)}`));
          const allowed = ri && rj ? Math.max(0.01, screenOverlap(box(ri), box(rj)) + 0.05) : 0.01;
          t.true(o <= allowed, `${name} ${group}: ${ms[i].name} / ${ms[j].name} screen overlap ${o.toFixed(3)} > ${allowed.toFixed(3)}`);
        }
      }
    }
  }
});

test('stages are strung out along +Z: each stage starts behind everything of the previous one', (t) => {
  for (const [name, lay] of CONFIGS) {
    const g = stageMatrices(lay);
    const order = ['input', 'qkv', 'mha0', 'concat', 'res1', 'ffn0', 'res2'];
    for (let k = 1; k < order.length; k++) {
      const prevMax = Math.max(...g[order[k - 1]].map((m) => m.anchor[2]), ...(order[k - 1] === 'mha0' ? g.mha2.map((m) => m.anchor[2]) : []));
      const curMin = Math.min(...g[order[k]].map((m) => m.anchor[2]));
      // The FFN starts exactly on the residual's LN1 result (no flight); every other stage lies behind.
      if (order[k] === 'ffn0') t.is(curMin, lay.res1.c[2], name);
      else t.true(curMin > prevMax, `${name}: ${order[k]} (${curMin}) not behind ${order[k - 1]} (${prevMax})`);
    }
    const d = lay.depth;
    t.true(d.blocks.every((z, i) => i === 0 || z > d.blocks[i - 1]), name);
    t.true(d.tokenProbs > lay.outProj.b[2], name);
    t.is(lay.blocks.length, lay.config.numBlocks);
  }
});
