/**
 * Captions (issue 13): every stage and compute group of every scene kind has one, they name the
 * live shapes from the config (checked on a non-default config), the QKV caption speaks of
 * queries, keys and values, and `captionAt` follows the compute groups of the timeline.
 */
import test from 'ava';
import { buildTimeline } from '../../src/animation/timeline.js';
import type { SceneKind } from '../../src/animation/stages.js';
import { DEFAULT_CONFIG, makeConfig } from '../../src/transformer/config.js';
import { captionAt, captionTable, stageCaptions } from '../../src/visualization/captions.js';

const FACTS = { predPos: 4, prediction: 'w 72%', chars: 5 };

for (const kind of ['full', 'random', 'logits', 'final'] as SceneKind[]) {
  test(`${kind}: one caption per stage and compute group, none empty, one or two sentences`, (t) => {
    const tl = buildTimeline(kind, { numBlocks: 4, hasCharDisplay: kind !== 'random' });
    const table = captionTable(tl, DEFAULT_CONFIG, { kind, ...FACTS });
    t.is(table.length, tl.stages.length);
    tl.stages.forEach((st, i) => {
      t.is(table[i]!.length, Math.max(1, st.segments.length), st.name);
      for (const c of table[i]!) {
        t.true(c.length > 20, `${st.name}: ${c}`);
        t.true(c.length < 230, `${st.name} is too long for three lines: ${c.length}`);
        const sentences = c.split(/[.!?](\s|$)/).filter((x) => x.trim().length > 1).length;
        t.true(sentences >= 1 && sentences <= 2, `${st.name}: ${c}`);
      }
    });
  });
}

test('the QKV caption: each token\'s D numbers times three learned D×D matrices → query, key, value', (t) => {
  const [c] = stageCaptions('qkv_projection', 1, DEFAULT_CONFIG, { kind: 'full', ...FACTS });
  t.regex(c!, /16 numbers/);
  t.regex(c!, /three learned 16×16 matrices/);
  t.regex(c!, /query \(what it looks for\), key \(what it offers\) and value \(what it passes on\)/);
});

test('numbers come from the config (D 32, H 8, dk 4, F 64, S 12, B 2)', (t) => {
  const c = makeConfig({ dModel: 32, numHeads: 8, dFF: 64, seqLen: 12, numBlocks: 2 });
  const f = { kind: 'full' as const, ...FACTS };
  t.regex(stageCaptions('qkv_projection', 1, c, f)[0]!, /32 numbers .* three learned 32×32/);
  const attn = stageCaptions('multi_head_attn', 3, c, f);
  t.regex(attn[0]!, /^8 heads, each using 4 of the 32 columns/);
  t.regex(attn[0]!, /√4/);
  t.regex(attn[0]!, /12×12 scores/);
  t.regex(stageCaptions('ffn', 3, c, f)[0]!, /32×64 matrix W1.* 64 hidden/);
  t.regex(stageCaptions('block_2', 1, c, f)[0]!, /Block 2 of 2/);
  t.regex(stageCaptions('input', 1, c, f)[0]!, /12×32 input matrix X\. The 7 empty positions hold the padding token/);
  t.regex(stageCaptions('token_probs', 3, c, f)[2]!, /here 'w' at 72%/);
  t.regex(stageCaptions('token_probs', 3, c, { ...f, prediction: '  40%' })[2]!, /here a space at 40%/);
});

test('captionAt: the compute group running; the first group while appearing, the last while settling and returning', (t) => {
  const tl = buildTimeline('full', { numBlocks: 4, hasCharDisplay: true });
  const table = captionTable(tl, DEFAULT_CONFIG, { kind: 'full', ...FACTS });
  const i = tl.stages.findIndex((s) => s.name === 'multi_head_attn');
  const st = tl.stages[i]!;
  const at = (f: number): number => st.start + st.appear + f * st.compute;
  t.is(captionAt(table, tl, st.start + 0.1), table[i]![0]);
  t.is(captionAt(table, tl, at((st.segments[0]![0] + st.segments[0]![1]) / 2)), table[i]![0]);
  t.is(captionAt(table, tl, at((st.segments[1]![0] + st.segments[1]![1]) / 2)), table[i]![1]);
  t.is(captionAt(table, tl, at((st.segments[2]![0] + st.segments[2]![1]) / 2)), table[i]![2]);
  t.is(captionAt(table, tl, st.end - 0.01), table[i]![2]);
  const last = tl.stages.length - 1;
  t.is(captionAt(table, tl, tl.total + 0.5), table[last]![2]);
  t.is(captionAt(table, tl, 0), table[0]![0]);
});
