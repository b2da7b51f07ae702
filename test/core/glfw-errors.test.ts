/**
 * One-line UserErrors with the fix (issue 5), checked in child processes so each starts with a
 * fresh GLFW: library not found (names the library and the install command), no display
 * (names DISPLAY and suggests xvfb-run) — from Window.create and from Window.open, whose GLFW
 * calls run on a worker thread (issue 15) and report through the same error callback.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GLFW = fileURLToPath(new URL('../../src/core/glfw.js', import.meta.url));

function openWindow(env: Record<string, string | undefined>, how: 'create' | 'open' = 'create'): Promise<{ code: number | null; out: string }> {
  const script = `
    const { Window } = await import(${JSON.stringify(GLFW)});
    try { (await Window.${how}({ width: 64, height: 64, title: 't', visible: false, vsync: false })).destroy(); console.log('OPENED'); }
    catch (e) { console.log(e.name + '|' + e.message + '|' + e.hint); }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('a missing GLFW library is a UserError naming it and the package to install', async (t) => {
  const { out } = await openWindow({ GPTVIZ_GLFW_LIB: '/nonexistent/libglfw-missing.so.3' });
  t.regex(out, /^UserError\|the GLFW 3 library was not found \(tried \/nonexistent\/libglfw-missing\.so\.3\)\|/);
  t.regex(out, /apt-get install libglfw3/);
  t.is(out.trim().split('\n').length, 1);
});

test('no display is a UserError naming DISPLAY and suggesting xvfb-run', async (t) => {
  const { out } = await openWindow({ DISPLAY: undefined, WAYLAND_DISPLAY: undefined });
  t.regex(out, /^UserError\|cannot open a window: X11: The DISPLAY environment variable is missing\|/);
  t.regex(out, /xvfb-run/);
});

test('Window.open (GLFW on a worker thread) gives the same UserErrors: no display, a display that is not there', async (t) => {
  const none = await openWindow({ DISPLAY: undefined, WAYLAND_DISPLAY: undefined }, 'open');
  t.regex(none.out, /^UserError\|cannot open a window: X11: The DISPLAY environment variable is missing\|.*xvfb-run/);
  t.is(none.out.trim().split('\n').length, 1);
  // DISPLAY set (the worker-thread path) to a display no server answers.
  const absent = await openWindow({ DISPLAY: ':987', WAYLAND_DISPLAY: undefined }, 'open');
  t.regex(absent.out, /^UserError\|cannot open a window: X11: Failed to open display :987\|.*xvfb-run/);
  t.is(absent.out.trim().split('\n').length, 1);
  t.is(absent.code, 0);
});
