/**
 * Glyph atlas (spec §7.5): the glyph set, real coverage for ink glyphs, the solid texel, sizes;
 * the atlas cache (issue 15): written once, read back equal without the rasteriser, a damaged
 * file rebuilt, an unusable folder ignored.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { EXTRA_GLYPHS, buildFontAtlas, fontAtlas, glyphSet } from '../../src/core/font-atlas.js';
import { CACHE_MAX_AGE_MS, userCacheDir } from '../../src/user-cache.js';
import { measureText } from '../../src/core/text-layout.js';

const atlas = buildFontAtlas(44);

function coverage(code: number): number {
  const g = atlas.glyphs.get(code)!;
  let sum = 0;
  for (let y = Math.round(g.v0 * atlas.height); y < Math.round(g.v1 * atlas.height); y++) {
    for (let x = Math.round(g.u0 * atlas.width); x < Math.round(g.u1 * atlas.width); x++) sum += atlas.pixels[y * atlas.width + x]!;
  }
  return sum;
}

test('the atlas holds printable ASCII and the scene symbols ᵀ · × → with ink', (t) => {
  t.is(glyphSet().length, 95 + [...EXTRA_GLYPHS].length);
  for (const ch of ['A', 'z', '%', '?', 'ᵀ', '·', '×', '→']) {
    t.true(atlas.glyphs.has(ch.codePointAt(0)!), ch);
    t.true(coverage(ch.codePointAt(0)!) > 255 * 3, `${ch} has ink`);
    t.true(atlas.glyphs.get(ch.codePointAt(0)!)!.advance > 0);
  }
  t.is(coverage(32), 0, 'space is blank');
});

test('the solid texel is fully covered and the sizes scale with the pixel size', (t) => {
  const sx = Math.floor(atlas.solidU * atlas.width), sy = Math.floor(atlas.solidV * atlas.height);
  t.is(atlas.pixels[sy * atlas.width + sx], 255);
  t.is(atlas.lineHeight, atlas.ascent + atlas.descent);
  const big = buildFontAtlas(88);
  t.true(Math.abs(big.lineHeight / atlas.lineHeight - 2) < 0.1);
  t.true(Math.abs(measureText(big, 'Hello') / measureText(atlas, 'Hello') - 2) < 0.1);
});

test('fontAtlas: built once into the cache folder, then read back equal — without loading the rasteriser', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-atlas-'));
  try {
    const built = fontAtlas(44, dir);
    t.deepEqual(built, buildFontAtlas(44));
    const files = readdirSync(dir);
    t.is(files.length, 1);
    t.regex(files[0]!, /^atlas-[0-9a-f]{32}\.bin$/);
    t.deepEqual(fontAtlas(44, dir), built, 'read back');
    // A fresh process reads it without loading @napi-rs/canvas (≈ 50 ms of the window's start).
    const script = `
      import { createRequire } from 'node:module';
      const { fontAtlas } = await import(${JSON.stringify(new URL('../../src/core/font-atlas.js', import.meta.url).href)});
      const a = fontAtlas(44, ${JSON.stringify(dir)});
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('napi-rs'));
      console.log(JSON.stringify({ width: a.width, glyphs: a.glyphs.size, loaded }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    t.deepEqual(JSON.parse(r.stdout), { width: built.width, glyphs: built.glyphs.size, loaded: false }, r.stderr);
    // A damaged file is not trusted: the atlas is built again and the file rewritten.
    const file = path.join(dir, files[0]!);
    writeFileSync(file, readFileSync(file).subarray(0, 1000));
    t.deepEqual(fontAtlas(44, dir), built);
    const levels = [built, ...built.mips].reduce((n, m) => n + m.width * m.height, 0);
    t.is(readFileSync(file).length, 4 + readFileSync(file).readUInt32LE(0) + levels);
    // Another size is another file; writing it removes atlas files not written for 30 days, and
    // nothing else.
    const stale = path.join(dir, `atlas-${'0'.repeat(32)}.bin`);
    const other = path.join(dir, 'notes.txt');
    writeFileSync(stale, 'old');
    writeFileSync(other, 'mine');
    const old = (Date.now() - CACHE_MAX_AGE_MS - 60_000) / 1000;
    utimesSync(stale, old, old);
    utimesSync(other, old, old);
    fontAtlas(96, dir);
    t.deepEqual(readdirSync(dir).sort(), [files[0]!, readdirSync(dir).find((f) => f !== files[0] && f.startsWith('atlas-'))!, 'notes.txt'].sort());
    t.false(readdirSync(dir).includes(path.basename(stale)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fontAtlas: a cache folder that cannot be made is no error (the atlas is built); the folder follows XDG_CACHE_HOME', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gptviz-atlas-'));
  try {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    t.deepEqual(fontAtlas(44, path.join(blocker, 'cache')), atlas);
    t.deepEqual(fontAtlas(44, undefined), atlas);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.is(userCacheDir({ XDG_CACHE_HOME: '/var/cache/me' }), path.join('/var/cache/me', 'gptviz'));
  t.is(userCacheDir({ XDG_CACHE_HOME: 'relative' }), path.join(homedir(), '.cache', 'gptviz'));
  t.is(userCacheDir({}), path.join(homedir(), '.cache', 'gptviz'));
});
