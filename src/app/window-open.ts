/**
 * The interactive window's size and title, and its opening started before the rest of the app
 * is loaded (issue 15, first frame first): cli/view-command.ts calls startWindow and only then
 * imports app/interactive.ts, whose modules load and whose run is built while GLFW creates the
 * window and its context on a worker thread (core/glfw.ts, Window.open; GLFW connects to the
 * display first, on this thread). The window is made hidden and shown once the run is built
 * (presenter.ts), so a prompt the model cannot take (an error line) never flashes a window.
 *
 * What it is not: the window's loop (interactive.ts), the GL context (core/context.ts).
 */
import { Window } from '../core/glfw.js';
import { requireDisplay } from './display.js';
import { holdOptimiser } from './startup-jit.js';
import type { ViewOptions } from './view-options.js';

export const WINDOW_WIDTH = 1600;
export const WINDOW_HEIGHT = 900;
export const WINDOW_TITLE = 'GPT Visualizer';

/**
 * Check the display and start opening the window of `opts` (--width/--height when given, else
 * 1600 × 900): single-sampled, vsync, no depth buffer — the renderer draws 4× MSAA offscreen, only
 * where the frame shows something, and resolves that into it (core/renderer.ts). Throws the
 * "no display" UserError at once; GLFW's errors reject the promise. Never left unhandled: a
 * caller that stops before using it destroys the window with discardWindow.
 */
export function startWindow(opts: ViewOptions): Promise<Window> {
  requireDisplay();
  holdOptimiser();
  const width = opts.sizeGiven ? opts.width : WINDOW_WIDTH;
  const height = opts.sizeGiven ? opts.height : WINDOW_HEIGHT;
  const opening = Window.open({ width, height, title: WINDOW_TITLE, visible: false, vsync: true, samples: 0, depth: false });
  // Handled here too, so that a failure the caller has not awaited yet is not an unhandled rejection.
  opening.catch(() => undefined);
  return opening;
}

/** Destroy the window `opening` resolves to (after an error before it was used); never rejects. */
export async function discardWindow(opening: Promise<Window>): Promise<void> {
  try {
    (await opening).destroy();
  } catch {
    // it failed to open: nothing to destroy
  }
}
