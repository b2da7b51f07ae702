/**
 * One call to get a drawable context: GLFW window (visible or hidden) + GL function table +
 * Renderer, the offscreen render targets made for it, and one `close()` that releases them in
 * order (STYLE.md §29). The interactive app, the recorder, --snapshot and the GL tests all start here.
 *
 *   const ctx = openContext({ width: 1600, height: 900, title: 'GPT Visualizer', visible: true, vsync: true });
 *   try { … ctx.renderer.setSize(fbw, fbh, ratio); ctx.renderer.render(frame); ctx.window.swapBuffers(); … }
 *   finally { ctx.close(); }
 *   // offscreen: const target = ctx.createOffscreen(w, h); ctx.renderer.render(frame, target); target.readPixels()
 *
 * What it is not: no loop, no input mapping, no scene.
 */
import type { GlInfo, Gl } from './gl.js';
import { loadGl } from './gl.js';
import type { WindowOptions } from './glfw.js';
import { Window } from './glfw.js';
import { Offscreen } from './offscreen.js';
import type { RendererOptions } from './renderer.js';
import { Renderer } from './renderer.js';

export interface GlContext {
  window: Window;
  gl: Gl;
  info: GlInfo;
  renderer: Renderer;
  /** A 4× MSAA offscreen target of width × height (resolve buffer, pixel readback), disposed by close(). */
  createOffscreen(width: number, height: number, samples?: number): Offscreen;
  /** Dispose the offscreen targets and the renderer's GL objects, then destroy the window. Idempotent. */
  close(): void;
}

export function openContext(opts: WindowOptions, rendererOptions: RendererOptions = {}): GlContext {
  return contextFor(Window.create(opts), rendererOptions);
}

/** openContext on a window already made (Window.open); the context owns it from here (close() destroys it). */
export function contextFor(window: Window, rendererOptions: RendererOptions = {}): GlContext {
  try {
    const { gl, info } = loadGl((name) => window.getProcAddress(name));
    const renderer = new Renderer(gl, rendererOptions);
    const targets: Offscreen[] = [];
    let closed = false;
    return {
      window, gl, info, renderer,
      createOffscreen(width: number, height: number, samples = 4): Offscreen {
        const target = new Offscreen(gl, renderer.state, width, height, samples);
        targets.push(target);
        return target;
      },
      close(): void {
        if (closed) return;
        closed = true;
        try {
          window.makeCurrent();
          for (const t of targets) t.dispose();
          renderer.dispose();
        } finally {
          window.destroy();
        }
      },
    };
  } catch (e) {
    window.destroy();
    throw e;
  }
}
