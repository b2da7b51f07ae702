/** Stage list and title tests (spec §4.3, §7.5). */
import test from 'ava';
import { blockNumber, stageList, stageTitle } from '../../src/animation/stages.js';

const names = (l: readonly { name: string }[]): string[] => l.map((s) => s.name);

test('full list with character display (spec §4.3)', (t) => {
  const l = stageList('full', { hasCharDisplay: true });
  t.deepEqual(l.map((s) => `${s.name}:${s.groups}`), [
    'char_display:1', 'input:0', 'qkv_projection:1', 'multi_head_attn:3', 'concat_output_proj:1', 'residual_ln1:2',
    'ffn:3', 'residual_ln2:2', 'output:0', 'block_2:1', 'block_3:1', 'block_4:1', 'output_projection:1', 'token_probs:3',
  ]);
  t.true(Object.isFrozen(l) && Object.isFrozen(l[0]));
});

test('random, logits, final lists', (t) => {
  t.deepEqual(names(stageList('random', { hasCharDisplay: false })), [
    'input', 'qkv_projection', 'multi_head_attn', 'concat_output_proj', 'residual_ln1', 'ffn', 'residual_ln2', 'output',
    'block_2', 'block_3', 'block_4',
  ]);
  t.deepEqual(stageList('logits', { hasCharDisplay: true, numBlocks: 3 }).map((s) => `${s.name}:${s.groups}`), [
    'char_display:1', 'input:0', 'block_1:0', 'block_2:0', 'block_3:0', 'output_projection:0', 'token_probs:3',
  ]);
  t.deepEqual(names(stageList('final', { hasCharDisplay: false })), ['char_display']);
  t.deepEqual(names(stageList('full', { hasCharDisplay: false, numBlocks: 1 })).slice(-3), ['output', 'output_projection', 'token_probs']);
  t.throws(() => stageList('full', { hasCharDisplay: true, numBlocks: 2.5 }), { instanceOf: RangeError });
});

test('overlay titles (spec §7.5)', (t) => {
  t.is(stageTitle('char_display'), 'Input Characters');
  t.is(stageTitle('input'), 'Input Embeddings');
  t.is(stageTitle('concat_output_proj'), 'Concat + Output Projection');
  t.is(stageTitle('output'), 'Block 1 Output');
  t.is(stageTitle('block_1'), 'Block 1');
  t.is(stageTitle('block_12'), 'Block 12');
  t.is(stageTitle('output_projection'), 'Vocabulary Projection');
  t.is(stageTitle('token_probs'), 'Token Probabilities');
  t.is(blockNumber('block_7'), 7);
  t.is(blockNumber('ffn'), 0);
});
