/**
 * glfwInit runs under the "C" character type (core/glfw.ts, plainCtype: Xlib then reads the small
 * Latin-1 compose table, not the 5,700-line UTF-8 one; issue 15), and the environment is put back
 * afterwards. Checked in child processes (the locale is process-wide): a UTF-8 LANG, with LC_ALL
 * unset and set, through Window.open (the worker-thread path) and Window.create.
 */
import { spawnSync } from 'node:child_process';
import test from 'ava';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

let display: Display;

test.before(async () => {
  display = await ensureDisplay();
});

test.after.always(() => {
  display?.stop();
});

function childReport(how: 'open' | 'create', lcAll: string | undefined): { ctype: string; lcAll: string | null; lang: string | null } {
  const glfw = JSON.stringify(new URL('../../src/core/glfw.js', import.meta.url).href);
  const script = `
    import koffi from 'koffi';
    const { Window } = await import(${glfw});
    const opts = { width: 64, height: 48, title: 'locale test', visible: false, vsync: false };
    const w = ${how === 'open' ? 'await Window.open(opts)' : 'Window.create(opts)'};
    const setlocale = koffi.load('libc.so.6').func('const char *setlocale(int category, const char *locale)');
    console.log(JSON.stringify({ ctype: setlocale(0, null), lcAll: process.env.LC_ALL ?? null, lang: process.env.LANG ?? null }));
    w.destroy();
  `;
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display.name, LANG: 'C.UTF-8' };
  delete env.LC_ALL;
  delete env.LC_CTYPE;
  if (lcAll !== undefined) env.LC_ALL = lcAll;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, cwd: new URL('../../', import.meta.url) });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ctype: string; lcAll: string | null; lang: string | null };
}

for (const how of ['open', 'create'] as const) {
  test(`Window.${how}: GLFW sets the C character type, the environment is as it was (LC_ALL unset)`, (t) => {
    t.deepEqual(childReport(how, undefined), { ctype: 'C', lcAll: null, lang: 'C.UTF-8' });
  });
  test(`Window.${how}: the same with LC_ALL set`, (t) => {
    t.deepEqual(childReport(how, 'C.UTF-8'), { ctype: 'C', lcAll: 'C.UTF-8', lang: 'C.UTF-8' });
  });
}
