/**
 * GLFW input → Action values (spec §8.1, §8.2, issue 7): a pure mapping from key codes and key
 * actions to the app's actions, and a tiny cursor tracker that turns absolute cursor positions
 * into drag deltas. Keys act on press only: auto-repeat and release map to nothing.
 *
 * Key actions are frozen singletons, so mapping a key allocates nothing. Drag and scroll actions
 * carry numbers and are created per event (input events are not the steady state).
 *
 * What it is not: no GLFW calls (the app registers the callbacks), no state changes (session.ts
 * applies the actions).
 */

/** GLFW key codes we use (glfw3.h). */
export const KEY_SPACE = 32;
export const KEY_COMMA = 44;
export const KEY_MINUS = 45;
export const KEY_PERIOD = 46;
export const KEY_EQUAL = 61;
export const KEY_C = 67;
export const KEY_H = 72;
export const KEY_R = 82;
export const KEY_ESCAPE = 256;
export const KEY_RIGHT = 262;
export const KEY_LEFT = 263;
export const KEY_HOME = 268;
export const KEY_END = 269;
export const KEY_KP_SUBTRACT = 333;
export const KEY_KP_ADD = 334;
/** GLFW key/button actions. */
export const ACTION_RELEASE = 0;
export const ACTION_PRESS = 1;
export const ACTION_REPEAT = 2;
/** GLFW mouse buttons. */
export const MOUSE_BUTTON_LEFT = 0;

/** What the user asked for. */
export type Action =
  | { readonly kind: 'toggle-play' }
  | { readonly kind: 'next-stage' }
  | { readonly kind: 'prev-stage' }
  | { readonly kind: 'speed-up' }
  | { readonly kind: 'slow-down' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'toggle-help' }
  | { readonly kind: 'quit' }
  /** Issue 17 (stop and study): ±1 frame (1/30 s) and pause; Home / End of the step; the camera back on its path; seek to a time. */
  | { readonly kind: 'frame-forward' }
  | { readonly kind: 'frame-back' }
  | { readonly kind: 'step-start' }
  | { readonly kind: 'step-end' }
  | { readonly kind: 'reset-view' }
  | { readonly kind: 'seek'; readonly time: number }
  | { readonly kind: 'drag'; readonly dx: number; readonly dy: number }
  | { readonly kind: 'scroll'; readonly amount: number };

export type ActionKind = Action['kind'];

const TOGGLE_PLAY: Action = Object.freeze({ kind: 'toggle-play' });
const NEXT_STAGE: Action = Object.freeze({ kind: 'next-stage' });
const PREV_STAGE: Action = Object.freeze({ kind: 'prev-stage' });
const SPEED_UP: Action = Object.freeze({ kind: 'speed-up' });
const SLOW_DOWN: Action = Object.freeze({ kind: 'slow-down' });
const RESET: Action = Object.freeze({ kind: 'reset' });
const TOGGLE_HELP: Action = Object.freeze({ kind: 'toggle-help' });
const QUIT: Action = Object.freeze({ kind: 'quit' });
const FRAME_FORWARD: Action = Object.freeze({ kind: 'frame-forward' });
const FRAME_BACK: Action = Object.freeze({ kind: 'frame-back' });
const STEP_START: Action = Object.freeze({ kind: 'step-start' });
const STEP_END: Action = Object.freeze({ kind: 'step-end' });
const RESET_VIEW: Action = Object.freeze({ kind: 'reset-view' });

/**
 * The action of a key event, or null (release, auto-repeat, or a key we do not use). The `+` on
 * a US keyboard is Shift+`=`, so `=` with or without Shift speeds up, as does keypad +.
 *
 * @example keyAction(KEY_SPACE, ACTION_PRESS) // → {kind: 'toggle-play'}
 * @example keyAction(KEY_RIGHT, ACTION_REPEAT) // → null
 */
export function keyAction(key: number, action: number): Action | null {
  if (action !== ACTION_PRESS) return null;
  switch (key) {
    case KEY_SPACE: return TOGGLE_PLAY;
    case KEY_RIGHT: return NEXT_STAGE;
    case KEY_LEFT: return PREV_STAGE;
    case KEY_EQUAL:
    case KEY_KP_ADD: return SPEED_UP;
    case KEY_MINUS:
    case KEY_KP_SUBTRACT: return SLOW_DOWN;
    case KEY_R: return RESET;
    case KEY_H: return TOGGLE_HELP;
    case KEY_ESCAPE: return QUIT;
    case KEY_PERIOD: return FRAME_FORWARD;
    case KEY_COMMA: return FRAME_BACK;
    case KEY_HOME: return STEP_START;
    case KEY_END: return STEP_END;
    case KEY_C: return RESET_VIEW;
    default: return null;
  }
}

/** The action for a scroll of dy units (positive = wheel up = zoom in), or null for no vertical scroll. */
export function scrollAction(dy: number): Action | null {
  return dy !== 0 && Number.isFinite(dy) ? { kind: 'scroll', amount: dy } : null;
}

/**
 * Cursor tracking for orbit drags (spec §8.2): the last cursor position is tracked continuously,
 * pressed or not, so a drag starts without a jump. Mutable on purpose (one per window).
 */
export interface CursorTracker {
  x: number;
  y: number;
  /** False until the first cursor position arrives. */
  known: boolean;
  /** Left button held. */
  dragging: boolean;
}

export function createCursorTracker(): CursorTracker {
  return { x: 0, y: 0, known: false, dragging: false };
}

/** A mouse-button event: only the left button drags. */
export function mouseButton(c: CursorTracker, button: number, action: number): void {
  if (button !== MOUSE_BUTTON_LEFT) return;
  if (action === ACTION_PRESS) c.dragging = true;
  else if (action === ACTION_RELEASE) c.dragging = false;
}

/**
 * A cursor move to (x, y) window pixels (y down): updates the tracker and returns a drag action
 * when the left button is held and the cursor moved, else null.
 *
 * @example const c = createCursorTracker(); cursorMove(c, 10, 10); mouseButton(c, 0, 1); cursorMove(c, 15, 8) // → drag 5, −2
 */
export function cursorMove(c: CursorTracker, x: number, y: number): Action | null {
  const dx = x - c.x;
  const dy = y - c.y;
  const had = c.known;
  c.x = x;
  c.y = y;
  c.known = true;
  if (!had || !c.dragging || (dx === 0 && dy === 0)) return null;
  return { kind: 'drag', dx, dy };
}

/** Names of keys for the test hook and the help text, mapped to GLFW key codes. */
export const KEY_NAMES: Readonly<Record<string, number>> = Object.freeze({
  space: KEY_SPACE,
  left: KEY_LEFT,
  right: KEY_RIGHT,
  plus: KEY_EQUAL,
  equal: KEY_EQUAL,
  'kp-add': KEY_KP_ADD,
  minus: KEY_MINUS,
  'kp-subtract': KEY_KP_SUBTRACT,
  r: KEY_R,
  h: KEY_H,
  escape: KEY_ESCAPE,
  comma: KEY_COMMA,
  period: KEY_PERIOD,
  home: KEY_HOME,
  end: KEY_END,
  c: KEY_C,
  // Issue 13's talk keys (app/prompt-line.ts).
  enter: 257,
  backspace: 259,
  delete: 261,
  '[': 91,
  ']': 93,
  k: 75,
});

/** The on-screen help line (H toggles it); only glyphs of the atlas (ASCII + font-atlas EXTRA_GLYPHS). */
export const HELP_LINE = 'Space play/pause · ←/→ stage · , . frame · Home/End · +/− speed · R reset · drag/scroll camera · C camera back · Esc quit';
/** The second help line: issue 13's talk keys. */
export const HELP_TALK_LINE = 'Enter type a prompt (Enter runs it, Esc cancels) · [ ] temperature −/+ 0.1 · K captions on/off';
/** The third help line: the inspector (issue 17). */
export const HELP_INSPECT = 'hover a cube: value, token and formula · click: pin it (Esc or click empty space: unpin) · click/drag the bar: seek';
