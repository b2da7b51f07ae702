/**
 * input.ts: keys act on press only (never on auto-repeat or release), every control key maps to
 * its action, drags start without a jump and only with the left button held.
 */
import test from 'ava';
import {
  ACTION_PRESS, ACTION_RELEASE, ACTION_REPEAT, KEY_EQUAL, KEY_ESCAPE, KEY_H, KEY_KP_ADD, KEY_KP_SUBTRACT, KEY_LEFT,
  KEY_MINUS, KEY_NAMES, KEY_R, KEY_RIGHT, KEY_SPACE, HELP_LINE, createCursorTracker, cursorMove, keyAction, mouseButton,
  scrollAction,
} from '../../src/app/input.js';
import { EXTRA_GLYPHS } from '../../src/core/font-atlas.js';

test('every control key maps to its action on press', (t) => {
  const kind = (k: number): string | undefined => keyAction(k, ACTION_PRESS)?.kind;
  t.is(kind(KEY_SPACE), 'toggle-play');
  t.is(kind(KEY_RIGHT), 'next-stage');
  t.is(kind(KEY_LEFT), 'prev-stage');
  t.is(kind(KEY_EQUAL), 'speed-up');
  t.is(kind(KEY_KP_ADD), 'speed-up');
  t.is(kind(KEY_MINUS), 'slow-down');
  t.is(kind(KEY_KP_SUBTRACT), 'slow-down');
  t.is(kind(KEY_R), 'reset');
  t.is(kind(KEY_H), 'toggle-help');
  t.is(kind(KEY_ESCAPE), 'quit');
  t.is(keyAction(65 /* A */, ACTION_PRESS), null);
});

test('auto-repeat and release do nothing', (t) => {
  for (const k of [KEY_SPACE, KEY_RIGHT, KEY_LEFT, KEY_EQUAL, KEY_MINUS, KEY_R, KEY_H, KEY_ESCAPE]) {
    t.is(keyAction(k, ACTION_REPEAT), null);
    t.is(keyAction(k, ACTION_RELEASE), null);
  }
});

test('key actions are shared frozen values (no allocation per key)', (t) => {
  const a = keyAction(KEY_SPACE, ACTION_PRESS);
  t.is(a, keyAction(KEY_SPACE, ACTION_PRESS));
  t.true(Object.isFrozen(a));
});

test('a drag starts without a jump and needs the left button', (t) => {
  const c = createCursorTracker();
  t.is(cursorMove(c, 500, 300), null, 'first position: nothing to compare with');
  t.is(cursorMove(c, 520, 310), null, 'button up: no drag');
  mouseButton(c, 1, ACTION_PRESS);
  t.is(cursorMove(c, 530, 310), null, 'right button does not drag');
  mouseButton(c, 0, ACTION_PRESS);
  t.deepEqual(cursorMove(c, 535, 302), { kind: 'drag', dx: 5, dy: -8 }, 'delta from the last tracked position');
  t.is(cursorMove(c, 535, 302), null, 'no movement, no drag');
  mouseButton(c, 0, ACTION_RELEASE);
  t.is(cursorMove(c, 600, 400), null);
});

test('scroll maps vertical amounts only', (t) => {
  t.deepEqual(scrollAction(1), { kind: 'scroll', amount: 1 });
  t.deepEqual(scrollAction(-0.5), { kind: 'scroll', amount: -0.5 });
  t.is(scrollAction(0), null);
  t.is(scrollAction(Number.NaN), null);
});

test('key names of the test hook cover every control', (t) => {
  for (const name of ['space', 'left', 'right', 'plus', 'minus', 'r', 'h', 'escape']) {
    t.not(keyAction(KEY_NAMES[name]!, ACTION_PRESS), null, name);
  }
});

test('the help line uses only glyphs of the atlas', (t) => {
  for (const ch of HELP_LINE) {
    const c = ch.codePointAt(0)!;
    t.true((c >= 32 && c <= 126) || EXTRA_GLYPHS.includes(ch), `glyph ${JSON.stringify(ch)} is in the atlas`);
  }
});
