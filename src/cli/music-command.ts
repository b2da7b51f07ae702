/**
 * `gptviz music [--out audio/music.wav] [--duration 120] [--seed N]` — render the generated
 * 155 BPM industrial track (spec §10.2, audio/music/) and write it as a 44.1 kHz 16-bit stereo
 * WAV. Prints one progress line per layer and, at the end, the file, its length and how much
 * faster than real time it rendered.
 *
 * Not here: the synthesis itself (pure, audio/music/music.ts).
 */
import { renderMusic } from '../audio/music/music.js';
import { prepareOutputFile, writeWavFile } from '../audio/wav.js';
import { flagCommand } from './flags.js';

const SPECS = {
  out: { type: 'string', default: 'audio/music.wav', placeholder: 'FILE.wav', help: 'output WAV file' },
  duration: { type: 'number', default: 120, min: 1, max: 600, placeholder: 'SECONDS', help: 'length of the track in seconds (sections scale with it)' },
  seed: { type: 'integer', default: 12345, min: 0, max: 4294967295, help: 'random seed; another seed, another track' },
} as const;

const SUMMARY = 'Write the generated 155 BPM industrial track (FM bass, metallic percussion, data streams,\nmicro-clicks, electrical impulses, Shepard tones, cellular-automaton glitches) as a WAV.';

export const run = flagCommand('music', SPECS, SUMMARY, (values) => {
  prepareOutputFile(values.out); // fail on a bad path before the render, not after
  const t0 = performance.now();
  const music = renderMusic({
    durationSeconds: values.duration,
    seed: values.seed,
    onLayer: (i, n, name) => process.stdout.write(`[${i}/${n}] ${name}\n`),
  });
  const seconds = (performance.now() - t0) / 1000;
  writeWavFile(values.out, [music.left, music.right]);
  const ratio = values.duration / Math.max(seconds, 1e-6);
  process.stdout.write(`wrote ${values.out} (${values.duration} s, 44.1 kHz stereo) in ${seconds.toFixed(2)} s — ${ratio.toFixed(1)}× real time\n`);
  return 0;
});
