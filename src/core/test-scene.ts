/**
 * A test scene for the renderer (issue 5): grids of cubes in the world XY plane strung out along
 * +Z with blue→white→red colours, a half-transparent grid, labels (with and without background,
 * using the scene's special glyphs ᵀ · × →) and a stage-name overlay — framed with the fixed
 * camera (spec §6). Used by `--snapshot` until the animated pipeline exists, by the benchmark and
 * by tests. Pure: writes only into `out`.
 *
 * What it is not: not the real visualisation (visualization/frame-at.ts is).
 */
import type { FrameDesc } from '../frame.js';
import { clearFrame, pushInstance, pushLabel, pushOverlay } from '../frame.js';
import { frameBox } from './camera.js';

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

/** One R×C matrix with anchor (ax, ay, az) = centre of element (0, 0); columns toward −X. */
function grid(out: FrameDesc, ax: number, ay: number, az: number, rows: number, cols: number, seed: number, alpha: number): void {
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
  const S = 16;
  const D = 16;
  // Input (S×D), Q K V side by side, the attention scores, and a tall W1 (D×64).
  grid(out, 3.75, 4, 0, S, D, 1, 1);
  grid(out, 12.75, 4, 12, S, 4, 2, 1);
  grid(out, 9.75, 4, 12, S, 4, 3, 1);
  grid(out, 6.75, 4, 12, S, 4, 4, 1);
  grid(out, 3.75, 4, 24, S, S, 5, 0.35 + 0.3 * Math.abs(Math.sin(t)));
  grid(out, 15.75, 4, 36, D, 64, 6, 1);
  pushLabel(out, 'Input X', 0, 4.6, 0, 0.9, 0.5, 0, 1, false);
  pushLabel(out, 'Q = X·W_Q', 11.25, 4.6, 12, 0.7, 0.5, 0, 1, true);
  pushLabel(out, 'K', 8.25, 4.6, 12, 0.7, 0.5, 0, 1, true);
  pushLabel(out, 'V', 5.25, 4.6, 12, 0.7, 0.5, 0, 1, true);
  pushLabel(out, 'QKᵀ / √dk → softmax', 0, 4.6, 24, 0.8, 0.5, 0, 0.8, false);
  pushLabel(out, '16 × 64  W1 (87%)', 0, 4.6, 36, 0.9, 0.5, 0, 1, true);
  pushOverlay(out, 'Multi-Head Attention', 'bottom-right', 0, 'large', 1);
  pushOverlay(out, 'test scene: the animated pipeline is not available yet', 'top-left', 0, 'small', 1);
  frameBox(out.camera, -16, -4.2, -0.2, 16, 4.2, 36.2, aspect);
  return out;
}
