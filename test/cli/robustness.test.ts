/**
 * Issue 12's hostile cases, spawned as a user runs them: each ends in exactly one error line and
 * one hint line on stderr, no stack trace, and the right exit code (1 for a file or the
 * environment, 2 for usage) — never exit 70. Cases that need no display or GL run here; the
 * window's signals are in test/app/interactive.test.ts, --replot's curves in loss-plot.test.ts,
 * the file-level helpers in io-errors.test.ts and frame-files.test.ts.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { saveWeights } from '../../src/transformer/weights-file.js';
import { NPZ_HINT, readNpz } from '../../src/transformer/npz.js';
import { UserError } from '../../src/errors.js';
import { fileError } from '../../src/io-errors.js';
import type { BinOptions, BinResult } from '../helpers/bin.js';
import { assertUserError, lines, runBin } from '../helpers/bin.js';
import { HELLO, loadFixture } from '../helpers/fixtures.js';
import { fixtureWeights } from '../transformer/fixture-weights.js';
import { f32le, handNpy, handZip } from '../transformer/npz-builders.js';

const TMP = mkdtempSync(path.join(tmpdir(), 'gptviz-robust-'));
const TINY = ['--seq-len', '8', '--d-model', '8', '--heads', '2', '--d-ff', '16', '--blocks', '1', '--batch-size', '16', '--threads', '1'];
const SLOW = { timeoutMs: 120_000 };
/** runBin with a generous timeout: a loaded 2-core machine takes seconds per start. */
const run = (args: readonly string[], options: BinOptions = {}): Promise<BinResult> => runBin(args, { ...SLOW, ...options });

test.after.always(() => rmSync(TMP, { recursive: true, force: true }));

function corpus(name: string, repeat = 30): string {
  const file = path.join(TMP, name);
  writeFileSync(file, 'To be, or not to be, that is the question.\n'.repeat(repeat));
  return file;
}

// --- 1, 11: train --out is checked before any work, and never silently replaced -------------------

test('train --out that is a directory, or under a file, fails before training (exit 1)', async (t) => {
  const data = corpus('c1.txt');
  const dir = path.join(TMP, 'out-dir.npz');
  mkdirSync(dir);
  const r = await run(['train', ...TINY, '--data', data, '--out', dir]);
  t.is(assertUserError(t, r, 1, `cannot write ${dir}: it is a directory`), 'name a file, not a directory');
  t.is(r.stdout, '', 'nothing was trained');
  const under = path.join(data, 'w.npz');
  const r2 = await run(['train', ...TINY, '--data', data, '--out', under]);
  assertUserError(t, r2, 1, `cannot write ${under}: ${data} is not a directory`);
  t.is(r2.stdout, '');
});

test('train refuses to replace an existing --out unless --force or --init names it', async (t) => {
  const data = corpus('c2.txt');
  const out = path.join(TMP, 'keep.npz');
  writeFileSync(out, 'precious');
  const r = await run(['train', ...TINY, '--data', data, '--out', out, '--epochs', '1']);
  const hint = assertUserError(t, r, 1, `${out} already exists; a fresh training run would replace it`);
  t.regex(hint, /--force.*--init .*keep\.npz.*--out OTHER\.npz/);
  t.is(r.stdout, '');
  const forced = await run(['train', ...TINY, '--data', data, '--out', out, '--epochs', '1', '--force']);
  t.is(forced.code, 0, forced.stderr);
  t.true(readNpz(out).has('embedding'), 'replaced by the new weights');
});

test('train --data that is a directory or unreadable names the path and the cause (exit 1)', async (t) => {
  const dir = path.join(TMP, 'data-dir');
  mkdirSync(dir);
  const r = await run(['train', ...TINY, '--data', dir, '--out', path.join(TMP, 'd.npz')]);
  t.is(assertUserError(t, r, 1, `cannot read ${dir}: it is a directory`), 'pass a file, not a directory');
  const locked = corpus('locked.txt');
  chmodSync(locked, 0o000);
  const open = path.join(TMP, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  const r2 = await runAsOther(['train', ...TINY, '--data', locked, '--out', path.join(open, 'l.npz')]);
  if (r2 !== undefined) assertUserError(t, r2, 1, `cannot read ${locked}: permission denied`);
  else checkMapper(t, locked);
});

test('train on a corpus without vocabulary characters, or too short, says which (exit 1)', async (t) => {
  const none = path.join(TMP, 'digits.txt');
  writeFileSync(none, '1234567890'.repeat(100));
  const r = await run(['train', ...TINY, '--data', none, '--out', path.join(TMP, 'n.npz')]);
  assertUserError(t, r, 1, `${none} has no characters of the vocabulary (a–z, space and ! ' . ?)`);
  const short = corpus('short.txt', 1);
  const r2 = await run(['train', ...TINY, '--data', short, '--out', path.join(TMP, 's.npz')]);
  const hint = assertUserError(t, r2, 1, `${short} is too short: need at least 9 vocabulary characters in each split`);
  t.regex(hint, /90 characters or more.*--seq-len/);
});

test('a diverged run (--lr 1e30) stops with exit 1 and says nothing was saved', async (t) => {
  const data = corpus('c3.txt');
  const out = path.join(TMP, 'nan', 'w.npz');
  const r = await run(['train', ...TINY, '--data', data, '--out', out, '--epochs', '3', '--lr', '1e30']);
  const hint = assertUserError(t, r, 1, 'training diverged at epoch 1 (the loss is not finite); nothing was saved');
  t.regex(hint, /lower --lr/);
  t.false(existsSync(out));
});

test('train --check-grad --epochs 0 runs only the gradient check and reads no corpus', async (t) => {
  const r = await run(['train', '--check-grad', '--epochs', '0', ...TINY, '--data', path.join(TMP, 'absent.txt')], { cwd: TMP });
  t.is(r.code, 0, r.stderr);
  t.true(r.stdout.includes('All checks passed!'));
  t.false(r.stdout.includes('Loading'));
  t.false(existsSync(path.join(TMP, 'weights')), 'nothing written');
});

// --- 2, 3, 6, 12: weights files ---------------------------------------------------------------------

function fixtureFile(name: string, edit?: (w: ReturnType<typeof fixtureWeights>) => void): string {
  const w = fixtureWeights(loadFixture(HELLO));
  edit?.(w);
  const file = path.join(TMP, name);
  saveWeights(file, w);
  return file;
}

test('finite but extreme weights (3e38) say "<file> produces non-finite values" at any temperature (exit 1)', async (t) => {
  const file = fixtureFile('huge.npz', (w) => w.blocks[w.blocks.length - 1]!.W2.data.fill(3e38));
  for (const temperature of ['0', '0.3']) {
    const r = await run(['generate', '--text', 'hello', '--weights', file, '--temperature', temperature]);
    const hint = assertUserError(t, r, 1, `${file} produces non-finite values (a logit is NaN)`);
    t.regex(hint, /retrain them, or pass other --weights/);
    t.is(r.stdout, '');
  }
});

test('--weights without read permission names the file and the cause (exit 1)', async (t) => {
  const file = fixtureFile('locked.npz');
  chmodSync(file, 0o000);
  const r = await runAsOther(['generate', '--text', 'hello', '--weights', file]);
  if (r !== undefined) t.is(assertUserError(t, r, 1, `cannot read ${file}: permission denied`), `check the file's permissions (ls -l ${file})`);
  else checkMapper(t, file);
});

test('--weights /dev/null is "not a regular file", not "a directory"', async (t) => {
  const r = await run(['--text', 'hi', '--weights', '/dev/null']);
  assertUserError(t, r, 1, '--weights must be a file, but /dev/null is not a regular file');
});

test('every .npz format error is one line plus the weights-file hint', async (t) => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['text.npz', new TextEncoder().encode('hello'), /not a \.npz file \(not a zip archive\)$/],
    ['badnpy.npz', handZip([['embedding.npy', new Uint8Array(20)]]), /key embedding: not a \.npy array \(bad magic\)$/],
    ['truncated.npz', handZip([['embedding.npy', handNpy('<f4', '(32, 4)', f32le([1, 2]))]]), /key embedding: truncated data/],
    ['nokeys.npz', handZip([['other.npy', handNpy('<f4', '(1,)', f32le([1]))]]), /missing key 'embedding'/],
    ['dtype.npz', handZip([['embedding.npy', handNpy('>f4', '(1,)', f32le([1]))]]), /unsupported dtype '>f4'/],
  ];
  for (const [name, bytes, message] of cases) {
    const file = path.join(TMP, name);
    writeFileSync(file, bytes);
    const r = await run(['generate', '--text', 'hello', '--weights', file]);
    t.is(assertUserError(t, r, 1, message), NPZ_HINT, name);
  }
});

/** A zip whose one deflate entry declares `declared` bytes while holding `held` (never inflated). */
function lyingZip(held: number, declared: number, method = 8): Uint8Array {
  const zip = handZip([['embedding.npy', new Uint8Array(held).fill(7)]]);
  const v = new DataView(zip.buffer);
  const cd = 30 + 'embedding.npy'.length + held;
  v.setUint16(8, method, true);
  v.setUint32(22, declared, true);
  v.setUint16(cd + 10, method, true);
  v.setUint32(cd + 24, declared, true);
  return zip;
}

test('an .npz declaring a 1.9 GB entry is refused from its declared sizes, before inflating', async (t) => {
  const big = path.join(TMP, 'bomb.npz');
  writeFileSync(big, lyingZip(2_000_000, 1_900_000_000));
  const r = await run(['generate', '--text', 'hello', '--weights', big]);
  assertUserError(t, r, 1, `${big}: declares more than 256 MiB of arrays (entry embedding.npy: 1812 MiB)`);
  const lie = path.join(TMP, 'lie.npz');
  writeFileSync(lie, lyingZip(1000, 5_000_000));
  const r2 = await run(['generate', '--text', 'hello', '--weights', lie]);
  assertUserError(t, r2, 1, `${lie}, entry embedding.npy: declares 5000000 bytes, but holds 1000 (a corrupt archive)`);
});

// --- 6, 12: usage and messages ----------------------------------------------------------------------

test('a subcommand after flags says it must come first (exit 2)', async (t) => {
  const r = await run(['--text', 'x', 'generate']);
  const hint = assertUserError(t, r, 2, "the command 'generate' must come first");
  t.is(hint, "run it as: gptviz generate [flags] (see 'gptviz generate --help')");
});

test('contact-sheet --out must be a .png (exit 2); a missing folder is one line and a hint (exit 1)', async (t) => {
  const r = await run(['contact-sheet', '--out', path.join(TMP, 'x.jpg')]);
  assertUserError(t, r, 2, `--out must name a .png file (got '${path.join(TMP, 'x.jpg')}')`);
  const r2 = await run(['contact-sheet', '--out', path.join(TMP, 'no', 'x.png')]);
  t.is(assertUserError(t, r2, 1, /^cannot write .*x\.png: the folder .*no does not exist$/), 'create it first, or pick another --out path');
});

test('music --duration is 1–600, as the README says', async (t) => {
  const r = await run(['music', '--duration', '601', '--out', path.join(TMP, 'm.wav')]);
  assertUserError(t, r, 2, '--duration must be a number from 1 to 600 (got 601)');
});

test('one record-only flag "applies", several "apply"', async (t) => {
  const r = await run(['--fps', '30', '--text', 'hi', '--weights', path.join(TMP, 'none.npz')]);
  t.is(lines(r.stderr)[0], 'warning: --fps only applies to --record; ignored');
  assertUserError(t, r, 1, /^weights file not found/, 1);
});

// --- 4, 7, 12: display-side checks that fail before any GL ------------------------------------------

/** A DISPLAY that passes the "is there one?" check; these cases fail before connecting to it. */
const FAKE_DISPLAY = { DISPLAY: ':4242' };

test('a library that is not GLFW ≥ 3.3 says which version is needed (exit 1)', async (t) => {
  const r = await run(['--snapshot', '1', '--out', path.join(TMP, 's.png')], { env: { ...FAKE_DISPLAY, GPTVIZ_GLFW_LIB: 'libm.so.6' } });
  const hint = assertUserError(t, r, 1, 'libm.so.6 is not GLFW 3.3 or newer (it has no glfwInit)');
  t.regex(hint, /^gptviz needs GLFW ≥ 3\.3: install it with/);
});

test('--record into an output folder whose transformer.mp4 is a directory fails before rendering', async (t) => {
  const dir = path.join(TMP, 'rec');
  mkdirSync(path.join(dir, 'transformer.mp4'), { recursive: true });
  const r = await run(['--record', '--output-dir', dir], { env: FAKE_DISPLAY });
  const mp4 = path.join(dir, 'transformer.mp4');
  t.is(assertUserError(t, r, 1, `cannot write ${mp4}: it is a directory`), 'move that folder away, or pass another --output-dir');
});

test('--snapshot onto a directory name fails before rendering', async (t) => {
  const dir = path.join(TMP, 'frame.png');
  mkdirSync(dir);
  const r = await run(['--snapshot', '1', '--out', dir], { env: FAKE_DISPLAY });
  assertUserError(t, r, 1, `cannot write ${dir}: it is a directory`);
});

/**
 * Run the bin where a chmod 000 file is unreadable: as `nobody` when the tests run as root (root
 * reads anything). Undefined — and the check is done on the mapper instead — only when `nobody`
 * cannot even run the bin from this checkout (e.g. it lives under /root).
 */
async function runAsOther(args: string[]): Promise<BinResult | undefined> {
  if (process.getuid?.() !== 0) return run(args);
  chmodSync(TMP, 0o755);
  const probe = await run(['--version'], { uid: 65534 });
  if (probe.code !== 0) return undefined;
  return run(args, { uid: 65534, cwd: TMP });
}

/** Where no other user can run the bin: the same message from the mapper, for a real EACCES shape. */
function checkMapper(t: ExecutionContext, file: string): void {
  const e = fileError(Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' }), file, 'read');
  t.true(e instanceof UserError);
  t.is(e.message, `cannot read ${file}: permission denied`);
}
