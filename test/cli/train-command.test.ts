/**
 * `gptviz train` spawned as a user runs it (issue 4): bad flags and a missing corpus give one
 * error line plus a hint; a tiny run on a small corpus prints the header and one line per epoch
 * and writes the weights (.npz with the reference keys), the CSV and the PNG next to them.
 */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpz } from '../../src/transformer/npz.js';
import { sci1 } from '../../src/app/train.js';
import { spawn } from 'node:child_process';
import { BIN, lines, runBin } from '../helpers/bin.js';

const TMP = mkdtempSync(join(tmpdir(), 'gptviz-train-'));
const TINY = ['--seq-len', '8', '--d-model', '8', '--heads', '2', '--d-ff', '16', '--blocks', '1', '--batch-size', '16'];

test('bad flags are one-line usage errors (exit 2)', async (t) => {
  for (const [args, msg] of [
    [['--epochs', '0'], '--epochs 0 trains nothing (it only goes with --check-grad)'],
    [['--epochs', '-1'], '--epochs must be an integer of at least 0 (got -1)'],
    [['--lr', 'fast'], "--lr must be a number of at least 0 (got 'fast')"],
    [['--bogus'], 'unknown flag --bogus'],
  ] as const) {
    const r = await runBin(['train', ...args]);
    t.is(r.code, 2, args.join(' '));
    t.is(lines(r.stderr)[0], `gptviz: error: ${msg}`);
    t.is(lines(r.stderr).length, 2);
  }
});

test('a config error names the numbers and is a usage error (exit 2)', async (t) => {
  for (const args of [['--d-model', '10', '--heads', '4'], ['--heads', '3']]) {
    const r = await runBin(['train', ...args]);
    t.is(r.code, 2);
    const err = lines(r.stderr);
    t.is(err.length, 2, r.stderr);
    t.regex(err[0]!, /^gptviz: error: d_model \(1[06]\) must be divisible by num_heads \([34]\)$/);
    t.is(err[1], "run 'gptviz train --help' for usage");
  }
});

test('a missing corpus says where to download Tiny Shakespeare and how to pass --data', async (t) => {
  const r = await runBin(['train', '--data', join(TMP, 'nope.txt')], { cwd: TMP });
  t.is(r.code, 1);
  const err = lines(r.stderr);
  t.is(err.length, 2);
  t.regex(err[0]!, /^gptviz: error: training data .*nope\.txt not found$/);
  t.regex(err[1]!, /karpathy\/char-rnn.*tinyshakespeare.*--data FILE/);
});

test('a tiny run checks gradients, prints epoch lines and writes weights, CSV and PNG', async (t) => {
  const data = join(TMP, 'corpus.txt');
  writeFileSync(data, 'To be, or not to be, that is the question:\nWhether tis nobler in the mind to suffer\n'.repeat(12));
  const out = join(TMP, 'w', 'tiny.npz');
  const r = await runBin(['train', ...TINY, '--data', data, '--out', out, '--epochs', '2', '--threads', '2', '--check-grad'], {
    timeoutMs: 60_000,
  });
  t.is(r.code, 0, r.stderr);
  const o = lines(r.stdout);
  t.true(o.some((l) => l.includes('All checks passed!')));
  t.true(o.some((l) => l.trim() === '=== Training: 2 epochs, batch_size=16, lr=0.003 ==='));
  const epochs = o.filter((l) => /^ {2}Epoch +\d+\/2 +train_loss=\d\.\d{3} +val_loss=\d\.\d{3} +acc=\d+\.\d% +lr=\d\.\de-0\d/.test(l));
  t.is(epochs.length, 2);
  t.true(o.some((l) => /^Done\. Best val_loss=\d\.\d{3}$/.test(l)));
  t.true(o.some((l) => /^ {2}in: ".*" +\| pred: ".*"$/.test(l)), 'sample predictions');
  const npz = readNpz(out);
  t.deepEqual(npz.get('embedding')!.shape, [32, 8]);
  t.deepEqual(npz.get('block0_b1')!.shape, [16]);
  t.is(npz.size, 2 + 12);
  const csv = readFileSync(join(TMP, 'w', 'tiny.loss.csv'), 'utf8').trim().split('\n');
  t.is(csv.length, 3);
  t.true(existsSync(join(TMP, 'w', 'tiny.loss.png')));
  t.deepEqual(readdirSync(join(TMP, 'w')).filter((f) => f.includes('.tmp') || f.includes('.partial')), [], 'no temporary files left');
});

test('Ctrl-C after an epoch keeps the best weights, writes the curves and exits cleanly', async (t) => {
  const data = join(TMP, 'corpus2.txt');
  writeFileSync(data, 'All the world is a stage, and all the men and women merely players.\n'.repeat(20));
  const out = join(TMP, 'int', 'w.npz');
  const child = spawn(process.execPath, [BIN, 'train', ...TINY, '--data', data, '--out', out, '--epochs', '100000', '--threads', '1']);
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!sent && /Epoch +2\//.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('close', resolve);
  });
  t.is(code, 130, stderr);
  t.true(stderr.includes('Interrupted'));
  t.false(stderr.includes('Error'), stderr);
  t.regex(stdout, /Interrupted\. Best val_loss=\d\.\d{3}/);
  t.true(readNpz(out).has('block0_W_Q'));
  t.true(readFileSync(join(TMP, 'int', 'w.loss.csv'), 'utf8').trim().split('\n').length >= 3);
});

test('the learning rate prints like Python {:.1e}', (t) => {
  t.is(sci1(3e-3), '3.0e-03');
  t.is(sci1(2.06e-4), '2.1e-04');
  t.is(sci1(1e-10), '1.0e-10');
  t.is(sci1(12.6), '1.3e+01');
});

test('--init continues from a file: curves numbered on, shapes checked', async (t) => {
  const data = join(TMP, 'corpus3.txt');
  writeFileSync(data, 'Now is the winter of our discontent made glorious summer by this sun of york.\n'.repeat(16));
  const out = join(TMP, 'stage', 'w.npz');
  const first = await runBin(['train', ...TINY, '--data', data, '--out', out, '--epochs', '2', '--threads', '1']);
  t.is(first.code, 0, first.stderr);
  const second = await runBin(['train', ...TINY, '--data', data, '--out', out, '--epochs', '1', '--threads', '1', '--init', out]);
  t.is(second.code, 0, second.stderr);
  t.regex(second.stdout, /starting from .*w\.npz: val_loss=\d\.\d{3} {2}acc=\d+\.\d%/);
  const csv = readFileSync(join(TMP, 'stage', 'w.loss.csv'), 'utf8').trim().split('\n');
  t.deepEqual(csv.slice(1).map((l) => l.split(',')[0]), ['1', '2', '3']);
  const png = join(TMP, 'stage', 'w.loss.png');
  const before = readFileSync(png);
  rmSync(png);
  const re = await runBin(['train', '--replot', '--out', out]);
  t.is(re.code, 0, re.stderr);
  t.is(lines(re.stdout)[0], `wrote ${png}`);
  t.deepEqual(readFileSync(png), before, 'the same chart, redrawn from the CSV alone');
  const none = await runBin(['train', '--replot', '--out', join(TMP, 'none.npz')]);
  t.is(none.code, 1);
  t.regex(lines(none.stderr)[0]!, /^gptviz: error: no training curves at .*none\.loss\.csv$/);
  const bad = await runBin(['train', ...TINY.slice(2), '--seq-len', '9', '--data', data, '--init', out]);
  t.is(bad.code, 1);
  t.is(lines(bad.stderr)[0], `gptviz: error: ${out} has seq_len 8, but the flags ask for 9`);
});
