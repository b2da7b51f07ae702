/**
 * `gptviz contact-sheet [--out contact-sheet.png] [--text …] [--weights FILE] [--temperature T] [--captions]`
 * (issue 6, `npm run contact-sheet`): parse the flags, clean the prompt, check the weights file,
 * and hand over to app/contact-sheet.ts (loaded lazily, so --help loads no GL).
 *
 * What it is not: the rendering and the layout of the sheet (app/contact-sheet.ts).
 */
import path from 'node:path';
import { requireOutputFolder } from '../io-errors.js';
import { cleanPrompt } from '../run/prompt.js';
import { flagCommand, usageError } from './flags.js';
import { requireWeights } from './options.js';

const SPECS = {
  out: { type: 'string', default: 'contact-sheet.png', placeholder: 'FILE.png', help: 'where to write the sheet' },
  text: { type: 'string', placeholder: 'TEXT', help: 'prompt: show the first generation step (needs weights)' },
  weights: { type: 'string', placeholder: 'FILE.npz', help: 'weights for --text (default weights/charlm.npz)' },
  temperature: { type: 'number', default: 0.3, min: 0, help: 'sampling temperature, 0 = greedy' },
  seed: { type: 'integer', min: 0, max: 0xffffffff, help: 'XOR-ed into the sampling seed' },
  columns: { type: 'integer', default: 4, min: 1, max: 8, help: 'cells per row' },
  cellWidth: { type: 'integer', default: 480, min: 160, max: 1920, even: true, help: 'cell width in pixels (16:9 cells)' },
  captions: { type: 'boolean', help: 'write each moment\'s caption (what is computed and why) under its cell' },
} as const;

const SUMMARY = 'Render a grid of moments across one step into a PNG (random scene, or the first step of --text).';

export const run = flagCommand('contact-sheet', SPECS, SUMMARY, async (o) => {
  if (!/\.png$/i.test(o.out)) throw usageError('contact-sheet', `--out must name a .png file (got '${o.out}')`);
  const out = path.resolve(o.out);
  requireOutputFolder(out);
  const weights = o.text !== undefined ? requireWeights(o.weights) : undefined;
  const text = o.text !== undefined ? cleanPrompt(o.text) : undefined;
  const { contactSheet } = await import('../app/contact-sheet.js');
  const line = contactSheet({ ...o, out, text, weights });
  process.stdout.write(`${line}\n`);
  return 0;
});
