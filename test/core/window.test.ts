/**
 * The Window API the app layer builds on (issue 5), under Xvfb: a 4.1 core window (made by
 * Window.open on a worker thread, then shown, as the interactive window is) with
 * a framebuffer and content scale, resize reported through the framebuffer-size handler,
 * an exception thrown in a handler re-thrown from pollEvents (never into C), should-close, and
 * destroy being idempotent. One window for the file.
 */
import test from 'ava';
import { Window } from '../../src/core/glfw.js';
import { loadGl } from '../../src/core/gl.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

let display: Display;
let win: Window;

test.before(async () => {
  display = await ensureDisplay();
  // Window.open, as the interactive window does (issue 15): made hidden on a worker thread, its
  // context current on this one, then shown.
  win = await Window.open({ width: 320, height: 200, title: 'gptviz window test', visible: false, vsync: false });
  win.show();
});

test.after.always(() => {
  win?.destroy();
  display?.stop();
});

async function pollUntil(cond: () => boolean, ms = 10000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    win.pollEvents();
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

test.serial('window has a framebuffer, a content scale and an OpenGL ≥ 4.1 context', (t) => {
  const fb = win.framebufferSize();
  t.true(fb[0]! >= 320 && fb[1]! >= 200, `framebuffer ${fb[0]}×${fb[1]}`);
  const s = win.contentScale();
  t.true(s[0]! > 0 && s[1]! > 0);
  const { info } = loadGl((n) => win.getProcAddress(n));
  t.true(info.major > 4 || (info.major === 4 && info.minor >= 1));
  t.true(win.time() >= 0);
});

test.serial('a resize reaches the framebuffer-size handler', async (t) => {
  let seen: [number, number] | null = null;
  win.handlers = { onFramebufferSize: (w, h) => (seen = [w, h]) };
  win.setSize(400, 240);
  t.true(await pollUntil(() => seen !== null), 'no framebuffer-size event');
  t.deepEqual(seen, [400, 240]);
  t.deepEqual([...win.framebufferSize()], [400, 240]);
});

test.serial('an exception in a handler is re-thrown from pollEvents, not lost in C', async (t) => {
  win.handlers = {
    onFramebufferSize: () => {
      throw new Error('handler failed');
    },
  };
  win.setSize(300, 180);
  let caught: unknown = null;
  const end = Date.now() + 10000;
  while (caught === null && Date.now() < end) {
    try {
      win.pollEvents();
    } catch (e) {
      caught = e;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  t.true(caught instanceof Error && caught.message === 'handler failed');
  win.handlers = {};
  t.notThrows(() => win.pollEvents());
});

test.serial('should-close round trip and a bad size is a UserError', (t) => {
  t.false(win.shouldClose());
  win.setShouldClose(true);
  t.true(win.shouldClose());
  win.setShouldClose(false);
  t.throws(() => Window.create({ width: 0, height: 10, title: 'x', visible: false, vsync: false }), {
    message: /at least 1×1/,
  });
});

test.serial('destroy is idempotent and GLFW starts again after the last window closed', (t) => {
  win.destroy();
  t.notThrows(() => win.destroy());
  t.true(win.destroyed);
  t.throws(() => win.pollEvents(), { message: /after destroy/ });
  win = Window.create({ width: 64, height: 64, title: 'again', visible: false, vsync: false });
  const { info } = loadGl((n) => win.getProcAddress(n));
  t.true(info.major >= 4);
});
