/**
 * `gptviz sounds [--out-dir audio/]` — write one preview WAV per sonification grain kind and one
 * per event type (spec §10.3, audio/previews.ts) so the sounds can be auditioned one by one.
 */
import { writePreviews } from '../audio/previews.js';
import { flagCommand } from './flags.js';

const SPECS = {
  outDir: { type: 'string', default: 'audio', placeholder: 'DIR', help: 'folder for the preview WAVs (created if needed)' },
} as const;

const SUMMARY = 'Write one short WAV per sonification sound: the grain kinds (needle, click, sine blip, white\nburst, data tone, sweeps up/down) and the event types (appear, matmul, softmax, …).';

export const run = flagCommand('sounds', SPECS, SUMMARY, (values) => {
  const files = writePreviews(values.outDir);
  for (const f of files) process.stdout.write(`wrote ${f}\n`);
  return 0;
});
