/**
 * `gptviz train` (spec §2, issue 4): the flags and their --help, then app/train.ts does the work
 * (loaded lazily, so --help starts no worker code). `--seed` seeds the per-epoch shuffle
 * (default 0, as the reference); initialisation always uses the reference's seeds (spec §1.4).
 *
 * What this is not: the training run, its output and files (app/train.ts), the training maths
 * (transformer/train.ts and friends).
 */
import { formatHelp, parseFlags } from './flags.js';

const SPECS = {
  epochs: {
    type: 'integer', default: 150, min: 0,
    help: 'training epochs (the cosine schedule scales with it); 0 with --check-grad: only the check',
  },
  batchSize: { type: 'integer', default: 64, min: 1, help: 'examples per optimiser step' },
  lr: { type: 'number', default: 3e-3, min: 0, help: 'peak learning rate' },
  lrMin: { type: 'number', default: 1e-4, min: 0, help: 'floor of the cosine schedule' },
  maxNorm: { type: 'number', default: 1.0, min: 0, help: 'global gradient-norm clip' },
  checkGrad: { type: 'boolean', help: 'run the float64 numerical gradient check first; stop on failure' },
  data: { type: 'string', default: 'data/tinyshakespeare.txt', placeholder: 'FILE', help: 'training corpus' },
  out: { type: 'string', default: 'weights/charlm.npz', placeholder: 'FILE.npz', help: 'best-validation weights' },
  force: { type: 'boolean', help: 'let a fresh run replace an existing --out (refused otherwise)' },
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
} as const;

const SUMMARY =
  'Train the character-level model on Tiny Shakespeare (Adam, warm-up + cosine schedule, global-norm\n' +
  'clipping, data-parallel over worker threads). Saves the best-validation weights to --out and the\n' +
  'loss curves next to them (.loss.csv, .loss.png). Ctrl-C stops and keeps the best weights.';

export async function run(argv: string[]): Promise<number> {
  const { values: o, help } = parseFlags('train', argv, SPECS);
  if (help) {
    process.stdout.write(formatHelp('train', SUMMARY, SPECS));
    return 0;
  }
  const app = await import('../app/train.js');
  return o.replot ? app.replot(o.out) : app.train(o);
}
