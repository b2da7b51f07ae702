import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SAMPLE_RATE } from '../../src/audio/grains.js';
import { EVENT_TYPES, eventPreview, GRAIN_PREVIEW_SAMPLES, GRAIN_PREVIEWS, grainPreview, writePreviews } from '../../src/audio/previews.js';
import { decodeWav } from '../../src/audio/wav.js';
import { peak, rms } from './signal.js';

test('grain previews: 104,958 samples, six grains at the reference positions, peak 0.85', (t) => {
  t.is(GRAIN_PREVIEW_SAMPLES, 104958);
  for (const spec of GRAIN_PREVIEWS) {
    const x = grainPreview(spec);
    t.is(x.length, 104958, spec.file);
    t.true(Math.abs(peak(x) - 0.85) < 1e-6, spec.file);
    t.is(peak(x, 0, 6615), 0, spec.file);
    for (let i = 0; i < 6; i++) {
      const start = i * (3528 + 6615) + 6615;
      t.true(peak(x, start, start + 3528) > 0.05, `${spec.file} grain ${i}`);
      t.is(peak(x, start + 3528, start + 3528 + 6615), 0, `${spec.file} gap ${i}`);
    }
  }
});

test('event previews: each generator is audible and ends in silence', (t) => {
  for (const type of EVENT_TYPES) {
    const x = eventPreview(type);
    t.true(rms(x) > 0.003, type);
    t.true(peak(x, x.length - SAMPLE_RATE / 10) < 1e-3, type);
  }
});

test('writePreviews writes 7 + 8 stereo WAVs with identical channels', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-prev-'));
  try {
    const files = writePreviews(dir);
    t.is(files.length, 15);
    t.is(readdirSync(dir).length, 15);
    const d = decodeWav(readFileSync(path.join(dir, 'sample_needle.wav')));
    t.is(d.channels.length, 2);
    t.deepEqual(d.channels[0], d.channels[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
