/**
 * Numbered frame images for `--record --format jpg|png` (spec §9.3, issue 9): `frame_00000.jpg`,
 * `frame_00001.jpg`, … (five digits, numbered across all steps) in `<output-dir>/frames/`, JPEG
 * quality 95 or PNG. Encoding runs off the main thread (@napi-rs/canvas's async `encode`), at most
 * two frames in flight, so it overlaps the next frame's rendering. Frames from an earlier, longer
 * run in the same folder are removed first (the reference left them, §11.3 #15).
 *
 * What it is not: not the video (recorder.ts); not written unless the user asks for it.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Canvas from '@napi-rs/canvas';
import { fileError } from '../io-errors.js';

export const JPEG_QUALITY = 95;
const IN_FLIGHT = 2;
const FRAME_NAME = /^frame_\d{5,}\.(jpg|png)$/;

let canvasLib: typeof Canvas | undefined;

/** The image encoder, loaded with the first frame (≈ 90 ms: a recording without --format never loads it). */
function canvasLibrary(): typeof Canvas {
  return canvasLib ??= createRequire(import.meta.url)('@napi-rs/canvas') as typeof Canvas;
}

/** `frame_00042.jpg` */
export function frameFileName(index: number, format: 'jpg' | 'png'): string {
  return `frame_${String(index).padStart(5, '0')}.${format}`;
}

export class FrameFiles {
  private readonly pending = new Set<Promise<void>>();
  private failure: Error | undefined;

  constructor(readonly dir: string, readonly format: 'jpg' | 'png', private readonly width: number, private readonly height: number) {
    try {
      mkdirSync(dir, { recursive: true });
      for (const f of readdirSync(dir)) if (FRAME_NAME.test(f)) rmSync(path.join(dir, f), { force: true });
    } catch (e) {
      throw fileError(e, dir, 'prepare the frames folder');
    }
  }

  /**
   * Start encoding frame `index` from top-down RGBA rows (copied at once, so `rgba` may be reused
   * on return); waits while two frames are still being encoded.
   */
  async add(index: number, rgba: Uint8Array): Promise<void> {
    while (this.pending.size >= IN_FLIGHT) await Promise.race(this.pending);
    if (this.failure !== undefined) throw this.failure;
    const { createCanvas, ImageData } = canvasLibrary();
    const canvas = createCanvas(this.width, this.height);
    const px = new Uint8ClampedArray(rgba.length);
    px.set(rgba);
    for (let i = 3; i < px.length; i += 4) px[i] = 255; // opaque, whatever the framebuffer's alpha
    canvas.getContext('2d').putImageData(new ImageData(px, this.width, this.height), 0, 0);
    const file = path.join(this.dir, frameFileName(index, this.format));
    const job = (this.format === 'jpg' ? canvas.encode('jpeg', JPEG_QUALITY) : canvas.encode('png'))
      .then((bytes) => writeFile(file, bytes))
      .catch(async (e: unknown) => {
        // A full disk leaves a truncated or empty frame: remove it, keep only whole frames.
        await rm(file, { force: true }).catch(() => undefined);
        this.failure ??= fileError(e, file, 'write');
      })
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Wait for every frame to be on disk. */
  async flush(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure !== undefined) throw this.failure;
  }
}
