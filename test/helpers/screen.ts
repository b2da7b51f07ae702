/**
 * Pixels for tests that compare what GL drew with what the X server shows: the back buffer read
 * back, a window's part of a screen Xvfb keeps in a file (startScreenXvfb), and a count of the
 * pixels two RGB images differ in.
 */
import type { GlContext } from '../../src/core/context.js';
import { PixelReader } from '../../src/core/readback.js';

/** The back buffer's width × height pixels (RGB, top row first). */
export function backBuffer(c: GlContext, width: number, height: number): Buffer {
  const reader = new PixelReader(c.gl, c.renderer.state);
  reader.begin(0, width, height, 'rgb');
  const px = Buffer.from(reader.finish()!);
  reader.dispose();
  return px;
}

/**
 * The window's width × height pixels on the X server's screen (`screen`: the server's screen
 * file read as RGB; the window is at its top-left corner), top row first.
 */
export function shownOnScreen(c: GlContext, screen: () => { width: number; rgb: Buffer }, width: number, height: number): Buffer {
  c.window.framebufferSize(); // a round trip: the server has done every request before it
  const s = screen();
  const out = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) s.rgb.copy(out, y * width * 3, y * s.width * 3, (y * s.width + width) * 3);
  return out;
}

/** How many pixels of two RGB images differ. */
export function differingPixels(a: Buffer, b: Buffer): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 3) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
  return n;
}
