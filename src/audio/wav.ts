/**
 * WAV encode/decode (16-bit PCM, interleaved, 44.1 kHz; spec §10: float → int16 by × 32767 and
 * truncation toward zero, clamped to ±1 first) and writing a WAV file safely: into a temporary
 * file next to the target, renamed on success, so an interrupted write never leaves a broken
 * file under the final name. An unwritable path is a one-line UserError.
 *
 * Not here: synthesis. `decodeWav` reads only what `encodeWav` writes (PCM 16-bit, any channel
 * count) — enough for tests and tools, not a general WAV reader.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileError, prepareOutputFile } from '../io-errors.js';
import { SAMPLE_RATE } from './grains.js';

/** Encode channels (equal lengths) as a 16-bit PCM WAV file image. */
export function encodeWav(channels: readonly Float32Array[], sampleRate = SAMPLE_RATE): Buffer {
  const nch = channels.length;
  if (nch === 0) throw new RangeError('encodeWav: no channels');
  const n = channels[0]!.length;
  for (const c of channels) if (c.length !== n) throw new RangeError('encodeWav: channels differ in length');
  const dataBytes = n * nch * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(nch, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * nch * 2, 28); // byte rate
  buf.writeUInt16LE(nch * 2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  const pcm = new Int16Array(buf.buffer, buf.byteOffset + 44, n * nch);
  for (let c = 0; c < nch; c++) {
    const ch = channels[c]!;
    for (let i = 0; i < n; i++) {
      const v = ch[i]!;
      const clamped = v > 1 ? 1 : v < -1 ? -1 : v;
      pcm[i * nch + c] = Math.trunc(clamped * 32767);
    }
  }
  return buf;
}

export interface DecodedWav {
  readonly sampleRate: number;
  readonly channels: Float32Array[];
}

/** Decode a 16-bit PCM WAV image (as encodeWav writes it) into float channels (int16 / 32767). */
export function decodeWav(buf: Buffer): DecodedWav {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('decodeWav: not a RIFF/WAVE file');
  }
  let off = 12;
  let nch = 0;
  let rate = 0;
  let bits = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      nch = buf.readUInt16LE(off + 10);
      rate = buf.readUInt32LE(off + 12);
      bits = buf.readUInt16LE(off + 22);
    } else if (id === 'data') {
      if (bits !== 16 || nch === 0) throw new Error(`decodeWav: only 16-bit PCM is supported (got ${bits} bits)`);
      const n = Math.floor(Math.min(size, buf.length - off - 8) / (2 * nch));
      const channels = Array.from({ length: nch }, () => new Float32Array(n));
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < nch; c++) channels[c]![i] = buf.readInt16LE(off + 8 + 2 * (i * nch + c)) / 32767;
      }
      return { sampleRate: rate, channels };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error('decodeWav: no data chunk');
}

/** Pre-flight for an output path (io-errors.ts): call it before long renders so a bad path fails at once. */
export { prepareOutputFile };

/**
 * Write a WAV file (creating its directory), atomically via a temp file + rename.
 * Unwritable locations throw a one-line UserError naming the path.
 */
export function writeWavFile(file: string, channels: readonly Float32Array[], sampleRate = SAMPLE_RATE): void {
  const image = encodeWav(channels, sampleRate);
  prepareOutputFile(file);
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, image);
    renameSync(tmp, file);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
    throw fileError(e, file, 'write');
  }
}
