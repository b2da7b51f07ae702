/**
 * The window's prompt line as a pure state machine (issue 13): typing (lower-cased, characters
 * outside the vocabulary named and not inserted), editing at the caret, Ctrl-U, submit and cancel,
 * the empty-prompt note, the key mapping (press and auto-repeat; keys the line ignores do
 * nothing), typed code points, and the `[` / `]` temperature steps.
 */
import test from 'ava';
import { ACTION_PRESS, ACTION_RELEASE, ACTION_REPEAT } from '../../src/app/input.js';
import type { PromptEdit, PromptLine, PromptResult } from '../../src/app/prompt-line.js';
import {
  EMPTY_LINE, KEY_BACKSPACE, KEY_ENTER, KEY_U, MAX_PROMPT, MOD_CONTROL, formatTemperature, promptField, promptKey,
  promptReduce, stepTemperature, typedText,
} from '../../src/app/prompt-line.js';

function line(r: PromptResult): PromptLine {
  if (r.kind !== 'open') throw new Error(`expected an open line, got ${r.kind}`);
  return r.line;
}

function apply(edits: readonly PromptEdit[], from: PromptLine = EMPTY_LINE): PromptResult {
  let r: PromptResult = { kind: 'open', line: from };
  for (const e of edits) r = promptReduce(line(r), e);
  return r;
}

test('typing inserts lower-cased vocabulary characters at the caret', (t) => {
  const l = line(apply([{ kind: 'type', text: 'To' }, { kind: 'type', text: ' BE' }]));
  t.deepEqual(l, { text: 'to be', cursor: 5, note: '' });
  const mid = line(apply([{ kind: 'left' }, { kind: 'left' }, { kind: 'type', text: 'x' }], l));
  t.deepEqual(mid, { text: 'to xbe', cursor: 4, note: '' });
});

test('characters outside the vocabulary are named in the note, not inserted', (t) => {
  const l = line(apply([{ kind: 'type', text: 'a1b,' }]));
  t.is(l.text, 'ab');
  t.is(l.cursor, 2);
  t.regex(l.note, /^"1", "," not in the vocabulary/);
  t.regex(line(apply([{ kind: 'type', text: 'é' }])).note, /^U\+00E9 not in the vocabulary/);
  // The next accepted edit clears the note.
  t.is(line(promptReduce(l, { kind: 'type', text: 'c' })).note, '');
});

test('Backspace, Delete, Left/Right/Home/End stay within the text; Ctrl-U clears', (t) => {
  const l = line(apply([{ kind: 'type', text: 'hello' }]));
  t.deepEqual(line(promptReduce(l, { kind: 'backspace' })), { text: 'hell', cursor: 4, note: '' });
  t.deepEqual(line(promptReduce(l, { kind: 'right' })), l);
  t.deepEqual(line(promptReduce(l, { kind: 'delete' })), l);
  const home = line(promptReduce(l, { kind: 'home' }));
  t.is(home.cursor, 0);
  t.deepEqual(line(promptReduce(home, { kind: 'backspace' })), home);
  t.deepEqual(line(promptReduce(home, { kind: 'left' })), home);
  t.deepEqual(line(promptReduce(home, { kind: 'delete' })), { text: 'ello', cursor: 0, note: '' });
  t.is(line(promptReduce(home, { kind: 'end' })).cursor, 5);
  t.deepEqual(line(promptReduce(l, { kind: 'clear' })), EMPTY_LINE);
});

test('Enter submits the text; an empty line stays open with a note; Esc cancels', (t) => {
  t.deepEqual(apply([{ kind: 'type', text: 'to be' }, { kind: 'submit' }]), { kind: 'submit', text: 'to be' });
  const empty = line(apply([{ kind: 'type', text: '123' }, { kind: 'submit' }]));
  t.is(empty.text, '');
  t.regex(empty.note, /type a prompt first/);
  t.deepEqual(apply([{ kind: 'type', text: 'x' }, { kind: 'cancel' }]), { kind: 'cancel' });
});

test('the line is limited to MAX_PROMPT characters, with a note', (t) => {
  const l = line(apply([{ kind: 'type', text: 'a'.repeat(MAX_PROMPT + 5) }]));
  t.is(l.text.length, MAX_PROMPT);
  t.regex(l.note, /limited to 200/);
});

test('keys: Enter/Esc on press only, editing keys also on auto-repeat, Ctrl-U clears, others ignored', (t) => {
  t.deepEqual(promptKey(KEY_ENTER, ACTION_PRESS, 0), { kind: 'submit' });
  t.is(promptKey(KEY_ENTER, ACTION_REPEAT, 0), null);
  t.deepEqual(promptKey(256, ACTION_PRESS, 0), { kind: 'cancel' });
  t.deepEqual(promptKey(KEY_BACKSPACE, ACTION_REPEAT, 0), { kind: 'backspace' });
  t.deepEqual(promptKey(263, ACTION_PRESS, 0), { kind: 'left' });
  t.deepEqual(promptKey(262, ACTION_PRESS, 0), { kind: 'right' });
  t.deepEqual(promptKey(KEY_U, ACTION_PRESS, MOD_CONTROL), { kind: 'clear' });
  t.is(promptKey(KEY_U, ACTION_PRESS, 0), null); // a plain u arrives as text
  t.is(promptKey(32, ACTION_PRESS, 0), null); // Space types (char callback), never plays/pauses
  t.is(promptKey(KEY_BACKSPACE, ACTION_RELEASE, 0), null);
});

test('typed code points: printable characters only', (t) => {
  t.is(typedText(97), 'a');
  t.is(typedText(0x1f600), '😀');
  t.is(typedText(9), null);
  t.is(typedText(127), null);
});

test('temperature keys: steps of 0.1 within 0 … 2, snapping off-grid values', (t) => {
  t.is(stepTemperature(0.3, 1), 0.4);
  t.is(stepTemperature(0.3, -1), 0.2);
  t.is(stepTemperature(0.1, -1), 0);
  t.is(stepTemperature(0, -1), 0);
  t.is(stepTemperature(2, 1), 2);
  t.is(stepTemperature(1.95, 1), 2);
  t.is(stepTemperature(0.35, 1), 0.4);
  t.is(stepTemperature(0.35, -1), 0.3);
  t.is(stepTemperature(5, -1), 2);
  let x = 0;
  for (let i = 0; i < 20; i++) x = stepTemperature(x, 1);
  t.is(x, 2);
  t.is(formatTemperature(0), 'T 0 (greedy)');
  t.is(formatTemperature(0.7), 'T 0.7');
});

test('the field shows the caret at the cursor', (t) => {
  t.is(promptField({ text: 'to be', cursor: 2, note: '' }), 'Prompt: to| be');
});
