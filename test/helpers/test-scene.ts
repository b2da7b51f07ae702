/**
 * A test scene for the renderer (issue 5): grids of cubes in the world XY plane strung out along
 * +Z with blue→white→red colours, a half-transparent grid, labels (with and without background,
 * using the scene's special glyphs ᵀ · × →) and a stage-name overlay — framed with the fixed
 * camera (spec §6). Used by the GL tests and the render benchmark (a fixed, known frame
 * independent of the animation code). Pure: writes only into `out` (and a module-level scratch for bounds).
 *
 * What it is not: not the real visualisation (visualization/frame-at.ts is), not part of the product.
 */
import { frameBox } from '../../src/core/camera.js';
import type { FrameDesc } from '../../src/frame.js';
import { clearFrame, pushInstance, pushLabel, pushOverlay } from '../../src/frame.js';

const SP = 0.5;
const BS = 0.4;

/** Diverging colour for v ∈ [−1, 1]: blue (negative) → white → red (positive). */
function diverging(v: number, rgb: Float32Array): void {
  const t = Math.max(-1, Math.min(1, v));
  if (t < 0) {
    rgb[0] = 1 + t * 0.85; rgb[1] = 1 + t * 0.85; rgb[2] = 1;
  } else {
    rgb[0] = 1; rgb[1] = 1 - t * 0.85; rgb[2] = 1 - t * 0.85;
  }
}

const rgb = new Float32Array(3);
/** Running bounds of the pushed grids: min xyz, max xyz. */
const bounds = new Float64Array(6);

/** One R×C matrix with anchor (ax, ay, az) = centre of element (0, 0); columns toward −X. */
function grid(out: FrameDesc, ax: number, ay: number, az: number, rows: number, cols: number, seed: number, alpha: number): void {
  const h = BS / 2;
  bounds[0] = Math.min(bounds[0]!, ax - (cols - 1) * SP - h);
  bounds[1] = Math.min(bounds[1]!, ay - (rows - 1) * SP - h);
  bounds[2] = Math.min(bounds[2]!, az - h);
  bounds[3] = Math.max(bounds[3]!, ax + h);
  bounds[4] = Math.max(bounds[4]!, ay + h);
  bounds[5] = Math.max(bounds[5]!, az + h);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      diverging(Math.sin(seed * 12.9898 + r * 0.91 + c * 1.37) * Math.cos(seed + r * 0.53 - c * 0.29), rgb);
      pushInstance(out, ax - c * SP, ay - r * SP, az, rgb[0]!, rgb[1]!, rgb[2]!, alpha, BS, BS, BS);
    }
  }
}

/**
 * Fill `out` with the test scene for aspect `aspect` (width / height). `t` only moves the
 * transparent grid's alpha, so different times give visibly different frames.
 */
export function buildTestScene(out: FrameDesc, aspect: number, t = 0): FrameDesc {
  clearFrame(out);
  out.time = t;
  bounds.fill(Infinity, 0, 3);
  bounds.fill(-Infinity, 3, 6);
  const S = 16;
  const D = 16;
  // Input (S×D), Q K V side by side, the attention scores, and a tall W1 (D×64).
  grid(out, 3.75, 4, 0, S, D, 1, 1);
  grid(out, 12.75, 4, 12, S, 4, 2, 1);
  grid(out, 9.75, 4, 12, S, 4, 3, 1);
  grid(out, 6.75, 4, 12, S, 4, 4, 1);
  grid(out, 3.75, 4, 24, S, S, 5, 0.35 + 0.3 * Math.abs(Math.sin(t)));
  grid(out, 15.75, 4, 36, D, 64, 6, 1);
  pushLabel(out, 'Input X', 0, 4.6, 0, 1.4, 0.5, 0, 1, false);
  pushLabel(out, 'Q', 11.25, 4.6, 12, 1.2, 0.5, 0, 1, true);
  pushLabel(out, 'K', 8.25, 4.6, 12, 1.2, 0.5, 0, 1, true);
  pushLabel(out, 'V', 5.25, 4.6, 12, 1.2, 0.5, 0, 1, true);
  pushLabel(out, 'QKᵀ/√dk → softmax', 0, 4.6, 24, 1.4, 0.5, 0, 0.8, false);
  pushLabel(out, '16 × 64 · W1 (87%)', 0, 4.6, 36, 1.6, 0.5, 0, 1, true);
  pushOverlay(out, 'Renderer Test Scene', 'bottom-right', 0, 'large', 1);
  pushOverlay(out, 'cubes · labels · overlay', 'top-left', 0, 'small', 1);
  frameBox(out.camera, bounds[0]!, bounds[1]!, bounds[2]!, bounds[3]!, bounds[4]! + 2, bounds[5]!, aspect);
  return out;
}
