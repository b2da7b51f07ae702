/**
 * Talking to the model in the window (issue 13): the state the window keeps across generations —
 * the open prompt line (prompt-line.ts), the temperature for the next generation, captions on/off
 * (on by default, remembered for the session), a short on-screen message — the routing of key and
 * character events (while the line is open every key goes to it, never to the playback), and the
 * overlays it draws: the caption band, the prompt field with its hint or note, the message.
 *
 * What it is not: it runs no model and builds no scenes — a submitted prompt waits in `pending`
 * until the window loop (interactive.ts) starts the new generation; no GL (it only fills the
 * FrameDesc); no playback rules (session.ts).
 */
import type { FrameDesc, OverlayText } from '../frame.js';
import { pushOverlay } from '../frame.js';
import type { CaptionTable } from '../visualization/captions.js';
import { applyCaption } from '../visualization/captions.js';
import type { Timeline } from '../animation/timeline.js';
import { ACTION_PRESS } from './input.js';
import type { PromptLine } from './prompt-line.js';
import {
  EMPTY_LINE, KEY_ENTER, KEY_K, KEY_KP_ENTER, KEY_LEFT_BRACKET, KEY_RIGHT_BRACKET, PROMPT_HINT, promptField, promptKey,
  promptReduce, stepTemperature, typedText,
} from './prompt-line.js';

/** Real seconds an on-screen message stays. */
export const MESSAGE_S = 4;
/** The prompt field is at least this many characters wide, so it reads as a field when empty. */
const FIELD_MIN_CHARS = 56;
/** Colours (linear RGB) of the note under the field and of messages. */
const NOTE_RGB = [1, 0.55, 0.45] as const;
const MESSAGE_RGB = [1, 0.85, 0.45] as const;

function tint(o: OverlayText, rgb: readonly [number, number, number]): void {
  o.r = rgb[0];
  o.g = rgb[1];
  o.b = rgb[2];
}

export interface TalkOptions {
  /** Temperature of the first generation (--temperature). */
  readonly temperature: number;
  /** Why typing cannot generate (no trained weights), or undefined when it can. */
  readonly noWeights?: string;
}

/** The result of a key event: consumed by the talk layer, or passed on to the playback keys. */
export type KeyRoute = 'consumed' | 'pass';

export class Talk {
  /** The open prompt line, or null. */
  line: PromptLine | null = null;
  captions = true;
  temperature: number;
  /** A submitted prompt waiting for the window loop to generate it. */
  pending: string | null = null;
  message = '';
  private messageLeft = 0;
  private fieldText = '';
  private fieldOf: PromptLine | null = null;

  constructor(private readonly opts: TalkOptions) {
    this.temperature = opts.temperature;
  }

  /** Show a short message (also for tests: the status line reports it). */
  say(message: string): void {
    this.message = message;
    this.messageLeft = MESSAGE_S;
  }

  /** A key event (GLFW key code, action, modifier bits). */
  key(key: number, action: number, mods: number): KeyRoute {
    if (this.line !== null) {
      const edit = promptKey(key, action, mods);
      if (edit !== null) this.edit(edit);
      return 'consumed';
    }
    if (action !== ACTION_PRESS) return 'pass';
    switch (key) {
      case KEY_ENTER:
      case KEY_KP_ENTER:
        if (this.opts.noWeights !== undefined) this.say(this.opts.noWeights);
        else this.line = EMPTY_LINE;
        return 'consumed';
      case KEY_LEFT_BRACKET:
      case KEY_RIGHT_BRACKET:
        this.temperature = stepTemperature(this.temperature, key === KEY_RIGHT_BRACKET ? 1 : -1);
        this.say(`temperature ${this.temperature.toFixed(1)} for the next generation (Enter to type a prompt)`);
        return 'consumed';
      case KEY_K:
        this.captions = !this.captions;
        return 'consumed';
      default:
        return 'pass';
    }
  }

  /** A typed character (GLFW char callback); only the open line takes text. */
  char(codepoint: number): void {
    if (this.line === null) return;
    const text = typedText(codepoint);
    if (text !== null) this.edit({ kind: 'type', text });
  }

  /** Type a whole string into the open line (the test hook's "text" events). */
  type(text: string): void {
    if (this.line !== null) this.edit({ kind: 'type', text });
  }

  private edit(e: Parameters<typeof promptReduce>[1]): void {
    const r = promptReduce(this.line ?? EMPTY_LINE, e);
    switch (r.kind) {
      case 'open':
        this.line = r.line;
        break;
      case 'submit':
        this.line = null;
        this.pending = r.text;
        break;
      case 'cancel':
        this.line = null;
        break;
    }
  }

  /** Count the message down by dt real seconds. */
  tick(dt: number): void {
    if (this.messageLeft > 0) {
      this.messageLeft -= dt;
      if (this.messageLeft <= 0) this.message = '';
    }
  }

  /**
   * The talk overlays of this frame (after frameAt): the caption band when captions are on, the
   * prompt field and its note / hint while the line is open, else the message. Bottom-left lines 2
   * and 3 keep clear of the stage title at the bottom right.
   */
  draw(out: FrameDesc, captions: CaptionTable, tl: Timeline, t: number): void {
    if (this.captions) applyCaption(out, captions, tl, t);
    if (this.line !== null) {
      if (this.fieldOf !== this.line) {
        this.fieldOf = this.line;
        const f = promptField(this.line);
        this.fieldText = f.length < FIELD_MIN_CHARS ? f + ' '.repeat(FIELD_MIN_CHARS - f.length) : f;
      }
      pushOverlay(out, this.fieldText, 'bottom-left', 2, 'small', 1).field = true;
      const note = this.line.note;
      const o = pushOverlay(out, note !== '' ? note : PROMPT_HINT, 'bottom-left', 3, 'small', note !== '' ? 1 : 0.75);
      if (note !== '') tint(o, NOTE_RGB);
    } else if (this.message !== '') {
      const o = pushOverlay(out, this.message, 'bottom-left', 2, 'small', Math.min(1, this.messageLeft / 0.4));
      tint(o, MESSAGE_RGB);
    }
  }
}
