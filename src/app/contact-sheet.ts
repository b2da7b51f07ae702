/**
 * The contact sheet (issue 6, `gptviz contact-sheet`): one PNG grid of 16 moments across one
 * step — the run's first scene (the random scene, or with --text the first generation step) —
 * each cell labelled with its time and stage (and with --captions its caption, issue 13), rendered offscreen through the real renderer
 * (hidden window; under no display use xvfb-run), laid out with @napi-rs/canvas and written
 * atomically.
 *
 * What it is not: flag parsing (cli/contact-sheet-command.ts), scene logic (run/,
 * visualization/) or the renderer (core/); this picks times, renders each with `frameAt` and
 * lays the cells out.
 */
import path from 'node:path';
import { createCanvas, GlobalFonts, ImageData } from '@napi-rs/canvas';
import { INITIAL_VIEW } from '../animation/camera-path.js';
import { writeFileAtomic } from '../atomic-write.js';
import { openContext } from '../core/context.js';
import { createFrame } from '../frame.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { RunOptions } from '../run/run.js';
import { buildRun } from '../run/run.js';
import { captionAt } from '../visualization/captions.js';
import { plainText } from '../visualization/inspect.js';
import { contactMoments } from '../visualization/contact-moments.js';
import { createFrameScratch, frameAt } from '../visualization/frame-at.js';

export interface ContactSheetOptions extends RunOptions {
  /** Absolute path of the PNG to write (its folder exists). */
  readonly out: string;
  /** Cells per row. */
  readonly columns: number;
  /** Cell width in pixels (16:9 cells), even. */
  readonly cellWidth: number;
  /** Write each moment's caption under its cell (issue 13). */
  readonly captions?: boolean;
}

const CAPTION_H = 30;
/** --captions: lines of caption text under each cell, their height and font size (pixels). */
const WORDS_LINES = 4;
const WORDS_LINE_H = 18;
const WORDS_FONT = '14px "DejaVu Sans"';

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
const SUPERSAMPLE = 2;

/** Render and write the sheet; returns the line to print. */
export function contactSheet(o: ContactSheetOptions): string {
  const scene = buildRun(o).scene(0).scene;
  const moments = contactMoments(scene.timeline);
  const cw = o.cellWidth;
  const ch = Math.round((cw * 9) / 16);
  const cols = o.columns;
  const rows = Math.ceil(moments.length / cols);
  const under = CAPTION_H + (o.captions === true ? WORDS_LINES * WORDS_LINE_H + 6 : 0);
  const sheet = createCanvas(cw * cols, (ch + under) * rows);
  const g = sheet.getContext('2d');
  g.fillStyle = '#000';
  g.fillRect(0, 0, sheet.width, sheet.height);
  GlobalFonts.registerFromPath(path.join(PACKAGE_ROOT, 'fonts', 'DejaVuSans.ttf'), 'DejaVu Sans');
  const rw = cw * SUPERSAMPLE;
  const rh = ch * SUPERSAMPLE;
  const cell = createCanvas(rw, rh);
  const frame = createFrame();
  const scratch = createFrameScratch(scene);
  const ctx = openContext({ width: 320, height: 180, title: 'gptviz contact sheet', visible: false, vsync: false });
  try {
    const target = ctx.createOffscreen(rw, rh);
    moments.forEach((m, i) => {
      frameAt(scene, m.time, INITIAL_VIEW, rw / rh, frame, scratch);
      frame.overlayCount = 0; // the caption names the stage
      ctx.renderer.render(frame, target);
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
      g.fillText(`t = ${m.time.toFixed(2)} s   ${plainText(m.caption)}`, x + 8, y + ch + 20, cw - 16);
      if (o.captions === true) {
        g.fillStyle = '#bbb';
        g.font = WORDS_FONT;
        const lines = wrapWords(plainText(captionAt(scene.captions, scene.timeline, m.time)), (t) => g.measureText(t).width, cw - 16);
        lines.slice(0, WORDS_LINES).forEach((line, k) => g.fillText(line, x + 8, y + ch + CAPTION_H + 14 + k * WORDS_LINE_H));
      }
    });
  } finally {
    ctx.close();
  }
  writeFileAtomic(o.out, sheet.toBuffer('image/png'));
  return `wrote ${o.out} (${moments.length} moments, ${sheet.width}×${sheet.height})`;
}
