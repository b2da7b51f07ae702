/**
 * parseViewArgs in-process (src/cli/options.ts): defaults of spec §3.1, mode rules, prompt
 * clean-up warnings at parse time, weights resolution. The prompt helpers: test/run/prompt.test.ts. The spawned-bin view is bin.test.ts.
 */
import test from 'ava';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError, UsageError } from '../../src/errors.js';
import { promptFor } from '../../src/run/prompt.js';
import {
  parseViewArgs, DEFAULT_WEIGHTS, PACKAGE_ROOT, packageVersion, viewHelp,
} from '../../src/cli/options.js';

const TMP = mkdtempSync(join(tmpdir(), 'gptviz-opts-'));
const WEIGHTS = join(TMP, 'w.npz');
writeFileSync(WEIGHTS, 'not checked here; the model loader validates contents');

function collect(): { warn: (m: string) => void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (m) => warnings.push(m), warnings };
}

test('defaults follow spec §3.1 / the product README', (t) => {
  const { warn, warnings } = collect();
  const o = parseViewArgs([], warn);
  t.like(o, {
    help: false, version: false, text: undefined, weights: undefined, temperature: 0.3, seed: undefined,
    record: false, fps: 30, speed: 1, width: 1920, height: 1080, sizeGiven: false, quality: 'draft', format: 'jpg', formatGiven: false,
    maxDuration: 180, music: false, mute: false, snapshot: undefined, out: undefined,
  });
  t.is(o.outputDir, resolve('recordings'));
  t.deepEqual(warnings, []);
});

test('a full recording command line', (t) => {
  const { warn, warnings } = collect();
  const o = parseViewArgs([
    '--record', '--text', 'Hello', '--weights', WEIGHTS, '--width', '1920', '--height', '1024', '--fps', '60',
    '--speed', '2', '--format', 'png', '--output-dir', join(TMP, 'out'), '--max-duration', '0',
    '--temperature', '0', '--seed', '7', '--music', '--quality', 'final',
  ], warn);
  t.like(o, {
    record: true, text: 'hello', weights: WEIGHTS, width: 1920, height: 1024, sizeGiven: true, quality: 'final', fps: 60, speed: 2,
    format: 'png', formatGiven: true, outputDir: join(TMP, 'out'), maxDuration: 0, temperature: 0, seed: 7, music: true,
  });
  t.deepEqual(warnings, []);
});

test('snapshot: seconds and an absolute .png path; odd sizes are fine without --record', (t) => {
  const o = parseViewArgs(['--snapshot', '12.5', '--out', 'frame.PNG', '--width', '321', '--height', '17'], () => {});
  t.is(o.snapshot, 12.5);
  t.is(o.out, resolve('frame.PNG'));
  t.is(o.width, 321);
  t.true(o.sizeGiven);
});

test('--help and --version short-circuit validation', (t) => {
  t.true(parseViewArgs(['--text', '', '--help']).help);
  t.true(parseViewArgs(['--version', '--text', 'x', '--weights', join(TMP, 'none.npz')]).version);
});

test('warnings: record-only flags without --record, --weights without --text, --music with --mute', (t) => {
  const { warn, warnings } = collect();
  parseViewArgs(['--fps', '24', '--output-dir', 'x', '--weights', WEIGHTS, '--music', '--mute'], warn);
  t.deepEqual(warnings, [
    'warning: --fps, --output-dir only apply to --record; ignored',
    'warning: --weights is ignored without --text (the random-weights mode uses seeded weights)',
    'warning: --mute silences --music too',
  ]);
});

test('weights: explicit path resolved against the cwd; default lives in the package, not the cwd', (t) => {
  t.is(DEFAULT_WEIGHTS, join(PACKAGE_ROOT, 'weights', 'charlm.npz'));
  t.true(existsSync(join(PACKAGE_ROOT, 'package.json')));
  t.regex(packageVersion(), /^\d+\.\d+\.\d+/);
  const missing = join(TMP, 'nope.npz');
  const e = t.throws(() => parseViewArgs(['--text', 'hi', '--weights', missing], () => {}), { instanceOf: UserError });
  t.is(e?.exitCode, 1);
  t.true(e?.message.includes(missing));
  t.regex(e?.hint ?? '', /gptviz train/);
  if (!existsSync(DEFAULT_WEIGHTS)) {
    const d = t.throws(() => parseViewArgs(['--text', 'hi'], () => {}), { instanceOf: UserError });
    t.true(d?.message.includes(DEFAULT_WEIGHTS));
  } else {
    t.is(parseViewArgs(['--text', 'hi'], () => {}).weights, DEFAULT_WEIGHTS);
  }
});

test('viewHelp mentions the default weights path and the mp4 name', (t) => {
  const h = viewHelp();
  t.true(h.includes('weights/charlm.npz'));
  t.true(h.includes('transformer.mp4'));
});

test('--length (issue 13): from the prompt length to 4096; shorter than the prompt or too large is a usage error; promptFor keeps a long prompt whole', (t) => {
  const { warn, warnings } = collect();
  const o = parseViewArgs(['--text', 'hello', '--weights', WEIGHTS, '--length', '30', '--captions'], warn);
  t.like(o, { length: 30, captions: true });
  t.deepEqual(warnings, []);
  t.is(parseViewArgs([], warn).length, undefined);
  t.false(parseViewArgs([], warn).captions);
  const short = t.throws(() => parseViewArgs(['--text', 'hello', '--weights', WEIGHTS, '--length', '4'], warn), { instanceOf: UsageError });
  t.regex(short!.message, /--length 4 is shorter than the prompt \(5 characters/);
  t.throws(() => parseViewArgs(['--length', '4097'], warn), { instanceOf: UsageError, message: /--length must be an integer from 1 to 4096/ });
  parseViewArgs(['--length', '40'], warn);
  t.deepEqual(warnings, ['warning: --length only applies with --text or to a prompt typed in the window']);
  const long = 'to be or not to be that is';
  t.is(promptFor(long, 16, 40, warn), long);
  t.is(promptFor(long, 16, undefined, () => {}), 'to be or not to ');
  t.throws(() => promptFor(long, 16, 20, warn), { instanceOf: UsageError });
});
