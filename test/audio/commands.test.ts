import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeWav } from '../../src/audio/wav.js';
import { lines, runBin } from '../helpers/bin.js';

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), 'gptviz-audio-cli-'));
}

test('gptviz music writes a stereo 44.1 kHz WAV of --duration and reports the speed', async (t) => {
  const dir = tmp();
  try {
    const out = path.join(dir, 'sub', 'm.wav');
    const r = await runBin(['music', '--out', out, '--duration', '3', '--seed', '5']);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /\[1\/16\] pad/);
    t.regex(lines(r.stdout).at(-1)!, /wrote .*m\.wav \(3 s, 44\.1 kHz stereo\) in [\d.]+ s — [\d.]+× real time/);
    const wav = decodeWav(readFileSync(out));
    t.is(wav.sampleRate, 44100);
    t.is(wav.channels.length, 2);
    t.is(wav.channels[0]!.length, 3 * 44100);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gptviz music: bad flags and unwritable paths are one-line errors, before any rendering', async (t) => {
  const dir = tmp();
  try {
    const blocker = path.join(dir, 'file');
    writeFileSync(blocker, 'x');
    const bad = await runBin(['music', '--out', path.join(blocker, 'm.wav')]);
    t.is(bad.code, 1);
    t.is(bad.stdout, ''); // failed before the first layer
    t.regex(lines(bad.stderr)[0]!, /^gptviz: error: cannot write .*not a directory/);
    const dur = await runBin(['music', '--duration', 'abc']);
    t.is(dur.code, 2);
    t.regex(lines(dur.stderr)[0]!, /--duration must be a number from 1 to 600 \(got 'abc'\)/);
    const unknown = await runBin(['music', '--bpm', '140']);
    t.is(unknown.code, 2);
    t.regex(lines(unknown.stderr)[0]!, /unknown flag --bpm/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gptviz sounds writes the 15 previews; --help describes it', async (t) => {
  const dir = tmp();
  try {
    const r = await runBin(['sounds', '--out-dir', dir]);
    t.is(r.code, 0, r.stderr);
    t.is(lines(r.stdout).length, 15);
    t.true(readdirSync(dir).includes('sample_freq_sweep_down.wav'));
    t.true(readdirSync(dir).includes('event_matmul.wav'));
    const h = await runBin(['sounds', '--help']);
    t.is(h.code, 0);
    t.regex(h.stdout, /--out-dir DIR/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
