/** Unit tests for the declarative flag layer (src/cli/flags.ts): typed values, every kind of usage error, help text. */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { UsageError } from '../../src/errors.js';
import { parseFlags, formatHelp, kebab, describeAccepted, checkNumber, closest } from '../../src/cli/flags.js';

const SPECS = {
  fps: { type: 'integer', default: 30, min: 1, max: 240, help: 'frame rate' },
  speed: { type: 'number', default: 1, min: 0.05, max: 20, help: 'speed multiplier' },
  temperature: { type: 'number', default: 0.3, min: 0, help: 'sampling temperature' },
  seed: { type: 'integer', help: 'seed' },
  width: { type: 'integer', default: 1920, min: 16, max: 8192, even: true, help: 'width' },
  format: { type: 'string', default: 'jpg', choices: ['jpg', 'png'], help: 'frame format' },
  text: { type: 'string', help: 'prompt', placeholder: 'TEXT' },
  maxDuration: { type: 'number', default: 180, min: 0, help: 'cap', placeholder: 'SECONDS' },
  record: { type: 'boolean', help: 'record' },
  out: { type: 'string', short: 'o', help: 'output file', placeholder: 'FILE.png' },
} as const;

function usage(t: ExecutionContext, argv: string[], message: string, command = ''): void {
  const err = t.throws(() => parseFlags(command, argv, SPECS), { instanceOf: UsageError });
  t.is(err?.message, message);
  t.is(err?.exitCode, 2);
  t.false(err?.message.includes('\n'));
}

test('defaults when nothing is given', (t) => {
  const { values, positionals, help } = parseFlags('', [], SPECS);
  t.deepEqual(values, {
    fps: 30, speed: 1, temperature: 0.3, seed: undefined, width: 1920, format: 'jpg',
    text: undefined, maxDuration: 180, record: false, out: undefined,
  });
  t.deepEqual(positionals, []);
  t.false(help);
  t.is(parseFlags('', [], SPECS).given.size, 0);
});

test('typed values: separate and inline, kebab-case, negative numbers, short alias, last wins', (t) => {
  const { values, given } = parseFlags('', [
    '--fps', '60', '--speed=2.5', '--seed', '-7', '--max-duration', '0', '--format', 'png',
    '--text', 'Hello', '--record', '-o', 'a.png', '--fps', '24',
  ], SPECS);
  t.is(values.fps, 24);
  t.is(values.speed, 2.5);
  t.is(values.seed, -7);
  t.is(values.maxDuration, 0);
  t.is(values.format, 'png');
  t.is(values.text, 'Hello');
  t.true(values.record);
  t.is(values.out, 'a.png');
  // Compile-time: defaults make values non-optional, choices narrow the string type.
  const typed: [number, 'jpg' | 'png', number | undefined, string | undefined, boolean] = [
    values.fps, values.format, values.seed, values.text, values.record,
  ];
  t.is(typed.length, 5);
  t.deepEqual([...given].sort(), ['format', 'fps', 'maxDuration', 'out', 'record', 'seed', 'speed', 'text']);
});

test('range and type errors name the flag and what is accepted', (t) => {
  usage(t, ['--fps', '500'], '--fps must be an integer from 1 to 240 (got 500)');
  usage(t, ['--fps', '0'], '--fps must be an integer from 1 to 240 (got 0)');
  usage(t, ['--fps', '29.97'], '--fps must be an integer from 1 to 240 (got 29.97)');
  usage(t, ['--fps', 'abc'], "--fps must be an integer from 1 to 240 (got 'abc')");
  usage(t, ['--speed', '0.01'], '--speed must be a number from 0.05 to 20 (got 0.01)');
  usage(t, ['--speed', 'Infinity'], "--speed must be a number from 0.05 to 20 (got 'Infinity')");
  usage(t, ['--speed', '0x10'], "--speed must be a number from 0.05 to 20 (got '0x10')");
  usage(t, ['--speed='], "--speed must be a number from 0.05 to 20 (got '')");
  usage(t, ['--temperature', '-1'], '--temperature must be a number of at least 0 (got -1)');
  usage(t, ['--seed', '1.5'], '--seed must be an integer (got 1.5)');
  usage(t, ['--width', '1001'], '--width must be an even integer from 16 to 8192 (got 1001)');
  usage(t, ['--width', '8'], '--width must be an even integer from 16 to 8192 (got 8)');
  usage(t, ['--format', 'gif'], "--format must be one of jpg, png (got 'gif')");
});

test('unknown flags, with a suggestion when one is close', (t) => {
  usage(t, ['--fsp', '3'], 'unknown flag --fsp (did you mean --fps?)');
  usage(t, ['--bogus'], 'unknown flag --bogus');
  usage(t, ['-x'], 'unknown flag -x');
  usage(t, ['--max-durration', '3'], 'unknown flag --max-durration (did you mean --max-duration?)');
});

test('missing values, values on booleans, stray positionals', (t) => {
  usage(t, ['--fps'], '--fps needs a value: an integer from 1 to 240');
  usage(t, ['--text'], '--text needs a value: TEXT');
  usage(t, ['--text', '--record'], '--text needs a value: TEXT');
  usage(t, ['--out'], '--out needs a value: FILE.png');
  usage(t, ['--format'], '--format needs a value: one of jpg, png');
  usage(t, ['--record=yes'], "--record takes no value (got '--record=yes')");
  usage(t, ['hello'], "unexpected argument 'hello' (flags start with --)");
});

test('the hint names the subcommand', (t) => {
  const err = t.throws(() => parseFlags('train', ['--nope'], SPECS), { instanceOf: UsageError });
  t.is(err?.hint, "run 'gptviz train --help' for usage");
  const top = t.throws(() => parseFlags('', ['--nope'], SPECS), { instanceOf: UsageError });
  t.is(top?.hint, "run 'gptviz --help' for usage");
});

test('positionals when allowed, up to the limit; `--` ends flags', (t) => {
  const r = parseFlags('x', ['a.npz', '--fps', '2', '--', '--not-a-flag'], SPECS, { positionals: 2, positionalName: 'FILE' });
  t.deepEqual(r.positionals, ['a.npz', '--not-a-flag']);
  t.is(r.values.fps, 2);
  const err = t.throws(() => parseFlags('x', ['a', 'b'], SPECS, { positionals: 1, positionalName: 'FILE' }));
  t.is(err?.message, "unexpected FILE 'b' (flags start with --)");
});

test('--help / -h wins over other problems and returns defaults', (t) => {
  for (const argv of [['--help'], ['-h'], ['--fps', '9999', '--help'], ['--bogus', '-h']]) {
    const r = parseFlags('', argv, SPECS);
    t.true(r.help, argv.join(' '));
    t.is(r.values.fps, 30);
  }
});

test('formatHelp lists every flag with placeholder, range and default, then sections', (t) => {
  const text = formatHelp('', 'Draw a tiny GPT.', SPECS, { sections: [{ title: 'Commands', lines: ['train   train the model'] }] });
  t.true(text.startsWith('Usage: gptviz [flags]\n'));
  for (const key of Object.keys(SPECS)) t.true(text.includes(`--${kebab(key)}`), key);
  t.regex(text, /--fps N +frame rate \(integer 1–240, default 30\)/);
  t.regex(text, /--format jpg\|png +frame format \(default jpg\)/);
  t.regex(text, /--temperature X +sampling temperature \(number ≥ 0, default 0.3\)/);
  t.regex(text, /-o, --out FILE\.png +output file/);
  t.regex(text, /-h, --help +show this help/);
  t.regex(text, /Commands:\n {2}train {3}train the model/);
  t.true(formatHelp('train', 's', {}).startsWith('Usage: gptviz train [flags]'));
});

test('helpers: kebab, describeAccepted, checkNumber, closest', (t) => {
  t.is(closest('trian', ['generate', 'train']), 'train');
  t.is(closest('sound', ['sounds', 'music']), 'sounds');
  t.is(closest('xyzzy', ['train']), undefined);
  t.is(kebab('maxDuration'), 'max-duration');
  t.is(kebab('outputDir'), 'output-dir');
  t.is(describeAccepted(SPECS.maxDuration), 'a number of at least 0');
  t.is(describeAccepted({ type: 'integer', max: 3, help: '' }), 'an integer of at most 3');
  t.is(checkNumber('', 'height', { type: 'integer', min: 16, max: 8192, even: true, help: '' }, '1080'), 1080);
  t.throws(() => checkNumber('', 'height', { type: 'integer', min: 16, max: 8192, even: true, help: '' }, '1081'), {
    message: '--height must be an even integer from 16 to 8192 (got 1081)',
  });
});
