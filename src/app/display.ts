/**
 * Is there a display to open a window on? Checked before any work that would be wasted (model
 * runs, recording plans), so "no display" is the first and only line the user sees. Every mode
 * needs one: the interactive window, and the hidden window that owns the GL context for
 * --record and --snapshot. GLFW's own error (core/glfw.ts) remains the backstop.
 */
import { UserError } from '../errors.js';

/** True on X11/Wayland platforms when neither DISPLAY nor WAYLAND_DISPLAY is set. */
export function noDisplay(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): boolean {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return false;
  const x = env.DISPLAY;
  const w = env.WAYLAND_DISPLAY;
  return (x === undefined || x === '') && (w === undefined || w === '');
}

/** Throw the "no display" UserError (one line + the xvfb-run hint) when there is none. */
export function requireDisplay(): void {
  if (noDisplay()) {
    throw new UserError('no display: neither DISPLAY nor WAYLAND_DISPLAY is set', {
      hint:
        'run gptviz in a desktop session, or under a virtual display: xvfb-run -a npx gptviz … ' +
        '(--record and --snapshot need one too: their hidden window owns the GL context)',
    });
  }
}
