/**
 * test-script.ts: the GPTVIZ_TEST_SCRIPT format is checked strictly (a typo in a test script must
 * fail loudly, not silently do nothing) and events come out in file order when due.
 */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KEY_SPACE } from '../../src/app/input.js';
import { ScriptCursor, loadScript, parseScript } from '../../src/app/test-script.js';
import { isUserError } from '../../src/errors.js';

test('every event kind parses', (t) => {
  const s = parseScript({
    dt: 0.02,
    events: [
      { frame: 1, key: 'space' }, { frame: 2, key: 'right', action: 'repeat' }, { frame: 3, dump: '/tmp/x.png' },
      { frame: 4, status: true }, { frame: 5, drag: [3, -4] }, { frame: 6, scroll: -1 }, { frame: 7, resize: [640, 360] },
      { at: 2.5, close: true },
    ],
  });
  t.is(s.dt, 0.02);
  t.deepEqual(s.events.map((e) => e.label), [
    'key:space', 'key:right:repeat', 'dump', 'status', 'drag', 'scroll', 'resize:640x360', 'close',
  ]);
  t.deepEqual(s.events[0]!.action, { kind: 'key', key: KEY_SPACE, name: 'space', repeat: false });
  t.is(s.events[7]!.at, 2.5);
});

test('bad scripts fail with the event index', (t) => {
  t.throws(() => parseScript([]), { message: /expected \{"events"/ });
  t.throws(() => parseScript({ events: [{ frame: 1, key: 'spcae' }] }), { message: /event 0: unknown key "spcae"/ });
  t.throws(() => parseScript({ events: [{ frame: 1, status: true }, { key: 'space' }] }), { message: /event 1: give exactly one of frame, at/ });
  t.throws(() => parseScript({ events: [{ frame: 1.5, status: true }] }), { message: /frame must be an integer/ });
  t.throws(() => parseScript({ events: [{ frame: 1 }] }), { message: /needs one of/ });
  t.throws(() => parseScript({ events: [{ frame: 1, drag: [1] }] }), { message: /drag must be \[x, y\]/ });
  t.throws(() => parseScript({ dt: -1, events: [] }), { message: /dt must be/ });
});

test('loadScript turns file problems into one-line user errors', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-script-'));
  try {
    const missing = t.throws(() => loadScript(path.join(dir, 'nope.json')));
    t.true(isUserError(missing));
    t.regex(missing!.message, /^cannot read GPTVIZ_TEST_SCRIPT .*nope\.json: no such file or directory$/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"events": [');
    const e = t.throws(() => loadScript(bad));
    t.true(isUserError(e));
    t.false(e!.message.includes('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the cursor hands out due events in file order', (t) => {
  const c = new ScriptCursor(parseScript({ events: [{ frame: 2, status: true }, { at: 1, status: true }, { frame: 2, status: true }] }));
  t.is(c.next(0, 0), null);
  t.not(c.next(2, 0), null);
  t.is(c.next(2, 0.5), null, 'the time-triggered event is not due yet, and later ones wait for it');
  t.not(c.next(3, 1), null);
  t.not(c.next(3, 1), null);
  t.true(c.done);
  t.is(c.next(100, 100), null);
});
