import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/errors.js';
import { decodeWav, encodeWav, writeWavFile } from '../../src/audio/wav.js';

test('encode: RIFF header, 16-bit stereo 44.1 kHz, ×32767 truncated toward zero, clamped', (t) => {
  const l = Float32Array.from([0, 0.5, -0.5, 1, -1, 2, 0.99999]);
  const r = Float32Array.from([0.1, 0, 0, 0, 0, -3, 0]);
  const buf = encodeWav([l, r]);
  t.is(buf.toString('ascii', 0, 4), 'RIFF');
  t.is(buf.readUInt16LE(22), 2);
  t.is(buf.readUInt32LE(24), 44100);
  t.is(buf.readUInt16LE(34), 16);
  t.is(buf.readUInt32LE(40), 7 * 4);
  const pcm = (i: number, c: number): number => buf.readInt16LE(44 + 2 * (2 * i + c));
  t.is(pcm(1, 0), 16383); // trunc(0.5·32767)
  t.is(pcm(2, 0), -16383);
  t.is(pcm(3, 0), 32767);
  t.is(pcm(4, 0), -32767);
  t.is(pcm(5, 0), 32767);
  t.is(pcm(5, 1), -32767);
  t.is(pcm(0, 1), 3276);
});

test('decode(encode(x)) ≈ x within one LSB', (t) => {
  const x = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i / 7) * 0.8);
  const d = decodeWav(encodeWav([x, x]));
  t.is(d.sampleRate, 44100);
  t.is(d.channels.length, 2);
  for (let i = 0; i < x.length; i++) t.true(Math.abs(d.channels[0]![i]! - x[i]!) <= 1 / 32767 + 1e-7);
});

test('writeWavFile creates folders, leaves no temp file, and turns bad paths into one-line UserErrors', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-wav-'));
  try {
    const f = path.join(dir, 'a', 'b', 'x.wav');
    writeWavFile(f, [new Float32Array(10), new Float32Array(10)]);
    t.is(readFileSync(f).length, 44 + 40);
    const blocker = path.join(dir, 'file');
    writeFileSync(blocker, 'x');
    const e = t.throws(() => writeWavFile(path.join(blocker, 'y.wav'), [new Float32Array(1)]));
    t.true(e instanceof UserError);
    t.false(e!.message.includes('\n'));
    t.regex(e!.message, /not a directory/);
    t.throws(() => writeWavFile(dir, [new Float32Array(1)]), { instanceOf: UserError, message: /is a directory/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
