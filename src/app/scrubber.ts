/**
 * The window's timeline bar (issue 17): a thin bar along the bottom of the window with a tick and
 * a short name per stage, the played part filled, a knob at the current time, and the step and
 * time on its left (`step 3/12 · 14.4 / 99.1 s`). A click or drag on it seeks — exact, since a
 * frame is a pure function of t.
 *
 * Pure: geometry from the framebuffer size and pixel ratio, drawing into the FrameDesc's 2D pool
 * (rects + 'at' overlay text); `scrubTime` maps a pointer back to a time. What it is not: the
 * playback rules (session.ts) or GL (the renderer draws the rects with the overlay text).
 */
import type { Timeline } from '../animation/timeline.js';
import type { FrameDesc } from '../frame.js';
import type { CameraPose } from '../frame.js';
import { pushOverlay, pushRect } from '../frame.js';
import { reserveMargins } from '../core/camera.js';

/**
 * Pixels (× the overlay scale) the bar and its words keep at the very bottom of the window: the
 * window sets the frame's `reservedBottomPx` to this, so the caption band (issue 13) sits above
 * the bar and the picture above both — never under them.
 */
export const BAR_RESERVE_PX = 48;
/**
 * Framebuffer pixels (× the overlay scale) the window's framing leaves free inside the picture at
 * the top (status line) and bottom (the stage title, which sits just above the bar or the band).
 */
export const OVERLAY_TOP_PX = 64;
export const OVERLAY_BOTTOM_PX = 130 - BAR_RESERVE_PX;

/** Height of one more top-left overlay line (the help lines), framebuffer pixels × the overlay scale. */
export const OVERLAY_LINE_PX = 40;

/**
 * The window's camera: the path's pose shrunk into the band between the top-left lines (the
 * status line, plus `extraLines` help lines) and the stage title (issue 17). `height` is the
 * picture's: the framebuffer's minus the bar's strip and the caption band (the renderer's
 * `bottomPx`), which the picture is already drawn above — so it shrinks once, not twice.
 */
export function keepClearOfOverlays(camera: CameraPose, height: number, l: ScrubberLayout, extraLines = 0): CameraPose {
  return reserveMargins(camera, height, (OVERLAY_TOP_PX + OVERLAY_LINE_PX * extraLines) * l.ratio, OVERLAY_BOTTOM_PX * l.ratio);
}

/** Bar geometry in framebuffer pixels (origin top-left). */
export interface ScrubberLayout {
  readonly x0: number;
  readonly x1: number;
  /** Centre line of the bar. */
  readonly y: number;
  /** Bar thickness. */
  readonly thick: number;
  /** Pixels above/below the centre line that still count as a click on the bar. */
  readonly grab: number;
  /** Pixel ratio (text and sizes scale with it). */
  readonly ratio: number;
  /** Height the bar and its words take at the bottom of the window: BAR_RESERVE_PX × the scale, rounded like the renderer's strip. */
  readonly reserve: number;
}

const SHORT: Readonly<Record<string, string>> = {
  char_display: 'chars', input: 'X', qkv_projection: 'QKV', multi_head_attn: 'attention', concat_output_proj: 'W_O',
  residual_ln1: '+ LN1', ffn: 'FFN', residual_ln2: '+ LN2', output: 'block 1', output_projection: 'logits',
  token_probs: 'probs',
};

/** Short tick name of a stage (`block_3` → `B3`). */
export function shortStageName(name: string): string {
  const m = /^block_(\d+)$/.exec(name);
  return m !== null ? `B${m[1]}` : SHORT[name] ?? name;
}

/**
 * The bar's geometry for a framebuffer of width × height at pixel ratio `ratio`: it leaves room on
 * the left for the step/time words and on the right for the stage title's corner.
 *
 * @example scrubberLayout(1600, 900, 1).y // → 900 − 22
 */
export function scrubberLayout(width: number, height: number, ratio: number): ScrubberLayout {
  const r = ratio * Math.min(1, Math.max(0.5, height / (900 * ratio)));
  const x0 = 340 * r;
  const x1 = Math.max(x0 + 50, width - 24 * r);
  return { x0, x1, y: height - 22 * r, thick: 4 * r, grab: 14 * r, ratio: r, reserve: Math.round(BAR_RESERVE_PX * r) };
}

/** Time at pointer (px, py), or null when the pointer is not on the bar. */
export function scrubTime(l: ScrubberLayout, tl: Timeline, px: number, py: number, dragging = false): number | null {
  if (!dragging && (Math.abs(py - l.y) > l.grab || px < l.x0 - l.grab || px > l.x1 + l.grab)) return null;
  const f = Math.min(1, Math.max(0, (px - l.x0) / (l.x1 - l.x0)));
  return f * tl.duration;
}

/** Draw the bar for time t of `tl` with `words` on its left (e.g. `step 3/12 · 14.4 / 99.1 s`). */
export function drawScrubber(out: FrameDesc, l: ScrubberLayout, tl: Timeline, t: number, words: string): void {
  const w = l.x1 - l.x0;
  const d = tl.duration > 0 ? tl.duration : 1;
  const f = Math.min(1, Math.max(0, t / d));
  pushRect(out, l.x0 - 8 * l.ratio, l.y - 13 * l.ratio, w + 16 * l.ratio, 28 * l.ratio, 0, 0, 0, 0.55);
  pushRect(out, l.x0, l.y - l.thick / 2, w, l.thick, 0.35, 0.35, 0.35, 0.9);
  pushRect(out, l.x0, l.y - l.thick / 2, w * f, l.thick, 0.95, 0.55, 0.2, 0.95);
  let lastText = -Infinity;
  for (const st of tl.stages) {
    if (!(st.end > st.start)) continue;
    const x = l.x0 + (st.start / d) * w;
    pushRect(out, x - l.ratio, l.y - 7 * l.ratio, 2 * l.ratio, 14 * l.ratio, 0.85, 0.85, 0.85, 0.9);
    const name = shortStageName(st.name);
    // Room for the name until the next tick (≈ 0.6 em per character at 15 px).
    const room = ((st.end - st.start) / d) * w;
    if (room > name.length * 9 * l.ratio + 4 && x > lastText) {
      const o = pushOverlay(out, name, 'at', 0, 'tiny', 0.9, false);
      o.x = x + 3 * l.ratio;
      o.y = l.y - 30 * l.ratio;
      lastText = x + name.length * 9 * l.ratio;
    }
  }
  const kx = l.x0 + f * w;
  pushRect(out, kx - 5 * l.ratio, l.y - 9 * l.ratio, 10 * l.ratio, 18 * l.ratio, 1, 1, 1, 1);
  const o = pushOverlay(out, words, 'at', 0, 'small', 1, false);
  o.x = 20 * l.ratio;
  o.y = l.y - 15 * l.ratio;
}
