/**
 * How the interactive window's frames reach the screen (issue 15, first frame first): the window,
 * opened hidden (window-open.ts), is shown right before its first frame is drawn, and that frame
 * — text only on black — is copied in its text's rectangles rather than swapped whole on a
 * software GL. Its own module, so the window's opening (window-open.ts, loaded before the rest of
 * the app) does not load the GL function table.
 *
 * What it is not: no drawing (core/renderer.ts), no loop (interactive.ts).
 */
import type { GlContext } from '../core/context.js';
import { isSoftwareRenderer } from '../core/gl.js';
import type { RectCopier } from '../core/glfw.js';

/**
 * Shows the hidden window of a context and puts its frames on screen. On a software GL the window
 * is shown black (Window.showBlack: the X server paints it while the first frame is drawn) and a
 * first frame with nothing 3D is put there by copying just the rectangles its text touches: under
 * Xvfb a whole frame's first swap costs ≈ 45 ms of the server's page faults (issue 15, first frame
 * first). The pixels shown are the same. Every other frame is swapped whole.
 */
export class Presenter {
  private copy: RectCopier | null = null;
  private shown = false;

  constructor(private readonly ctx: GlContext) {}

  /**
   * Show the window (the first call; later ones do nothing). Call it right before drawing the first
   * frame, with no X round trip between (input polling, sizes): each would wait for the painting.
   */
  show(): void {
    if (this.shown) return;
    this.shown = true;
    const window = this.ctx.window;
    this.copy = isSoftwareRenderer(this.ctx.info) ? window.showBlack() : null;
    if (this.copy === null) window.show();
  }

  /** Put the frame just rendered into the window on screen. */
  present(): void {
    const copy = this.copy;
    this.copy = null;
    const window = this.ctx.window;
    const r = copy !== null ? this.ctx.renderer.flatRects : null;
    if (r !== null && r.clear[0] === 0 && r.clear[1] === 0 && r.clear[2] === 0) copy!(r.xyxy, r.count);
    else window.swapBuffers();
    // Shown by showBlack, which does not ask for the focus as glfwShowWindow does.
    if (copy !== null) window.focus();
  }
}
