/**
 * Drawing an inspection into a frame (issue 17), after frameAt: every cube that is not the picked
 * cell or one of its operands is dimmed (RGB × DIM, alpha kept, so the opaque/transparent split and
 * the draw order stay as frameAt wrote them), a white shell marks the picked cell, and the tooltip
 * lines sit beside the pointer as 'pointer' overlay lines.
 *
 * Pure: writes only into `out`. What it is not: picking (pick.ts) or wording (inspect.ts).
 */
import type { FrameDesc } from '../frame.js';
import { INSTANCE_FLOATS, pushInstance, pushOverlay, transparentStart } from '../frame.js';
import type { Highlight, Inspection } from './inspect.js';
import { gridCell } from './pick.js';
import { BS, SP } from './visual-types.js';

/** Brightness kept by cubes outside the inspected cell's operands. */
export const DIM = 0.45;

function lit(h: Highlight, d: Float32Array, o: number): boolean {
  const cell = gridCell(h.placed, d[o]!, d[o + 1]!, d[o + 2]!);
  if (cell < 0) return false;
  const r = Math.floor(cell / h.placed.cols);
  const c = cell % h.placed.cols;
  return (h.row < 0 || h.row === r) && (h.col < 0 || h.col === c);
}

function dim(out: FrameDesc, insp: Inspection, i: number): void {
  const d = out.instances;
  const o = i * INSTANCE_FLOATS;
  if (lit(insp.cell, d, o)) return;
  for (const h of insp.highlights) if (lit(h, d, o)) return;
  d[o + 3] = d[o + 3]! * DIM;
  d[o + 4] = d[o + 4]! * DIM;
  d[o + 5] = d[o + 5]! * DIM;
}

/**
 * Dim, mark and label: the inspection drawn into `out` with the pointer at (px, py) framebuffer
 * pixels (origin top-left).
 *
 * @example drawInspection(frame, describe(scene, hit), 800, 450)
 */
export function drawInspection(out: FrameDesc, insp: Inspection, px: number, py: number): void {
  for (let i = 0; i < out.opaqueCount; i++) dim(out, insp, i);
  for (let i = transparentStart(out); i < out.capacity; i++) dim(out, insp, i);
  const p = insp.cell.placed;
  const s = BS * 1.6;
  pushInstance(out, p.anchor[0] - insp.cell.col * SP, p.anchor[1] - insp.cell.row * SP, p.anchor[2], 1, 1, 1, 0.5, s, s, s);
  for (let k = 0; k < insp.lines.length; k++) {
    const o = pushOverlay(out, insp.lines[k]!, 'pointer', k, 'small', 1);
    o.x = px;
    o.y = py;
  }
}
