/**
 * `gptviz generate`, spawned as a user runs it, with a weights .npz written in the test from the
 * fixture weights: the printed steps are exactly runGeneration's (same model, same sampling),
 * --top lists the K most likely characters, prompt warnings go to stderr, and every bad input is
 * one error line (+ hint) with exit code 2 (flags) or 1 (files), no stack trace.
 */
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatResultLine, formatStepLine, runGeneration } from '../../src/transformer/generation.js';
import { saveWeights } from '../../src/transformer/weights-file.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';
import { lines, runBin } from '../helpers/bin.js';
import { fixtureWeights } from '../transformer/fixture-weights.js';

/** The machine running the suite may be heavily loaded: allow slow starts. */
const SLOW = { timeoutMs: 100_000 };

const TMP = mkdtempSync(join(tmpdir(), 'gptviz-gen-'));
const WEIGHTS = join(TMP, 'fixture.npz');
const W = fixtureWeights(loadFixture(HELLO));
saveWeights(WEIGHTS, W);

function expected(prompt: string, opts: { temperature?: number; seed?: number; length?: number }): string[] {
  const g = runGeneration(W, prompt, { temperature: opts.temperature ?? 0.3, seed: opts.seed, length: opts.length });
  return [...g.log.map(formatStepLine), formatResultLine(g.result)];
}

test('prints the steps runGeneration computes (default temperature 0.3, no seed)', async (t) => {
  const r = await runBin(['generate', '--text', 'hello', '--weights', WEIGHTS], SLOW);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  const out = lines(r.stdout);
  t.deepEqual(out, expected('hello', {}));
  t.regex(out[0]!, /^ {2}Step 1: hello -> '.+' \(\d+%\)$/);
  t.regex(out[out.length - 1]!, /^ {2}Result: 'hello.*'$/);
});

test('--temperature 0 (greedy) and --seed change the sampling as runGeneration does', async (t) => {
  const greedy = await runBin(['generate', '--text', 'to be', '--weights', WEIGHTS, '--temperature', '0'], SLOW);
  t.deepEqual(lines(greedy.stdout), expected('to be', { temperature: 0 }));
  const seeded = await runBin(['generate', '--text', 'to be', '--weights', WEIGHTS, '--temperature', '0.8', '--seed', '7'], SLOW);
  t.deepEqual(lines(seeded.stdout), expected('to be', { temperature: 0.8, seed: 7 }));
});

test('steps printed = characters added; --length 30 goes past the context with the first 16 unchanged', async (t) => {
  const r16 = await runBin(['generate', '--text', 'hello', '--weights', WEIGHTS], SLOW);
  const out16 = lines(r16.stdout);
  const result16 = /^ {2}Result: '(.*)'$/.exec(out16[out16.length - 1]!)![1]!;
  t.is(out16.filter((l) => l.startsWith('  Step ')).length, result16.length - 5);
  const r = await runBin(['generate', '--text', 'hello', '--weights', WEIGHTS, '--length', '30'], SLOW);
  t.is(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  t.deepEqual(out, expected('hello', { length: 30 }));
  t.is(out.filter((l) => l.startsWith('  Step ')).length, 25);
  const result = /^ {2}Result: '(.*)'$/.exec(out[out.length - 1]!)![1]!;
  t.is(result.length, 30);
  t.true(result.startsWith(result16));
});

test('--top K lists K characters with percentages under each step line', async (t) => {
  const r = await runBin(['generate', '--text', 'hello world', '--weights', WEIGHTS, '--top', '3'], SLOW);
  t.is(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const g = runGeneration(W, 'hello world', { temperature: 0.3 });
  t.is(out.length, g.log.length * 2 + 1);
  for (let i = 0; i < g.log.length; i++) {
    t.is(out[2 * i], formatStepLine(g.log[i]!));
    t.regex(out[2 * i + 1]!, /^ {6}top 3: ('.+'|".+") \d+% {2}('.+'|".+") \d+% {2}('.+'|".+") \d+%$/);
  }
});

test('dropped characters and a cut prompt are warned about on stderr', async (t) => {
  const r = await runBin(['generate', '--text', 'Hello, World1 and more text!', '--weights', WEIGHTS], SLOW);
  t.is(r.code, 0, r.stderr);
  const err = lines(r.stderr);
  t.is(err[0], 'warning: dropped characters not in the vocabulary: ",", "1"');
  t.regex(err[1]!, /^warning: --text is longer than the model's context of 16 characters; using "hello world and "$/);
  t.deepEqual(lines(r.stdout), expected('hello world and ', {}));
});

const MISSING = join(TMP, 'missing.npz');
const NOT_ZIP = join(TMP, 'text.npz');
writeFileSync(NOT_ZIP, 'definitely not a zip');

const BAD: readonly (readonly [string[], number, RegExp])[] = [
  [['--text', 'hi', '--weights', WEIGHTS, '--bogus'], 2, /unknown flag --bogus/],
  [['--weights', WEIGHTS], 2, /--text is required/],
  [['--text', 'hi', '--weights', WEIGHTS, '--temperature', '-1'], 2, /--temperature must be a number of at least 0 \(got -1\)/],
  [['--text', 'hi', '--weights', WEIGHTS, '--seed', '1.5'], 2, /--seed must be an integer/],
  [['--text', 'hi', '--weights', WEIGHTS, '--top', '0'], 2, /--top must be an integer from 1 to 32 \(got 0\)/],
  [['--text', 'hi', '--weights', WEIGHTS, '--top', '33'], 2, /--top must be an integer from 1 to 32 \(got 33\)/],
  [['--text', '123', '--weights', WEIGHTS], 2, /--text has no characters in the vocabulary/],
  [['--text', 'hello', '--weights', WEIGHTS, '--length', '4'], 2, /--length 4 is shorter than the prompt \(5 characters/],
  [['--text', 'hi', '--weights', WEIGHTS, '--length', '4097'], 2, /--length must be an integer from 1 to 4096 \(got 4097\)/],
  [['--text', 'hi', '--weights', MISSING], 1, new RegExp(`weights file not found: ${MISSING.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)],
  [['--text', 'hi', '--weights', NOT_ZIP], 1, /text\.npz: not a \.npz file/],
];

for (const [argv, code, re] of BAD) {
  test(`gptviz generate ${argv.join(' ')} → exit ${code}`, async (t) => {
    const r = await runBin(['generate', ...argv], SLOW);
    t.is(r.code, code);
    t.is(r.stdout, '');
    const err = lines(r.stderr);
    t.true(err.length >= 1 && err.length <= 2, r.stderr);
    t.regex(err[0]!, /^gptviz: error: /);
    t.regex(err[0]!, re);
    t.notRegex(r.stderr, /\n\s+at |internal error/);
  });
}

test('--help lists every flag of generate', async (t) => {
  const r = await runBin(['generate', '--help'], SLOW);
  t.is(r.code, 0);
  for (const f of ['--text', '--weights', '--temperature', '--seed', '--length', '--top']) t.true(r.stdout.includes(f), f);
});
