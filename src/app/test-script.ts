/**
 * The interactive app's test hook (issue 7): `GPTVIZ_TEST_SCRIPT=<file.json>` makes the real window
 * replay timed input and report what it shows, so tests and the benchmark can drive the real bin
 * under Xvfb. The file:
 *
 *   { "dt": 0.02,                       // optional: fixed timeline dt per frame instead of real time
 *     "events": [
 *       { "frame": 3, "key": "space" },            // key press (names: input.ts KEY_NAMES)
 *       { "frame": 4, "key": "right", "action": "repeat" },  // an auto-repeat event (must do nothing)
 *       { "frame": 5, "dump": "/tmp/a.png" },      // write this frame as PNG (read back before swap)
 *       { "frame": 6, "status": true },            // just report
 *       { "frame": 7, "drag": [30, -10] },         // left-button drag by (dx, dy) window pixels
 *       { "frame": 8, "scroll": 1 },
 *       { "frame": 9, "resize": [640, 360] },      // window size in screen coordinates
 *       { "frame": 10, "text": "to be" },          // typed characters (as GLFW's char callback)
 *       { "frame": 11, "pointer": [800, 450] },    // move the pointer (window pixels): hover-inspect
 *       { "frame": 12, "click": [800, 450] },      // left click there: pin / unpin, or seek on the bar
 *       { "at": 20, "close": true } ] }            // at: real seconds since the first frame
 *
 * After every event the app prints one JSON status line on stdout (session.ts state, stage,
 * frame count, CPU time); events run in file order, each at the start of its frame. Keys go through
 * the same handler as GLFW's key callback, so input.ts's mapping is exercised too.
 *
 * What it is not: no GL, no file output (interactive.ts does both); this module parses and checks.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { fileError } from '../io-errors.js';
import { KEY_NAMES } from './input.js';

export type ScriptAction =
  | { readonly kind: 'key'; readonly key: number; readonly name: string; readonly repeat: boolean }
  | { readonly kind: 'dump'; readonly path: string }
  | { readonly kind: 'status' }
  | { readonly kind: 'drag'; readonly dx: number; readonly dy: number }
  | { readonly kind: 'scroll'; readonly amount: number }
  | { readonly kind: 'resize'; readonly width: number; readonly height: number }
  /** Issue 17: move the pointer to (x, y) window pixels (no button), or click the left button there. */
  | { readonly kind: 'pointer'; readonly x: number; readonly y: number }
  | { readonly kind: 'click'; readonly x: number; readonly y: number }
  | { readonly kind: 'close' }
  | { readonly kind: 'text'; readonly text: string };

export interface ScriptEvent {
  /** Frame number (0 = the first frame) or real seconds since the first frame; exactly one is set. */
  readonly frame?: number;
  readonly at?: number;
  readonly action: ScriptAction;
  /** A short description for the status line, e.g. "key:space". */
  readonly label: string;
}

export interface TestScript {
  /** Fixed timeline dt per frame (seconds), or undefined for real time. */
  readonly dt: number | undefined;
  readonly events: readonly ScriptEvent[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function pair(v: unknown, what: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !isNum(v[0]) || !isNum(v[1])) throw new Error(`${what} must be [x, y] numbers`);
  return [v[0], v[1]];
}

function parseAction(e: Record<string, unknown>): ScriptAction {
  if (typeof e.key === 'string') {
    const key = KEY_NAMES[e.key];
    if (key === undefined) throw new Error(`unknown key "${e.key}" (known: ${Object.keys(KEY_NAMES).join(', ')})`);
    if (e.action !== undefined && e.action !== 'press' && e.action !== 'repeat') throw new Error('action must be "press" or "repeat"');
    return { kind: 'key', key, name: e.key, repeat: e.action === 'repeat' };
  }
  if (typeof e.dump === 'string' && e.dump !== '') return { kind: 'dump', path: e.dump };
  if (e.status === true) return { kind: 'status' };
  if (e.drag !== undefined) {
    const [dx, dy] = pair(e.drag, 'drag');
    return { kind: 'drag', dx, dy };
  }
  if (isNum(e.scroll)) return { kind: 'scroll', amount: e.scroll };
  if (e.resize !== undefined) {
    const [width, height] = pair(e.resize, 'resize');
    if (width < 1 || height < 1) throw new Error('resize needs a size of at least 1×1');
    return { kind: 'resize', width: Math.round(width), height: Math.round(height) };
  }
  if (e.close === true) return { kind: 'close' };
  if (typeof e.text === 'string') return { kind: 'text', text: e.text };
  if (e.pointer !== undefined) {
    const [x, y] = pair(e.pointer, 'pointer');
    return { kind: 'pointer', x, y };
  }
  if (e.click !== undefined) {
    const [x, y] = pair(e.click, 'click');
    return { kind: 'click', x, y };
  }
  throw new Error('an event needs one of key, text, dump, status, drag, scroll, resize, close, pointer, click');
}

function labelOf(a: ScriptAction): string {
  switch (a.kind) {
    case 'key': return `key:${a.name}${a.repeat ? ':repeat' : ''}`;
    case 'dump': return 'dump';
    case 'status': return 'status';
    case 'drag': return 'drag';
    case 'scroll': return 'scroll';
    case 'resize': return `resize:${a.width}x${a.height}`;
    case 'close': return 'close';
    case 'text': return `text:${a.text}`;
    case 'pointer': return 'pointer';
    case 'click': return 'click';
  }
}

/**
 * Parse and check a script (already JSON-decoded). Throws Error with the event index on bad input.
 * @example parseScript({events: [{frame: 1, key: 'space'}]}).events[0].label // → 'key:space'
 */
export function parseScript(json: unknown): TestScript {
  if (!isObj(json) || !Array.isArray(json.events)) throw new Error('expected {"events": [...]}');
  let dt: number | undefined;
  if (json.dt !== undefined) {
    if (!isNum(json.dt) || json.dt < 0) throw new Error('dt must be a number ≥ 0');
    dt = json.dt;
  }
  const events = json.events.map((raw: unknown, i: number): ScriptEvent => {
    try {
      if (!isObj(raw)) throw new Error('not an object');
      const hasFrame = raw.frame !== undefined;
      const hasAt = raw.at !== undefined;
      if (hasFrame === hasAt) throw new Error('give exactly one of frame, at');
      if (hasFrame && (!isNum(raw.frame) || !Number.isInteger(raw.frame) || raw.frame < 0)) throw new Error('frame must be an integer ≥ 0');
      if (hasAt && (!isNum(raw.at) || raw.at < 0)) throw new Error('at must be seconds ≥ 0');
      const action = parseAction(raw);
      return hasFrame ? { frame: raw.frame as number, action, label: labelOf(action) } : { at: raw.at as number, action, label: labelOf(action) };
    } catch (e) {
      throw new Error(`event ${i}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return Object.freeze({ dt, events: Object.freeze(events) });
}

/** Read and parse the file named by GPTVIZ_TEST_SCRIPT; a bad file is a one-line UserError. */
export function loadScript(path: string): TestScript {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fileError(e, path, 'read GPTVIZ_TEST_SCRIPT');
  }
  try {
    return parseScript(JSON.parse(text));
  } catch (e) {
    throw new UserError(`GPTVIZ_TEST_SCRIPT ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'fix the test script, or unset GPTVIZ_TEST_SCRIPT',
    });
  }
}

/**
 * A cursor over the script's events: `due(frame, seconds)` says whether the next event is due.
 * Events are taken strictly in file order.
 */
export class ScriptCursor {
  private index = 0;
  constructor(readonly script: TestScript) {}

  /** The next event if it is due at this frame / elapsed real time, else null. */
  next(frame: number, seconds: number): ScriptEvent | null {
    const e = this.script.events[this.index];
    if (e === undefined) return null;
    const due = e.frame !== undefined ? frame >= e.frame : seconds >= (e.at ?? 0);
    if (!due) return null;
    this.index++;
    return e;
  }

  get done(): boolean {
    return this.index >= this.script.events.length;
  }
}
