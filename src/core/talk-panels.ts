/**
 * Issue 13's two 2D panels, laid out in framebuffer pixels (origin bottom-left) and drawn through
 * the text renderer's quads: the caption band — a dark band over the full width at the bottom
 * (above the frame's reserved strip), its sentences wrapped and centred, which the 3D picture and
 * the bottom-corner overlays stay above — and the choice chart at the right: a title, then per
 * candidate its character, a flat bar ∝ probability on a 100 % track and the percentage, the
 * chosen row in the highlight colour.
 *
 * What it is not: no GL and no glyph layout (text-renderer.ts and text-layout.ts, through the
 * `PanelSink` it is given); no wording (visualization/captions.ts, visualization/choice-chart.ts).
 */
import type { FrameDesc } from '../frame.js';
import type { FontAtlas } from './font-atlas.js';
import { wrapText } from './text-layout.js';

/** Caption band: text height, line spacing and padding, CSS pixels. */
export const CAPTION_PX = 27;
const CAPTION_LINE_SPACING = 1.3;
const CAPTION_PAD_PX = 10;
/** Choice chart: text height, row height, longest bar, columns, CSS pixels; top edge as a fraction of the height. */
const CHART_TEXT_PX = 24;
const CHART_ROW_PX = 34;
const CHART_BAR_PX = 220;
const CHART_LABEL_PX = 64;
const CHART_TEXT_COLUMN_PX = 76;
const CHART_PAD_PX = 14;
const CHART_TOP_FRACTION = 0.14;
/** Highlight (the chosen candidate) and plain bar colours, linear RGB. */
const HIGHLIGHT = [1, 0.84, 0.25] as const;
const PLAIN = [0.55, 0.62, 0.78] as const;

/** What the panels draw with (the text renderer's overlay batch). */
export interface PanelSink {
  /** The overlay atlas (its pixel size and line height scale the text). */
  atlas(): FontAtlas;
  /** Width of `text` in atlas pixels. */
  width(text: string): number;
  /** A solid rectangle at (x, y) framebuffer pixels, w × h. */
  rect(x: number, y: number, w: number, h: number, r: number, g: number, b: number, a: number): void;
  /** One line of text with its cell's bottom-left at (x, y), glyphs scaled by `scale`. */
  text(text: string, x: number, y: number, scale: number, r: number, g: number, b: number, a: number): void;
  /** The overlay margin, CSS pixels. */
  readonly margin: number;
}

/** Height of one caption line, framebuffer pixels, at overlay scale r. */
function captionStep(r: number): number {
  return CAPTION_PX * r * CAPTION_LINE_SPACING;
}

/**
 * Framebuffer pixels at the bottom kept by the reserved strip and the caption band (at most half
 * the height), at overlay scale r.
 *
 * @example panelsBottomPx({captionLines: 3, reservedBottomPx: 0, …}, 900, 1) // → 125
 */
export function panelsBottomPx(frame: FrameDesc, fbHeight: number, r: number): number {
  const band = frame.captionLines > 0 ? frame.captionLines * captionStep(r) + 2 * CAPTION_PAD_PX * r : 0;
  return Math.min(fbHeight * 0.5, Math.round(frame.reservedBottomPx * r + band));
}

export class TalkPanels {
  /** The last wrapped caption (captions change a few times a minute; no per-frame wrapping). */
  private wrapped = '';
  private wrappedWidth = 0;
  private wrappedLines: string[] = [];

  constructor(private readonly sink: PanelSink) {}

  /** The frame's caption band and choice chart, at overlay scale r. */
  draw(frame: FrameDesc, fbWidth: number, fbHeight: number, r: number): void {
    if (frame.captionLines > 0) this.caption(frame, fbWidth, fbHeight, r);
    if (frame.chart.count > 0 && frame.chart.alpha > 0.004) this.chart(frame, fbWidth, fbHeight, r);
  }

  private caption(frame: FrameDesc, fbWidth: number, fbHeight: number, r: number): void {
    const k = this.sink;
    const oa = k.atlas();
    const y0 = frame.reservedBottomPx * r;
    const top = panelsBottomPx(frame, fbHeight, r);
    k.rect(0, y0, fbWidth, top - y0, 0.02, 0.02, 0.03, 1);
    // A hairline along the top edge, so the band reads as its own strip on a black scene.
    const line = Math.max(1, r);
    k.rect(0, top - line, fbWidth, line, 0.3, 0.3, 0.35, 1);
    if (frame.caption === '') return;
    const scale = (CAPTION_PX * r) / oa.pixelSize;
    const maxWidth = (fbWidth - 2 * k.margin * r) / scale;
    if (frame.caption !== this.wrapped || maxWidth !== this.wrappedWidth) {
      this.wrapped = frame.caption;
      this.wrappedWidth = maxWidth;
      this.wrappedLines = wrapText(oa, frame.caption, maxWidth);
    }
    const lines = this.wrappedLines;
    const n = Math.min(lines.length, frame.captionLines);
    const step = captionStep(r);
    // Vertically centred in the band.
    const first = top - CAPTION_PAD_PX * r - (frame.captionLines - n) * step * 0.5 - step;
    const dy = (step - oa.lineHeight * scale) / 2;
    for (let i = 0; i < n; i++) {
      const w = k.width(lines[i]!) * scale;
      k.text(lines[i]!, (fbWidth - w) / 2, first - i * step + dy, scale, 1, 1, 1, 0.95);
    }
  }

  private chart(frame: FrameDesc, fbWidth: number, fbHeight: number, r: number): void {
    const k = this.sink;
    const c = frame.chart;
    const oa = k.atlas();
    const scale = (CHART_TEXT_PX * r) / oa.pixelSize;
    const rowH = CHART_ROW_PX * r;
    const barMax = CHART_BAR_PX * r;
    const labelW = CHART_LABEL_PX * r;
    const pad = CHART_PAD_PX * r;
    const width = labelW + barMax + CHART_TEXT_COLUMN_PX * r + 2 * pad;
    const x0 = fbWidth - k.margin * r - width;
    const height = (c.count + 1) * rowH + 2 * pad;
    const yTop = fbHeight * (1 - CHART_TOP_FRACTION);
    const a = c.alpha;
    k.rect(x0, yTop - height, width, height, 0, 0, 0, 0.6 * a);
    const textDy = (rowH - oa.lineHeight * scale) / 2;
    k.text(c.title, x0 + pad, yTop - pad - rowH + textDy, scale, 1, 1, 1, 0.95 * a);
    for (let i = 0; i < c.count; i++) {
      const y = yTop - pad - (i + 2) * rowH;
      const hi = i === c.highlight;
      const col = hi ? HIGHLIGHT : PLAIN;
      const lw = k.width(c.labels[i]!) * scale;
      k.text(c.labels[i]!, x0 + pad + (labelW - lw) / 2, y + textDy, scale, hi ? 1 : 0.9, 0.9, hi ? 0.5 : 0.9, 0.95 * a);
      const bw = Math.max(2 * r, Math.min(1, c.values[i]!) * barMax);
      const bx = x0 + pad + labelW;
      // The track: the full bar length is 100 %.
      k.rect(bx, y + rowH * 0.2, barMax, rowH * 0.6, 1, 1, 1, 0.08 * a);
      k.rect(bx, y + rowH * 0.2, bw, rowH * 0.6, col[0], col[1], col[2], (hi ? 1 : 0.85) * a);
      k.text(c.texts[i]!, bx + bw + 10 * r, y + textDy, scale, 1, 1, 1, (hi ? 0.95 : 0.75) * a);
    }
  }
}
