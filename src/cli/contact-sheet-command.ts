/**
 * `gptviz contact-sheet [--out contact-sheet.png] [--text …] [--weights FILE] [--temperature T] [--captions]`
 * (issue 6, `npm run contact-sheet`): one PNG grid of 16 moments across one step — the random
 * scene, or with --text the first generation step — each cell labelled with its time and stage,
 * rendered offscreen through the real renderer (hidden window; under no display use xvfb-run).
 *
 * What it is not: scene logic (visualization/) or the renderer (core/); this only picks times,
 * renders each with `frameAt`, and lays the cells out with @napi-rs/canvas.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCanvas, GlobalFonts, ImageData } from '@napi-rs/canvas';
import { INITIAL_VIEW } from '../animation/camera-path.js';
import { openContext } from '../core/context.js';
import { UserError } from '../errors.js';
import { createFrame } from '../frame.js';
import { DEFAULT_CONFIG } from '../transformer/config.js';
import { randomModeForward } from '../transformer/model.js';
import { loadWeights } from '../transformer/weights-file.js';
import { captionAt } from '../visualization/captions.js';
import { contactMoments } from '../visualization/contact-moments.js';
import { stepSceneInput } from '../visualization/first-step.js';
import { frameAt } from '../visualization/frame-at.js';
import { buildScene } from '../visualization/scene.js';
import { formatHelp, parseFlags } from './flags.js';
import { cleanPrompt, PACKAGE_ROOT, requireWeights } from './options.js';

const SPECS = {
  out: { type: 'string', default: 'contact-sheet.png', placeholder: 'FILE.png', help: 'where to write the sheet' },
  text: { type: 'string', placeholder: 'TEXT', help: 'prompt: show the first generation step (needs weights)' },
  weights: { type: 'string', placeholder: 'FILE.npz', help: 'weights for --text (default weights/charlm.npz)' },
  temperature: { type: 'number', default: 0.3, min: 0, help: 'sampling temperature, 0 = greedy' },
  seed: { type: 'integer', min: 0, max: 0xffffffff, help: 'XOR-ed into the sampling seed' },
  columns: { type: 'integer', default: 4, min: 1, max: 8, help: 'cells per row' },
  cellWidth: { type: 'integer', default: 480, min: 160, max: 1920, even: true, help: 'cell width in pixels (16:9 cells)' },
  captions: { type: 'boolean', help: 'write each moment\'s caption (what is computed and why) under its cell' },
} as const;

const SUMMARY = 'Render a grid of moments across one step into a PNG (random scene, or the first step of --text).';
const CAPTION_H = 30;
/** --captions: lines of caption text under each cell, their height and font size (pixels). */
const WORDS_LINES = 4;
const WORDS_LINE_H = 18;
const WORDS_FONT = '14px "DejaVu Sans"';
const SUPERSAMPLE = 2;

/** Greedy word wrap by a measured width (the sheet's canvas font). */
function wrapWords(text: string, width: (t: string) => number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && width(next) > max) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

export async function run(argv: string[]): Promise<number> {
  const { values: o, help } = parseFlags('contact-sheet', argv, SPECS);
  if (help) {
    process.stdout.write(formatHelp('contact-sheet', SUMMARY, SPECS));
    return 0;
  }
  const out = path.resolve(o.out);
  const dir = path.dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`cannot write ${out}: the folder ${dir} does not exist`);
  const input = o.text !== undefined
    ? stepSceneInput(loadWeights(requireWeights(o.weights)), cleanPrompt(o.text), { temperature: o.temperature, seed: o.seed })
    : { kind: 'random' as const, record: randomModeForward(DEFAULT_CONFIG) };
  const scene = buildScene(input);
  const moments = contactMoments(scene.timeline);
  const cw = o.cellWidth;
  const ch = Math.round((cw * 9) / 16);
  const cols = o.columns;
  const rows = Math.ceil(moments.length / cols);
  const under = CAPTION_H + (o.captions ? WORDS_LINES * WORDS_LINE_H + 6 : 0);
  const sheet = createCanvas(cw * cols, (ch + under) * rows);
  const g = sheet.getContext('2d');
  g.fillStyle = '#000';
  g.fillRect(0, 0, sheet.width, sheet.height);
  GlobalFonts.registerFromPath(path.join(PACKAGE_ROOT, 'fonts', 'DejaVuSans.ttf'), 'DejaVu Sans');
  const rw = cw * SUPERSAMPLE;
  const rh = ch * SUPERSAMPLE;
  const cell = createCanvas(rw, rh);
  const frame = createFrame();
  const ctx = openContext({ width: 320, height: 180, title: 'gptviz contact sheet', visible: false, vsync: false });
  try {
    const target = ctx.renderer.createOffscreen(rw, rh);
    moments.forEach((m, i) => {
      frameAt(scene, m.time, INITIAL_VIEW, rw / rh, frame);
      frame.overlayCount = 0; // the caption names the stage
      target.render(frame, 1);
      const px = target.readPixels('rgba');
      cell.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(px.buffer, px.byteOffset, rw * rh * 4), rw, rh), 0, 0);
      const x = (i % cols) * cw;
      const y = Math.floor(i / cols) * (ch + under);
      g.imageSmoothingEnabled = true;
      g.imageSmoothingQuality = 'high';
      g.drawImage(cell, 0, 0, rw, rh, x, y, cw, ch);
      g.strokeStyle = '#333';
      g.strokeRect(x + 0.5, y + 0.5, cw - 1, ch + under - 1);
      g.fillStyle = '#ddd';
      g.font = '15px "DejaVu Sans"';
      g.fillText(`t = ${m.time.toFixed(2)} s   ${m.caption}`, x + 8, y + ch + 20, cw - 16);
      if (o.captions) {
        g.fillStyle = '#bbb';
        g.font = WORDS_FONT;
        const lines = wrapWords(captionAt(scene.captions, scene.timeline, m.time), (t) => g.measureText(t).width, cw - 16);
        lines.slice(0, WORDS_LINES).forEach((line, k) => g.fillText(line, x + 8, y + ch + CAPTION_H + 14 + k * WORDS_LINE_H));
      }
    });
  } finally {
    ctx.close();
  }
  const tmp = `${out}.partial-${process.pid}`;
  try {
    writeFileSync(tmp, sheet.toBuffer('image/png'));
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`);
  }
  process.stdout.write(`wrote ${out} (${moments.length} moments, ${sheet.width}×${sheet.height})\n`);
  return 0;
}
