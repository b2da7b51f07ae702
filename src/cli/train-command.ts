/**
 * `gptviz train` (spec §2, issue 4): read the corpus, optionally check gradients, train
 * data-parallel over worker threads, print per-epoch lines (with a progress bar on a TTY),
 * checkpoint the best-validation weights atomically, write the loss curves as CSV and PNG next
 * to the weights, and on Ctrl-C stop after the current step keeping the best weights saved.
 *
 * What this is not: the training maths (transformer/train.ts and friends) or the .npz format
 * (transformer/npz.ts). `--seed` seeds the per-epoch shuffle (default 0, as the reference);
 * initialisation always uses the reference's seeds (spec §1.4).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { ModelConfig } from '../transformer/config.js';
import { makeConfig } from '../transformer/config.js';
import { prepareCorpus } from '../transformer/data.js';
import { checkGradients } from '../transformer/gradcheck.js';
import { initWeights } from '../transformer/init.js';
import { lossCsv, lossPlotPng, parseLossCsv } from '../transformer/loss-plot.js';
import { encodeNpz, readNpz } from '../transformer/npz.js';
import { weightsFromArrays, weightsToArrays } from '../transformer/weights-file.js';
import { RandomState } from '../transformer/rng.js';
import type { BatchProgress, EpochStats, TrainHooks } from '../transformer/train.js';
import type { ThreadedTrainer } from '../transformer/threaded-trainer.js';
import { Trainer } from '../transformer/train.js';
import { TrainWatch, checkTrainWatch } from '../app/train-watch.js';
import { forward } from '../transformer/model.js';
import { VOCAB_SIZE, decode } from '../transformer/vocab.js';
import type { Weights } from '../transformer/weights.js';
import { formatHelp, parseFlags } from './flags.js';

const DOWNLOAD_URL = 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt';

const SPECS = {
  epochs: { type: 'integer', default: 150, min: 1, help: 'training epochs (the cosine schedule scales with it)' },
  batchSize: { type: 'integer', default: 64, min: 1, help: 'examples per optimiser step' },
  lr: { type: 'number', default: 3e-3, min: 0, help: 'peak learning rate' },
  lrMin: { type: 'number', default: 1e-4, min: 0, help: 'floor of the cosine schedule' },
  maxNorm: { type: 'number', default: 1.0, min: 0, help: 'global gradient-norm clip' },
  checkGrad: { type: 'boolean', help: 'run the float64 numerical gradient check first; stop on failure' },
  data: { type: 'string', default: 'data/tinyshakespeare.txt', placeholder: 'FILE', help: 'training corpus' },
  out: { type: 'string', default: 'weights/charlm.npz', placeholder: 'FILE.npz', help: 'best-validation weights' },
  replot: { type: 'boolean', help: 'only redraw the .loss.png next to --out from its .loss.csv, then exit' },
  init: {
    type: 'string', placeholder: 'FILE.npz',
    help: 'start from these weights (a later training stage); --out is only replaced by better ones',
  },
  seed: { type: 'integer', default: 0, min: 0, max: 0xffffffff, help: 'seed of the per-epoch shuffle' },
  threads: { type: 'integer', min: 1, max: 256, help: 'data-parallel worker threads, all cores when omitted' },
  seqLen: { type: 'integer', default: 16, min: 1, max: 4096, help: 'S: context length' },
  dModel: { type: 'integer', default: 16, min: 1, max: 4096, help: 'D: embedding width' },
  heads: { type: 'integer', default: 4, min: 1, max: 256, help: 'H: attention heads' },
  dFf: { type: 'integer', default: 128, min: 1, max: 65536, help: 'F: feed-forward width' },
  blocks: { type: 'integer', default: 4, min: 1, max: 64, help: 'B: transformer blocks' },
  watch: {
    type: 'boolean',
    help: 'show the training live in a window (Space pauses the view, Esc stops training keeping the best weights)',
  },
  video: { type: 'string', placeholder: 'FILE.mp4', help: 'write a timelapse of the training view (1920×1080, 30 fps, H.264)' },
  videoEvery: { type: 'integer', min: 1, help: 'optimiser steps per video frame (default: ≈ 40 s of video for 150 epochs)' },
} as const;

const SUMMARY =
  'Train the character-level model on Tiny Shakespeare (Adam, warm-up + cosine schedule, global-norm\n' +
  'clipping, data-parallel over worker threads). Saves the best-validation weights to --out and the\n' +
  'loss curves next to them (.loss.csv, .loss.png). Ctrl-C stops and keeps the best weights.';

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

/** Write `data` to `file` through a temporary file and a rename (never a half-written file). */
function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** The .npz of spec §1.10 (reference key names and shapes), written atomically. */
function saveAtomic(file: string, weights: Weights): void {
  writeAtomic(file, encodeNpz(weightsToArrays(weights)));
}

/** Paths of the curves next to the weights: FILE.npz → FILE.loss.csv, FILE.loss.png. */
function curvePaths(out: string): { csvPath: string; pngPath: string } {
  const stem = out.endsWith('.npz') ? out.slice(0, -4) : out;
  return { csvPath: `${stem}.loss.csv`, pngPath: `${stem}.loss.png` };
}

/** --replot: redraw the PNG from the CSV (e.g. after a run, with a newer chart). */
async function replot(out: string): Promise<number> {
  const { csvPath, pngPath } = curvePaths(out);
  if (!existsSync(csvPath)) throw new UserError(`no training curves at ${csvPath}`, { hint: 'train first, or pass --out FILE.npz' });
  writeAtomic(pngPath, await lossPlotPng(parseLossCsv(readFileSync(csvPath, 'utf8'))));
  process.stdout.write(`wrote ${pngPath}\n`);
  return 0;
}

/** The --init weights, which must have the shape the flags describe. */
function loadInit(file: string, config: ModelConfig): Weights {
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

export async function run(argv: string[]): Promise<number> {
  const { values: o, help, given } = parseFlags('train', argv, SPECS);
  if (help) {
    process.stdout.write(formatHelp('train', SUMMARY, SPECS));
    return 0;
  }
  if (o.replot) return replot(o.out);
  const config = makeConfig({
    seqLen: o.seqLen, dModel: o.dModel, numHeads: o.heads, dFF: o.dFf, numBlocks: o.blocks, vocabSize: VOCAB_SIZE,
  });
  if (!existsSync(o.data)) {
    throw new UserError(`training data ${o.data} not found`, {
      hint: `download Tiny Shakespeare from ${DOWNLOAD_URL} and pass it with --data FILE`,
    });
  }
  const watching = o.watch || o.video !== undefined;
  const ffmpeg = checkTrainWatch(o.watch, o.video); // no display / no ffmpeg / unwritable --video: fail before any work
  const threads = given.has('threads') && o.threads !== undefined ? o.threads : Math.max(1, os.availableParallelism());
  const log = (s: string): void => {
    process.stdout.write(`${s}\n`);
  };

  log(`Loading Tiny Shakespeare from ${o.data}...`);
  const corpus = prepareCorpus(readFileSync(o.data, 'utf8'), config.seqLen);
  log(`  ${int(corpus.chars)} characters`);
  log(`  train chunks: ${int(corpus.train.count)}, val chunks: ${int(corpus.val.count)}`);
  if (corpus.train.count === 0 || corpus.val.count === 0) {
    throw new UserError(`${o.data} is too short: need at least ${config.seqLen + 1} vocabulary characters in each split`);
  }
  log(`  d_model=${config.dModel}, seq_len=${config.seqLen}, heads=${config.numHeads}, d_ff=${config.dFF}, blocks=${config.numBlocks}`);
  log(`  vocab size: ${config.vocabSize}, threads: ${threads}`);
  const weights = o.init === undefined ? initWeights(config) : loadInit(o.init, config);

  if (o.checkGrad) {
    const rows = checkGradients(weights, corpus.train.ids.subarray(0, config.seqLen + 1));
    log(`  Checking ${rows.length} parameter groups (float64 central differences)...`);
    for (const r of rows) {
      const kink = r.kinks > 0 ? `  (${r.kinks} skipped: ReLU kink)` : '';
      log(`    ${r.name.padEnd(15)} max_rel_err=${r.maxRelErr.toExponential(2)}  ${r.ok ? '[OK]' : '[FAIL]'}${kink}`);
    }
    if (!rows.every((r) => r.ok)) {
      log('  Some checks FAILED!');
      return 1;
    }
    log('  All checks passed!');
  }

  const out = o.out;
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const { csvPath, pngPath } = curvePaths(out);
  const shuffleRng = new RandomState(o.seed);
  const trainOpts = { epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, lrMin: o.lrMin, maxNorm: o.maxNorm, threads };
  // --watch/--video: the same training in its own thread, drawn by app/train-watch.ts.
  const watch = watching ? TrainWatch.open({
    watch: o.watch, video: o.video, videoEvery: o.videoEvery, config, log, ffmpeg,
    shape: { epochs: o.epochs, batches: Math.ceil(corpus.train.count / o.batchSize), lr: o.lr, lrMin: o.lrMin },
  }, weights) : undefined;
  let trainer: Trainer | ThreadedTrainer;
  try {
    trainer = watch !== undefined ? await watch.start(weights, corpus, { ...trainOpts, seed: o.seed })
      : new Trainer(weights, corpus, { ...trainOpts, shuffle: (n) => shuffleRng.permutation(n) });
  } catch (e) {
    watch?.close();
    throw e;
  }
  let stop = false;
  const onSigint = (): void => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\n  Interrupted: stopping after this step (Ctrl-C again to quit at once)...\n');
  };
  process.on('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  // A later stage (--init) continues the curves already next to --out, numbering on.
  const history: EpochStats[] = o.init !== undefined && existsSync(csvPath) ? parseLossCsv(readFileSync(csvPath, 'utf8')) : [];
  const epochOffset = history.length;
  try {
    let initialBest = Infinity;
    if (o.init !== undefined) {
      const start = await trainer.evaluate();
      initialBest = start.valLoss;
      log(`  starting from ${o.init}: val_loss=${start.valLoss.toFixed(3)}  acc=${start.valAcc.toFixed(1)}%`);
    }
    log(`=== Training: ${o.epochs} epochs, batch_size=${o.batchSize}, lr=${o.lr} ===`);
    const hooks: TrainHooks = {
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
        history.push({ ...s, epoch: epochOffset + s.epoch });
        writeAtomic(csvPath, lossCsv(history));
        writeAtomic(pngPath, await lossPlotPng(history));
      },
      shouldStop: () => stop,
    };
    const result = await trainer.run(watch?.hooks(hooks) ?? hooks, initialBest);
    if (tty) process.stderr.write('\r\x1b[K');
    await watch?.finish();
    // Esc / closing the window stops like Ctrl-C but is a normal end (exit 0).
    const code = result.interrupted && watch?.closedByUser !== true ? 130 : 0;
    if (result.best === null) {
      log(result.interrupted ? '  Stopped before any epoch improved: nothing saved.' : '  No epoch improved on the starting weights: nothing saved.');
      return code;
    }
    log(`${result.interrupted ? 'Interrupted' : 'Done'}. Best val_loss=${result.bestValLoss.toFixed(3)}`);
    log(`  weights: ${out}`);
    log(`  curves:  ${csvPath}, ${pngPath}`);
    samplePredictions(trainer.params, corpus.val.ids, Math.min(5, corpus.val.count), log);
    return code;
  } finally {
    process.off('SIGINT', onSigint);
    await trainer.close();
    watch?.close();
  }
}
