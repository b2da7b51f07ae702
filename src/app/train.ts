/**
 * `gptviz train` (spec §2, issue 4), the work behind the flags: read the corpus, optionally check
 * gradients, train data-parallel over worker threads, print per-epoch lines (with a progress bar
 * on a TTY), checkpoint the best-validation weights atomically, write the loss curves as CSV and
 * PNG next to the weights (loss-plot.ts), and on Ctrl-C stop after the current step keeping the
 * best weights saved. `--replot` redraws the PNG from the CSV.
 *
 * What this is not: the flags (cli/train-command.ts), the training maths (transformer/train.ts
 * and friends) or the .npz format (transformer/npz.ts). `seed` seeds the per-epoch shuffle;
 * initialisation always uses the reference's seeds (spec §1.4).
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { UsageError, UserError } from '../errors.js';
import { fileError, prepareOutputFile } from '../io-errors.js';
import type { ModelConfig } from '../transformer/config.js';
import { makeConfig } from '../transformer/config.js';
import { prepareCorpus } from '../transformer/data.js';
import { checkGradients } from '../transformer/gradcheck.js';
import { initWeights } from '../transformer/init.js';
import { forward } from '../transformer/model.js';
import { encodeNpz, readNpz } from '../transformer/npz.js';
import { RandomState } from '../transformer/rng.js';
import type { BatchProgress, EpochStats, TrainOptions } from '../transformer/train.js';
import { Trainer } from '../transformer/train.js';
import { VOCAB_SIZE, cleanText, decode } from '../transformer/vocab.js';
import { weightsFromArrays, weightsToArrays } from '../transformer/weights-file.js';
import type { Weights } from '../transformer/weights.js';
import { lossCsv, lossPlotPng, parseLossCsv } from './loss-plot.js';

const DOWNLOAD_URL = 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt';

/**
 * What `gptviz train` was asked to do (cli/train-command.ts parses the flags into this): the
 * Trainer's hyper-parameters plus the files, the model shape and the run's switches.
 */
export interface TrainRunOptions extends Pick<TrainOptions, 'epochs' | 'batchSize' | 'lr' | 'lrMin' | 'maxNorm'> {
  readonly checkGrad: boolean;
  /** Let a fresh run replace an existing --out. */
  readonly force: boolean;
  /** Training corpus path. */
  readonly data: string;
  /** Where the best-validation weights go; the curves go next to it. */
  readonly out: string;
  /** Start from these weights (a later stage), or undefined. */
  readonly init: string | undefined;
  /** Seed of the per-epoch shuffle. */
  readonly seed: number;
  /** Worker threads; undefined = all cores. */
  readonly threads: number | undefined;
  readonly seqLen: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFf: number;
  readonly blocks: number;
}

const int = (n: number): string => n.toLocaleString('en-US');

/** Python's `{:.1e}` (two-digit exponent), as the reference prints the learning rate: 2.1e-03. */
export function sci1(x: number): string {
  return x.toExponential(1).replace(/e([+-])(\d)$/, 'e$10$2');
}

function epochLine(s: EpochStats): string {
  const w = String(s.epochs).length;
  return (
    `  Epoch ${String(s.epoch).padStart(Math.max(3, w))}/${s.epochs}  train_loss=${s.trainLoss.toFixed(3)}` +
    `  val_loss=${s.valLoss.toFixed(3)}  acc=${s.valAcc.toFixed(1)}%  lr=${sci1(s.lr)}` +
    `  grad_norm=${s.gradNorm.toFixed(3)}  ${s.seconds.toFixed(1)}s  ${int(Math.round(s.tokensPerSec))} tok/s` +
    (s.best ? '  *' : '')
  );
}

function progressBar(p: BatchProgress, epochs: number): string {
  const width = 24;
  const filled = Math.round((width * p.batch) / p.batches);
  const eta = (p.elapsed / p.batch) * (p.batches - p.batch);
  return (
    `  Epoch ${p.epoch}/${epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.batch}/${p.batches}` +
    `  ${int(Math.round(p.tokensPerSec))} tok/s  ETA ${eta.toFixed(0)}s`
  );
}

/** The .npz of spec §1.10 (reference key names and shapes), written atomically. */
function saveAtomic(file: string, weights: Weights): void {
  writeFileAtomic(file, encodeNpz(weightsToArrays(weights)));
}

/** Read a text file; errno problems (EISDIR, EACCES, …) become one-line UserErrors. */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw fileError(e, file, 'read');
  }
}

/** The training curves of a CSV file, or a one-line UserError naming the file. */
function readCurves(csvPath: string): EpochStats[] {
  const text = readText(csvPath);
  try {
    return parseLossCsv(text);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${csvPath}: ${e.message}`, { hint: e.hint });
    throw e;
  }
}

/**
 * Checks on --out before any work (issue 12): its folder exists or can be created and is
 * writable, the name is not a directory, and an existing file is replaced only with --force or
 * when the run continues from it (--init FILE = --out).
 */
function checkOut(out: string, force: boolean, init: string | undefined): void {
  prepareOutputFile(out);
  if (!existsSync(out) || force || (init !== undefined && path.resolve(init) === path.resolve(out))) return;
  throw new UserError(`${out} already exists; a fresh training run would replace it`, {
    hint: `pass --force to replace it, --init ${out} to continue from it, or --out OTHER.npz`,
  });
}

/** The model config the flags describe; a bad combination is a usage error (exit 2). */
function flagsConfig(o: TrainRunOptions): ModelConfig {
  try {
    return makeConfig({ seqLen: o.seqLen, dModel: o.dModel, numHeads: o.heads, dFF: o.dFf, numBlocks: o.blocks, vocabSize: VOCAB_SIZE });
  } catch (e) {
    if (e instanceof UserError) throw new UsageError(e.message, "run 'gptviz train --help' for usage");
    throw e;
  }
}

/**
 * The first chunk of Tiny Shakespeare (its opening lines, cleaned as the corpus is), for
 * `--check-grad --epochs 0`, which needs no corpus: the same chunk the check uses with the real
 * corpus, for any S up to the length of these lines.
 */
const OPENING = 'First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n';

function builtinChunk(seqLen: number): Int32Array {
  const corpus = prepareCorpus(OPENING.repeat(Math.ceil((4 * (seqLen + 1)) / OPENING.length) + 1), seqLen);
  return corpus.train.ids.subarray(0, seqLen + 1);
}

/** Spec §2.5: print the gradient check; false when a group failed. */
function gradientCheck(weights: Weights, chunk: Int32Array, log: (s: string) => void): boolean {
  const rows = checkGradients(weights, chunk);
  log(`  Checking ${rows.length} parameter groups (float64 central differences)...`);
  for (const r of rows) {
    const kink = r.kinks > 0 ? `  (${r.kinks} skipped: ReLU kink)` : '';
    log(`    ${r.name.padEnd(15)} max_rel_err=${r.maxRelErr.toExponential(2)}  ${r.ok ? '[OK]' : '[FAIL]'}${kink}`);
  }
  if (!rows.every((r) => r.ok)) {
    log('  Some checks FAILED!');
    return false;
  }
  log('  All checks passed!');
  return true;
}

/** Paths of the curves next to the weights: FILE.npz → FILE.loss.csv, FILE.loss.png. */
function curvePaths(out: string): { csvPath: string; pngPath: string } {
  const stem = out.endsWith('.npz') ? out.slice(0, -4) : out;
  return { csvPath: `${stem}.loss.csv`, pngPath: `${stem}.loss.png` };
}

/** --replot: redraw the PNG from the CSV (e.g. after a run, with a newer chart). */
export async function replot(out: string): Promise<number> {
  const { csvPath, pngPath } = curvePaths(out);
  if (!existsSync(csvPath)) throw new UserError(`no training curves at ${csvPath}`, { hint: 'train first, or pass --out FILE.npz' });
  writeFileAtomic(pngPath, await lossPlotPng(readCurves(csvPath)));
  process.stdout.write(`wrote ${pngPath}\n`);
  return 0;
}

/** The --init weights, which must have the shape the flags describe. */
function loadInit(file: string, config: ModelConfig): Weights {
  if (!existsSync(file)) throw new UserError(`--init weights file not found: ${file}`, { hint: 'check the path' });
  const w = weightsFromArrays(readNpz(file), file, { numHeads: config.numHeads });
  const c = w.config;
  const names = { seqLen: 'seq_len', dModel: 'd_model', dFF: 'd_ff', numBlocks: 'blocks' } as const;
  const mismatch = (['seqLen', 'dModel', 'dFF', 'numBlocks'] as const).find((k) => c[k] !== config[k]);
  if (mismatch !== undefined) {
    throw new UserError(`${file} has ${names[mismatch]} ${c[mismatch]}, but the flags ask for ${config[mismatch]}`, {
      hint: 'pass the matching --seq-len/--d-model/--d-ff/--blocks',
    });
  }
  return w;
}

/** Spec §2.4: greedy predictions of the final in-memory model for the first validation chunks. */
function samplePredictions(weights: Weights, val: Int32Array, count: number, log: (s: string) => void): void {
  const S = weights.config.seqLen;
  log('=== Sample Predictions ===');
  for (let c = 0; c < count; c++) {
    const ids = val.subarray(c * (S + 1), c * (S + 1) + S);
    const pred = forward(weights, ids).predictedIds!;
    log(`  in: ${JSON.stringify(decode(ids).slice(0, 20)).padEnd(22)} | pred: ${JSON.stringify(decode(pred))}`);
  }
}

/** Train as `o` says; returns the exit code (0, 1 after a failed gradient check, 130 after Ctrl-C). */
export async function train(o: TrainRunOptions): Promise<number> {
  const config = flagsConfig(o);
  const log = (s: string): void => {
    process.stdout.write(`${s}\n`);
  };
  if (o.epochs === 0) {
    // `--check-grad --epochs 0`: only the gradient check (as the reference), no corpus, no output.
    if (!o.checkGrad) throw new UsageError('--epochs 0 trains nothing (it only goes with --check-grad)', "run 'gptviz train --help' for usage");
    const weights = o.init === undefined ? initWeights(config) : loadInit(o.init, config);
    return gradientCheck(weights, builtinChunk(config.seqLen), log) ? 0 : 1;
  }
  const weights = o.init === undefined ? initWeights(config) : loadInit(o.init, config);
  const out = o.out;
  checkOut(out, o.force, o.init);
  if (!existsSync(o.data)) {
    throw new UserError(`training data ${o.data} not found`, {
      hint: `download Tiny Shakespeare from ${DOWNLOAD_URL} and pass it with --data FILE`,
    });
  }
  const threads = o.threads ?? Math.max(1, os.availableParallelism());

  log(`Loading Tiny Shakespeare from ${o.data}...`);
  const text = readText(o.data);
  const corpus = prepareCorpus(text, config.seqLen);
  log(`  ${int(corpus.chars)} characters`);
  log(`  train chunks: ${int(corpus.train.count)}, val chunks: ${int(corpus.val.count)}`);
  if (corpus.train.count === 0 && cleanText(text).kept === '') {
    throw new UserError(`${o.data} has no characters of the vocabulary (a–z, space and ! ' . ?)`, {
      hint: 'train on English plain text, e.g. Tiny Shakespeare: ' + DOWNLOAD_URL,
    });
  }
  if (corpus.train.count === 0 || corpus.val.count === 0) {
    throw new UserError(`${o.data} is too short: need at least ${config.seqLen + 1} vocabulary characters in each split`, {
      hint: `give a longer text (${int(10 * (config.seqLen + 1))} characters or more: validation is its last 10 %), or a smaller --seq-len`,
    });
  }
  log(`  d_model=${config.dModel}, seq_len=${config.seqLen}, heads=${config.numHeads}, d_ff=${config.dFF}, blocks=${config.numBlocks}`);
  log(`  vocab size: ${config.vocabSize}, threads: ${threads}`);

  if (o.checkGrad && !gradientCheck(weights, corpus.train.ids.subarray(0, config.seqLen + 1), log)) return 1;

  const { csvPath, pngPath } = curvePaths(out);
  const shuffleRng = new RandomState(o.seed);
  const trainer = new Trainer(weights, corpus, {
    epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, lrMin: o.lrMin, maxNorm: o.maxNorm, threads,
    shuffle: (n) => shuffleRng.permutation(n),
  });
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\n  Interrupted: stopping after this step (Ctrl-C again to quit at once)...\n');
  };
  process.on('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  let diverged: number | undefined;
  // A later stage (--init) continues the curves already next to --out, numbering on.
  const history: EpochStats[] = o.init !== undefined && existsSync(csvPath) ? readCurves(csvPath) : [];
  const epochOffset = history.length;
  try {
    let initialBest = Infinity;
    if (o.init !== undefined) {
      const start = await trainer.evaluate();
      initialBest = start.valLoss;
      log(`  starting from ${o.init}: val_loss=${start.valLoss.toFixed(3)}  acc=${start.valAcc.toFixed(1)}%`);
    }
    log(`=== Training: ${o.epochs} epochs, batch_size=${o.batchSize}, lr=${o.lr} ===`);
    const result = await trainer.run({
      onBatch: (p) => {
        const now = performance.now();
        if (!tty || (now - lastDraw < 200 && p.batch !== p.batches)) return;
        lastDraw = now;
        process.stderr.write(`\r${progressBar(p, o.epochs)}\x1b[K`);
      },
      onBest: (best) => saveAtomic(out, best),
      onEpoch: async (s) => {
        if (tty) process.stderr.write('\r\x1b[K');
        log(epochLine(s));
        if (!Number.isFinite(s.trainLoss) || !Number.isFinite(s.valLoss)) diverged ??= s.epoch;
        history.push({ ...s, epoch: epochOffset + s.epoch });
        writeFileAtomic(csvPath, lossCsv(history));
        writeFileAtomic(pngPath, await lossPlotPng(history));
      },
      shouldStop: () => stop || diverged !== undefined,
    }, initialBest);
    if (tty) process.stderr.write('\r\x1b[K');
    if (diverged !== undefined) {
      const kept = result.best === null ? 'nothing was saved' : `the best weights so far are in ${out}`;
      throw new UserError(`training diverged at epoch ${diverged} (the loss is not finite); ${kept}`, {
        hint: 'lower --lr (or --max-norm) and train again',
      });
    }
    if (result.best === null) {
      log(result.interrupted ? '  Stopped before any epoch improved: nothing saved.' : '  No epoch improved on the starting weights: nothing saved.');
      return result.interrupted ? 130 : 0;
    }
    log(`${result.interrupted ? 'Interrupted' : 'Done'}. Best val_loss=${result.bestValLoss.toFixed(3)}`);
    log(`  weights: ${out}`);
    log(`  curves:  ${csvPath}, ${pngPath}`);
    samplePredictions(trainer.params, corpus.val.ids, Math.min(5, corpus.val.count), log);
    return result.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    await trainer.close();
  }
}
