/**
 * Linked programs kept as driver binaries (issue 15, first frame first: core/program-cache.ts):
 * the first build compiles and stores, the next loads without compiling and draws the same
 * pixels, a damaged binary is compiled again and replaced, and no folder means no cache.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GlContext } from '../../src/core/context.js';
import { openContext } from '../../src/core/context.js';
import type { Gl } from '../../src/core/gl.js';
import { Offscreen } from '../../src/core/offscreen.js';
import { ProgramCache } from '../../src/core/program-cache.js';
import { Renderer } from '../../src/core/renderer.js';
import { buildProgram, readShader } from '../../src/core/shader.js';
import { createFrame } from '../../src/frame.js';
import { buildTestScene } from '../helpers/test-scene.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

let display: Display;
let ctx: GlContext;
const dirs: string[] = [];

test.before(async () => {
  display = await ensureDisplay();
  ctx = openContext({ width: 64, height: 64, title: 'gptviz program cache test', visible: false, vsync: false });
});

test.after.always(() => {
  ctx?.close();
  display?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'gptviz-programs-'));
  dirs.push(d);
  return d;
}

/** `gl` with its shader compiles counted. */
function counting(gl: Gl): { gl: Gl; compiles: () => number } {
  let n = 0;
  const counted = new Proxy(gl, {
    get(target, key, receiver) {
      if (key === 'glCompileShader') return (id: number) => (n++, target.glCompileShader(id));
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { gl: counted, compiles: () => n };
}

test.serial('a program is compiled once, stored, then loaded without compiling; the same uniforms', (t) => {
  const dir = freshDir();
  const vert = readShader('text.vert');
  const frag = readShader('text.frag');
  const first = counting(ctx.gl);
  const a = buildProgram(first.gl, vert, frag, ['u_matrix', 'u_atlas'] as const, new ProgramCache(first.gl, dir));
  t.is(first.compiles(), 2);
  const files = readdirSync(dir);
  t.is(files.length, 1);
  t.regex(files[0]!, /^program-[0-9a-f]{32}\.bin$/);
  const second = counting(ctx.gl);
  const b = buildProgram(second.gl, vert, frag, ['u_matrix', 'u_atlas'] as const, new ProgramCache(second.gl, dir));
  t.is(second.compiles(), 0, 'loaded from the binary');
  t.not(b.program, a.program);
  t.deepEqual(b.uniforms, a.uniforms);
  // Another pair of sources is another file.
  buildProgram(ctx.gl, vert, readShader('flat.frag'), ['u_matrix'] as const, new ProgramCache(ctx.gl, dir));
  t.is(readdirSync(dir).length, 2);
  ctx.gl.glDeleteProgram(a.program);
  ctx.gl.glDeleteProgram(b.program);
});

test.serial('a damaged binary is compiled again and replaced; without a folder nothing is kept', (t) => {
  const dir = freshDir();
  const vert = readShader('text.vert');
  const frag = readShader('flat.frag');
  buildProgram(ctx.gl, vert, frag, ['u_matrix'] as const, new ProgramCache(ctx.gl, dir));
  const file = path.join(dir, readdirSync(dir)[0]!);
  const good = readFileSync(file);
  const bad = Buffer.from(good);
  for (let i = 8; i < bad.length; i += 7) bad[i] = bad[i]! ^ 0x5a;
  writeFileSync(file, bad);
  const again = counting(ctx.gl);
  const p = buildProgram(again.gl, vert, frag, ['u_matrix'] as const, new ProgramCache(again.gl, dir));
  t.is(again.compiles(), 2, 'the damaged binary was refused');
  t.is(ctx.gl.glGetError(), 0, 'no GL error left behind');
  t.true(readFileSync(file).equals(good), 'the file holds a good binary again');
  writeFileSync(file, good.subarray(0, 3));
  const short = counting(ctx.gl);
  buildProgram(short.gl, vert, frag, ['u_matrix'] as const, new ProgramCache(short.gl, dir));
  t.is(short.compiles(), 2, 'a truncated file is no binary');
  const none = counting(ctx.gl);
  buildProgram(none.gl, vert, frag, ['u_matrix'] as const, new ProgramCache(none.gl, null));
  buildProgram(none.gl, vert, frag, ['u_matrix'] as const, new ProgramCache(none.gl, null));
  t.is(none.compiles(), 4, 'no folder: compiled each time');
  ctx.gl.glDeleteProgram(p.program);
});

test.serial('a renderer with programs loaded from the cache draws the same pixels as one that compiled them', (t) => {
  const dir = freshDir();
  const frame = buildTestScene(createFrame(1024), 160 / 90);
  // Each renderer with its own target: a target shares its renderer's record of GL state.
  const pixels = (gl: Gl, programCache: ProgramCache | null): Buffer => {
    const r = new Renderer(gl, { programCache });
    const target = new Offscreen(gl, r.state, 160, 90, 4);
    try {
      r.render(frame, target);
      return Buffer.from(target.readPixels('rgba'));
    } finally {
      target.dispose();
      r.dispose();
    }
  };
  const compiled = pixels(ctx.gl, null);
  pixels(ctx.gl, new ProgramCache(ctx.gl, dir));
  t.is(readdirSync(dir).length, 3, 'box, text and flat programs stored');
  const loaded = counting(ctx.gl);
  const fromCache = pixels(loaded.gl, new ProgramCache(loaded.gl, dir));
  t.is(loaded.compiles(), 0);
  t.true(compiled.some((v, i) => i % 4 !== 3 && v > 0), 'the scene draws something');
  t.true(fromCache.equals(compiled));
});
