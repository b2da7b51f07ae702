/**
 * A display for GL tests (STYLE.md §32): when DISPLAY is unset, start our own Xvfb on a free
 * display number (Xvfb picks it: -displayfd), wait for its socket, set process.env.DISPLAY, and
 * return a stop function that kills exactly that process. When DISPLAY is set, use it as is.
 * Never a silent skip: a missing Xvfb throws with the install command. -noreset: without it the
 * server resets when its last client disconnects, and a window opened right after (GLFW started
 * again) fails with "Failed to open display".
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Display {
  /** e.g. ":99" */
  name: string;
  /** Stop the Xvfb we started (no-op for an existing DISPLAY). Idempotent. */
  stop(): void;
}

/**
 * Start Xvfb with `args` (after -displayfd) on a display number it picks, and wait until it
 * reports it: the number and the process, and a stop function (also run at exit) that kills it and
 * then runs `cleanUp`. A missing Xvfb throws with the install command.
 */
async function spawnXvfb(args: readonly string[], timeoutMs: number, cleanUp = (): void => undefined): Promise<{ number: string; stop: () => void }> {
  const child = spawn('Xvfb', ['-displayfd', '3', ...args, '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const number = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not report a display within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT'
        ? new Error('GL tests need a display and Xvfb is not installed: sudo apt-get install xvfb xauth (or set DISPLAY)')
        : e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited early (code ${code}): ${stderr}`));
    });
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
  });
  child.removeAllListeners('exit');
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    child.kill('SIGTERM');
    cleanUp();
  };
  // Also when the test process ends without running its after-hooks (a failed before-hook, exit()).
  process.on('exit', stop);
  return { number, stop };
}

export async function ensureDisplay(timeoutMs = 15000): Promise<Display> {
  const existing = process.env.DISPLAY;
  if (existing !== undefined && existing !== '') return { name: existing, stop: () => undefined };
  let name = '';
  const { number, stop } = await spawnXvfb(['-screen', '0', '1280x1024x24'], timeoutMs, () => {
    if (process.env.DISPLAY === name) delete process.env.DISPLAY;
  });
  // -displayfd reports once the server is ready; the abstract/unix socket check is a belt and braces.
  const sock = `/tmp/.X11-unix/X${number}`;
  for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
  name = `:${number}`;
  process.env.DISPLAY = name;
  return { name, stop };
}

/**
 * Our own Xvfb whose screen is kept in a file (-fbdir, XWD format), so a test can see what the
 * X server shows, not only what GL drew: its display name, `screen()` (the screen's pixels as RGB
 * rows, top row first) and `stop()`, which also removes the file. Made whether DISPLAY is set or not;
 * its root window is white (-wr), so a window left unpainted shows.
 */
export async function startScreenXvfb(width: number, height: number, timeoutMs = 15000): Promise<Display & { screen(): { width: number; height: number; rgb: Buffer } }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-xvfb-'));
  const { number, stop } = await spawnXvfb(['-screen', '0', `${width}x${height}x24`, '-fbdir', dir, '-wr'], timeoutMs, () => {
    rmSync(dir, { recursive: true, force: true });
  });
  const screen = (): { width: number; height: number; rgb: Buffer } => {
    // XWD: a header of big-endian 32-bit fields, the colour map, then the image (32 bits per pixel here).
    const f = readFileSync(path.join(dir, 'Xvfb_screen0'));
    const field = (i: number): number => f.readUInt32BE(4 * i);
    const [headerSize, w, h, byteOrder, bpp, stride, ncolors] = [field(0), field(4), field(5), field(7), field(11), field(12), field(19)];
    if (bpp !== 32) throw new Error(`Xvfb screen: ${bpp} bits per pixel, 32 expected`);
    const data = headerSize + 12 * ncolors;
    const rgb = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const at = data + y * stride + 4 * x;
        const v = byteOrder === 0 ? f.readUInt32LE(at) : f.readUInt32BE(at);
        const o = 3 * (y * w + x);
        rgb[o] = (v >>> 16) & 0xff;
        rgb[o + 1] = (v >>> 8) & 0xff;
        rgb[o + 2] = v & 0xff;
      }
    }
    return { width: w, height: h, rgb };
  };
  return { name: `:${number}`, stop, screen };
}
