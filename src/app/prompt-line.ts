/**
 * The window's prompt line (issue 13) as a pure state machine: Enter opens it, typing edits it
 * (characters outside the vocabulary are shown as rejected, never silently dropped), Backspace /
 * Delete, Left/Right / Home / End move within it, Ctrl-U clears it, Enter submits it, Esc cancels it.
 * Also the window's other talk keys while the line is closed: `[` / `]` change the temperature for
 * the next generation (steps of 0.1 within 0 … 2), K toggles the captions.
 *
 * Immutable: every reducer returns a new PromptLine (input events are not the per-frame path).
 * What it is not: no GLFW (interactive.ts feeds key codes and typed code points), no drawing
 * (`promptOverlay` only builds the strings), no generation (the app runs the submitted text).
 */
import { cleanText } from '../transformer/vocab.js';
import { ACTION_PRESS, ACTION_REPEAT, KEY_END, KEY_ESCAPE, KEY_HOME, KEY_LEFT, KEY_RIGHT } from './input.js';

/** GLFW key codes the prompt line and the talk keys use besides input.ts's (glfw3.h). */
export const KEY_ENTER = 257;
export const KEY_KP_ENTER = 335;
export const KEY_BACKSPACE = 259;
export const KEY_DELETE = 261;
export const KEY_LEFT_BRACKET = 91;
export const KEY_RIGHT_BRACKET = 93;
export const KEY_K = 75;
export const KEY_U = 85;
/** GLFW modifier bit of Ctrl. */
export const MOD_CONTROL = 0x0002;

/** Longest prompt the line takes (the model sees the last S characters of it anyway). */
export const MAX_PROMPT = 200;
/** Temperature range and step of the `[` / `]` keys. */
export const MAX_TEMPERATURE = 2;
export const TEMPERATURE_STEP = 0.1;

export interface PromptLine {
  /** The text typed so far (vocabulary characters only, lower case). */
  readonly text: string;
  /** Caret position, 0 … text.length. */
  readonly cursor: number;
  /** A message under the field: a rejected character or an empty prompt; '' = none. */
  readonly note: string;
}

/** What an edit event does to the line. */
export type PromptEdit =
  | { readonly kind: 'type'; readonly text: string }
  | { readonly kind: 'backspace' }
  | { readonly kind: 'delete' }
  | { readonly kind: 'left' }
  | { readonly kind: 'right' }
  | { readonly kind: 'home' }
  | { readonly kind: 'end' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'submit' }
  | { readonly kind: 'cancel' };

/** The line after an edit, or what to do when it closes. */
export type PromptResult =
  | { readonly kind: 'open'; readonly line: PromptLine }
  | { readonly kind: 'submit'; readonly text: string }
  | { readonly kind: 'cancel' };

/** A freshly opened, empty line. */
export const EMPTY_LINE: PromptLine = Object.freeze({ text: '', cursor: 0, note: '' });

// Overlay text uses only the atlas's glyphs (ASCII + font-atlas EXTRA_GLYPHS): 'a-z', 'Left/Right'.
const VOCAB_HINT = "the vocabulary is a-z, space and ! ' . ?";

/**
 * `"x"` for a character in a message (JSON quoting shows '"' legibly); a character the overlay font
 * cannot draw (outside printable ASCII) as its code point, e.g. `U+00E9`.
 */
const quote = (ch: string): string =>
  /^[ -~]$/.test(ch) ? JSON.stringify(ch) : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Apply one edit. Typed characters are lower-cased; characters outside the vocabulary are not
 * inserted but named in `note`. Submitting an empty line keeps it open with a note.
 *
 * @example promptReduce(EMPTY_LINE, {kind: 'type', text: 'To'}) // → {kind: 'open', line: {text: 'to', cursor: 2, note: ''}}
 */
export function promptReduce(line: PromptLine, e: PromptEdit): PromptResult {
  const open = (text: string, cursor: number, note = ''): PromptResult => ({ kind: 'open', line: { text, cursor, note } });
  const { text, cursor } = line;
  switch (e.kind) {
    case 'type': {
      const { kept, dropped } = cleanText(e.text.replace(/[\r\n]/g, ''));
      const room = Math.max(0, MAX_PROMPT - text.length);
      const add = kept.slice(0, room);
      const notes: string[] = [];
      if (dropped.length > 0) notes.push(`${dropped.map(quote).join(', ')} not in the vocabulary (${VOCAB_HINT})`);
      if (add.length < kept.length) notes.push(`the prompt is limited to ${MAX_PROMPT} characters`);
      return open(text.slice(0, cursor) + add + text.slice(cursor), cursor + add.length, notes.join('; '));
    }
    case 'backspace':
      return cursor > 0 ? open(text.slice(0, cursor - 1) + text.slice(cursor), cursor - 1) : open(text, cursor);
    case 'delete':
      return open(text.slice(0, cursor) + text.slice(cursor + 1), cursor);
    case 'left':
      return open(text, Math.max(0, cursor - 1));
    case 'right':
      return open(text, Math.min(text.length, cursor + 1));
    case 'home':
      return open(text, 0);
    case 'end':
      return open(text, text.length);
    case 'clear':
      return open('', 0);
    case 'submit':
      return text === '' ? open('', 0, `type a prompt first (${VOCAB_HINT}), or Esc to cancel`) : { kind: 'submit', text };
    case 'cancel':
      return { kind: 'cancel' };
  }
}

/**
 * The edit for a key event while the line is open (press and auto-repeat), or null for keys the
 * line ignores (they do nothing: while the line is open, keys never reach the playback).
 *
 * @example promptKey(KEY_U, ACTION_PRESS, MOD_CONTROL) // → {kind: 'clear'}
 */
export function promptKey(key: number, action: number, mods: number): PromptEdit | null {
  if (action !== ACTION_PRESS && action !== ACTION_REPEAT) return null;
  switch (key) {
    case KEY_ENTER:
    case KEY_KP_ENTER: return action === ACTION_PRESS ? { kind: 'submit' } : null;
    case KEY_ESCAPE: return action === ACTION_PRESS ? { kind: 'cancel' } : null;
    case KEY_BACKSPACE: return { kind: 'backspace' };
    case KEY_DELETE: return { kind: 'delete' };
    case KEY_LEFT: return { kind: 'left' };
    case KEY_RIGHT: return { kind: 'right' };
    case KEY_HOME: return { kind: 'home' };
    case KEY_END: return { kind: 'end' };
    case KEY_U: return (mods & MOD_CONTROL) !== 0 ? { kind: 'clear' } : null;
    default: return null;
  }
}

/**
 * The typed text of a character event (GLFW's char callback: a Unicode code point), or null for
 * characters that are not text (control characters) or are typed with Ctrl held.
 */
export function typedText(codepoint: number): string | null {
  if (!Number.isInteger(codepoint) || codepoint < 32 || codepoint === 127 || codepoint > 0x10ffff) return null;
  return String.fromCodePoint(codepoint);
}

/**
 * The temperature after `[` (down) or `]` (up): steps of 0.1, kept within 0 … 2, rounded to the
 * step (a start value of 0.35 goes to 0.4 / 0.3).
 *
 * @example stepTemperature(0.3, 1) // → 0.4
 */
export function stepTemperature(t: number, dir: 1 | -1): number {
  const k = dir > 0 ? Math.floor(t / TEMPERATURE_STEP + 1e-9) + 1 : Math.ceil(t / TEMPERATURE_STEP - 1e-9) - 1;
  return Math.min(MAX_TEMPERATURE, Math.max(0, Math.round(k) / 10));
}

/** The temperature as the status line shows it: `T 0.3`, `T 0 (greedy)`. */
export function formatTemperature(t: number): string {
  return t === 0 ? 'T 0 (greedy)' : `T ${Number(t.toFixed(2))}`;
}

/** What the field shows: a prompt sign, the text with a caret `|` at the cursor. */
export function promptField(line: PromptLine): string {
  return `Prompt: ${line.text.slice(0, line.cursor)}|${line.text.slice(line.cursor)}`;
}

/** The hint shown with the open line. */
export const PROMPT_HINT = 'Enter generate · Esc cancel · Left/Right move · Backspace delete · Ctrl-U clear';
