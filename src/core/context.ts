/**
 * One call to get a drawable context: GLFW window (visible or hidden) + GL function table +
 * Renderer, and one `close()` that releases them in order (STYLE.md §29). The interactive app,
 * the recorder, --snapshot and the GL tests all start here.
 *
 *   const ctx = openContext({ width: 1600, height: 900, title: 'GPT Visualizer', visible: true, vsync: true });
 *   try { … ctx.renderer.render(frame, fbw, fbh, ratio); ctx.window.swapBuffers(); … } finally { ctx.close(); }
 *
 * What it is not: no loop, no input mapping, no scene.
 */
import type { GlInfo, Gl } from './gl.js';
import { loadGl } from './gl.js';
import type { WindowOptions } from './glfw.js';
import { Window } from './glfw.js';
import type { RendererOptions } from './renderer.js';
import { Renderer } from './renderer.js';

export interface GlContext {
  window: Window;
  gl: Gl;
  info: GlInfo;
  renderer: Renderer;
  /** Dispose the renderer's GL objects, then destroy the window. Idempotent. */
  close(): void;
}

export function openContext(opts: WindowOptions, rendererOptions: RendererOptions = {}): GlContext {
  const window = Window.create(opts);
  try {
    const { gl, info } = loadGl((name) => window.getProcAddress(name));
    const renderer = new Renderer(gl, rendererOptions);
    let closed = false;
    return {
      window, gl, info, renderer,
      close(): void {
        if (closed) return;
        closed = true;
        try {
          window.makeCurrent();
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
