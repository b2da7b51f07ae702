/** The float64 gradient check (spec §2.5): passes on a small config and can fail. */
import test from 'ava';
import { makeConfig } from '../../src/transformer/config.js';
import { prepareCorpus } from '../../src/transformer/data.js';
import { checkGradients } from '../../src/transformer/gradcheck.js';
import { initWeights } from '../../src/transformer/init.js';

const CONFIG = makeConfig({ seqLen: 8, dModel: 8, numHeads: 2, dFF: 16, numBlocks: 2 });
const chunk = prepareCorpus('to be, or not to be: that is the question. '.repeat(4), 8).train.ids.subarray(0, 9);

test('every parameter group passes at 1e-3 on a small config', (t) => {
  const rows = checkGradients(initWeights(CONFIG), chunk);
  t.is(rows.length, 2 + 12 * 2);
  t.deepEqual(rows.slice(0, 3).map((r) => r.name), ['embedding', 'pos_encoding', 'b0_W_Q']);
  for (const r of rows) {
    t.true(r.ok, `${r.name} ${r.maxRelErr}`);
    t.true(r.maxRelErr < 1e-5, `${r.name} float64 agreement ${r.maxRelErr}`);
    t.is(r.checked + r.kinks, r.name.endsWith('b2') || r.name.includes('gamma') || r.name.includes('beta') ? 8 : 10);
  }
});

test('a threshold below float64 rounding fails some groups (the check can fail)', (t) => {
  const rows = checkGradients(initWeights(CONFIG), chunk, { tolerance: 1e-14 });
  t.true(rows.some((r) => !r.ok));
});
