/**
 * The real bin, spawned as a user runs it: every bad input gives exactly one error line plus one
 * hint line on stderr, no stack trace, and exit code 2 (usage) or 1 (environment); --help lists
 * every flag and subcommand; --version prints package.json's version. Nothing here opens a window.
 */
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBin, lines } from '../helpers/bin.js';
import { PACKAGE_ROOT, VIEW_FLAGS } from '../../src/cli/options.js';
import { SUBCOMMANDS } from '../../src/cli/help.js';
import { kebab } from '../../src/cli/flags.js';

const TMP = mkdtempSync(join(tmpdir(), 'gptviz-bin-'));
const MISSING = join(TMP, 'missing.npz');

/** [argv, exit code, the exact error message (after "gptviz: error: ")]. */
const BAD: readonly (readonly [string[], number, string])[] = [
  [['--bogus'], 2, 'unknown flag --bogus'],
  [['--fsp', '30'], 2, 'unknown flag --fsp (did you mean --fps?)'],
  [['--fps'], 2, '--fps needs a value: an integer from 1 to 240'],
  [['--weights'], 2, '--weights needs a value: FILE.npz'],
  [['--fps', 'fast'], 2, "--fps must be an integer from 1 to 240 (got 'fast')"],
  [['--fps', '500'], 2, '--fps must be an integer from 1 to 240 (got 500)'],
  [['--fps', '0'], 2, '--fps must be an integer from 1 to 240 (got 0)'],
  [['--speed', '0.01'], 2, '--speed must be a number from 0.05 to 20 (got 0.01)'],
  [['--speed', '25'], 2, '--speed must be a number from 0.05 to 20 (got 25)'],
  [['--width', '8'], 2, '--width must be an integer from 16 to 8192 (got 8)'],
  [['--height', '9000'], 2, '--height must be an integer from 16 to 8192 (got 9000)'],
  [['--record', '--width', '1001'], 2, '--width must be an even integer from 16 to 8192 for video (got 1001)'],
  [['--record', '--height', '719'], 2, '--height must be an even integer from 16 to 8192 for video (got 719)'],
  [['--temperature', '-0.5'], 2, '--temperature must be a number of at least 0 (got -0.5)'],
  [['--seed', '1.5'], 2, '--seed must be an integer from 0 to 4294967295 (got 1.5)'],
  [['--seed', 'abc'], 2, "--seed must be an integer from 0 to 4294967295 (got 'abc')"],
  [['--format', 'gif'], 2, "--format must be one of jpg, png (got 'gif')"],
  [['--max-duration', '-1'], 2, '--max-duration must be a number of at least 0 (got -1)'],
  [['--record=yes'], 2, "--record takes no value (got '--record=yes')"],
  [['trian'], 2, "unknown command 'trian' (did you mean train?)"],
  [['hello'], 2, "unknown command 'hello' (commands: generate, train, music, sounds, contact-sheet; flags start with --)"],
  [['--snapshot', '2', '--out', 'a.png', '--record'], 2, '--snapshot and --record cannot be combined (one PNG or one video)'],
  [['--out', 'a.png'], 2, '--out only applies to --snapshot SECONDS'],
  [['--snapshot', '2'], 2, '--snapshot needs --out FILE.png'],
  [['--snapshot', '2', '--out', 'a.jpg'], 2, "--out must name a .png file (got 'a.jpg')"],
  [['--snapshot', '-1', '--out', 'a.png'], 2, '--snapshot must be a number of at least 0 (got -1)'],
  [['--text', '', '--weights', MISSING], 2, '--text is empty (leave it out for the random-weights mode)'],
  [['--text', ',,11', '--weights', MISSING], 2, '--text has no characters in the vocabulary (dropped ",", "1")'],
  [['--text', 'hello', '--weights', MISSING], 1, `weights file not found: ${MISSING} (--text needs a trained model)`],
  [['--text', 'hello', '--weights', TMP], 1, `--weights must be a file, but ${TMP} is a directory`],
];

for (const [argv, code, message] of BAD) {
  test(`gptviz ${argv.map((a) => JSON.stringify(a)).join(' ')} → exit ${code}: ${message}`, async (t) => {
    const r = await runBin(argv);
    t.is(r.code, code);
    t.is(r.stdout, '');
    const err = lines(r.stderr);
    t.is(err.length, 2, r.stderr);
    t.is(err[0], `gptviz: error: ${message}`);
    t.notRegex(r.stderr, /\n\s+at |internal error/); // no stack trace
  });
}

test('hints: usage errors point at --help; missing weights say how to train or pass --weights', async (t) => {
  const usage = await runBin(['--fps', '500']);
  t.is(lines(usage.stderr)[1], "run 'gptviz --help' for usage");
  const weights = await runBin(['--text', 'hello', '--weights', MISSING]);
  t.regex(lines(weights.stderr)[1]!, /gptviz train.*--weights/);
  const vocab = await runBin(['--text', '123', '--weights', MISSING]);
  t.regex(lines(vocab.stderr)[1]!, /a–z, space/);
});

test('dropped characters: one warning naming them, before the (weights) error', async (t) => {
  const r = await runBin(['--text', 'Hello, World 1', '--weights', MISSING]);
  t.is(r.code, 1);
  const err = lines(r.stderr);
  t.is(err[0], 'warning: dropped characters not in the vocabulary: ",", "1"');
  t.regex(err[1]!, /^gptviz: error: weights file not found/);
  t.is(err.length, 3);
});

test('--help lists every flag, every subcommand and the controls, on stdout, exit 0', async (t) => {
  const r = await runBin(['--help']);
  t.is(r.code, 0);
  t.is(r.stderr, '');
  for (const key of Object.keys(VIEW_FLAGS)) t.true(r.stdout.includes(`--${kebab(key)}`), key);
  t.true(r.stdout.includes('--help'));
  for (const c of SUBCOMMANDS) t.regex(r.stdout, new RegExp(`^ +${c.name} `, 'm'), c.name);
  for (const word of ['Space', 'Esc', 'default 0.3', 'default 180', 'default 30', 'default 1920', 'default jpg']) {
    t.true(r.stdout.includes(word), word);
  }
  for (const alias of [['-h'], ['help']]) {
    const again = await runBin(alias);
    t.is(again.code, 0);
    t.is(again.stdout, r.stdout);
  }
});

test('--version prints the version in package.json', async (t) => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const r = await runBin([flag]);
    t.is(r.code, 0);
    t.is(r.stdout, `${pkg.version}\n`);
    t.is(r.stderr, '');
  }
});

test('the bin works from another working directory (paths come from the package, not the cwd)', async (t) => {
  const r = await runBin(['--version'], { cwd: TMP });
  t.is(r.code, 0);
  t.regex(r.stdout, /^\d+\.\d+\.\d+/);
});
