/**
 * The generation loop of spec §3.2 with the fixture weights: step counts, stop rules, labels,
 * the final step, consistency with single forward passes and with the fixture's sampled ids,
 * the prompt it accepts, and the console formatting helpers.
 */
import test from 'ava';
import { UserError } from '../../src/errors.js';
import { makeConfig } from '../../src/transformer/config.js';
import {
  formatPct,
  formatResultLine,
  formatStepLine,
  precomputeGeneration,
  pyRepr,
  runGeneration,
} from '../../src/transformer/generation.js';
import { initWeights } from '../../src/transformer/init.js';
import { forward } from '../../src/transformer/model.js';
import { argmaxRow } from '../../src/transformer/kernels.js';
import { CHARS, PAD_ID, encode } from '../../src/transformer/vocab.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';
import { fixtureWeights } from './fixture-weights.js';

const W = fixtureWeights(loadFixture(HELLO));

test('hello, T = 0.3: steps follow the stop rules and each one is a plain forward pass', (t) => {
  const g = runGeneration(W, 'hello', { temperature: 0.3 });
  const steps = g.steps;
  const preds = steps.filter((s) => s.kind === 'prediction');
  t.is(steps[steps.length - 1]!.kind, 'final');
  t.is(steps.filter((s) => s.kind === 'final').length, 1);
  t.true(preds.length <= 16 - 5);
  const last = g.log[g.log.length - 1]!;
  // No phantom step (issue 13): only a PAD prediction is logged without being kept.
  t.is(g.log.length, preds.length + (last.predId === PAD_ID ? 1 : 0));
  t.is(g.log.filter((e) => e.kept).length, g.result.length - 'hello'.length);
  if (last.predId !== PAD_ID) t.is(preds.length, 11); // 11 prediction steps + final = 12 scenes
  let text = 'hello';
  for (const [i, s] of preds.entries()) {
    t.is(s.text, text);
    t.is(s.predPos, text.length - 1);
    t.not(s.predId, PAD_ID);
    const again = forward(W, encode(text, 16), { temperature: 0.3 });
    t.deepEqual(s.record.probs!.data, again.probs!.data);
    t.is(s.predId, again.predictedIds![s.predPos]);
    t.is(s.pct, Math.fround(100 * again.probs!.data[s.predPos * 32 + s.predId]!));
    t.deepEqual(s.inputLabels.slice(0, text.length), [...text]);
    t.is(s.inputLabels[15], '_');
    t.is(s.outputLabels.filter((l) => l !== '').length, 1);
    t.is(s.outputLabels[s.predPos], `${CHARS[s.predId]} ${formatPct(s.pct)}%`);
    t.is(g.log[i]!.step, i + 1);
    text += CHARS[s.predId];
  }
  const fin = steps[steps.length - 1]!;
  t.is(fin.text, text);
  t.is(g.result, text);
  t.is(fin.predPos, text.length - 1);
  t.true(fin.outputLabels.every((l) => l === ''));
  t.deepEqual(precomputeGeneration(W, 'hello', { temperature: 0.3 }).map((s) => s.text), steps.map((s) => s.text));
});

test('the first step samples what the fixture sampled for "hello world" (all cases)', (t) => {
  const fx = loadFixture(HELLO);
  for (const c of fx.sampling.cases) {
    const [first] = precomputeGeneration(W, 'hello world', { temperature: c.temperature, seed: c.seed ?? undefined });
    t.is(first!.predId, c.predicted_ids.data[10]);
  }
});

test('T = 0 is greedy: every step picks the argmax', (t) => {
  for (const s of precomputeGeneration(W, 'to be', { temperature: 0 })) {
    if (s.kind === 'prediction') t.is(s.predId, argmaxRow(s.record.logits!.data, s.predPos, 32));
  }
});

test('a prompt of S characters gives only the final step; S = 12 weights give at most 7 + 1', (t) => {
  const full = precomputeGeneration(W, 'abcdefghijklmnop', { temperature: 0.3 });
  t.is(full.length, 1);
  t.is(full[0]!.kind, 'final');
  t.is(full[0]!.text, 'abcdefghijklmnop');
  const w12 = initWeights(makeConfig({ seqLen: 12 }));
  const g = runGeneration(w12, 'hello', { temperature: 0.3, seed: 3 });
  t.true(g.steps.length <= 8);
  t.is(g.steps[0]!.inputLabels.length, 12);
  if (g.log[g.log.length - 1]!.predId !== PAD_ID) t.is(g.steps.length, 8);
});

test('--length past the context: a sliding window of the last S characters, the first S unchanged', (t) => {
  const short = runGeneration(W, 'hello', { temperature: 0.3 });
  const long = runGeneration(W, 'hello', { temperature: 0.3, length: 30 });
  t.is(short.result.length, 16);
  t.is(long.result.length, 30);
  t.true(long.result.startsWith(short.result));
  t.is(long.log.length, 25);
  t.true(long.log.every((e) => e.kept));
  let text = 'hello';
  for (const [i, s] of long.steps.slice(0, -1).entries()) {
    const window = text.slice(-16);
    t.is(s.text, window, `step ${i + 1}`);
    t.is(s.predPos, window.length - 1);
    t.is(long.log[i]!.slid, text.length > 16);
    const again = forward(W, encode(window, 16), { temperature: 0.3 });
    t.is(s.predId, again.predictedIds![s.predPos]);
    text += CHARS[s.predId];
  }
  t.is(text, long.result);
  const fin = long.steps[long.steps.length - 1]!;
  t.is(fin.kind, 'final');
  t.is(fin.text, long.result.slice(-16));
  t.true(formatStepLine(long.log[24]!).startsWith(`  Step 25: …${long.result.slice(13, 29)} -> `));
});

test('--length: a prompt longer than S is kept whole; a length below the prompt or above 4096 is refused', (t) => {
  const g = runGeneration(W, 'to be or not to be that is', { temperature: 0.3, length: 28 });
  t.true(g.result.startsWith('to be or not to be that is'));
  t.is(g.log.length, 2);
  t.is(g.steps[0]!.text, 'be or not to be that is'.slice(-16));
  t.is(runGeneration(W, 'hello', { length: 5 }).steps.length, 1);
  t.throws(() => runGeneration(W, 'hello', { length: 4 }), { instanceOf: RangeError });
  t.throws(() => runGeneration(W, 'hello', { length: 4097 }), { instanceOf: RangeError });
});

test('the prompt arrives cleaned and cut (run/prompt.ts): empty is a UserError, anything else a bug', (t) => {
  t.throws(() => runGeneration(W, ''), { instanceOf: UserError });
  t.throws(() => runGeneration(W, '123,;'), { instanceOf: UserError });
  for (const raw of ['Hello', 'hello, world', 'to be or not to be!']) {
    const e = t.throws(() => runGeneration(W, raw));
    t.false(e instanceof UserError, raw);
  }
  t.is(runGeneration(W, 'to be or not to ', { temperature: 0 }).prompt, 'to be or not to ');
});

test('console formatting: Python .0f rounding and repr quoting', (t) => {
  t.is(formatPct(40.5), '40');
  t.is(formatPct(41.5), '42');
  t.is(formatPct(41.49), '41');
  t.is(formatPct(99.7), '100');
  t.is(pyRepr(' '), "' '");
  t.is(pyRepr("'"), `"'"`);
  t.is(formatResultLine('hello world'), "  Result: 'hello world'");
  t.is(formatStepLine({ step: 1, text: 'hello', predId: 0, pct: 41.2, record: null!, predPos: 4, kept: true }), "  Step 1: hello -> ' ' (41%)");
  t.is(formatStepLine({ step: 2, text: 'hi', predId: PAD_ID, pct: 3, record: null!, predPos: 1, kept: false }), "  Stopped: hi -> '<PAD>' (3%)");
  t.is(formatStepLine({ step: 17, text: 'the prince', slid: true, predId: 0, pct: 3, record: null!, predPos: 9, kept: true }), "  Step 17: …the prince -> ' ' (3%)");
});
