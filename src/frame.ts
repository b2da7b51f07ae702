/**
 * FrameDesc: the one contract between the scene and the GPU (STYLE.md §2). Plain data that
 * `frameAt` fills and the renderer draws without deciding anything.
 *
 * - Cube instances: one Float32Array, INSTANCE_FLOATS floats per instance:
 *   position xyz (world), colour RGBA (linear, alpha separate), scale xyz (edge length per axis).
 *   Opaque instances (alpha ≥ OPAQUE_ALPHA) are written from the front (indices 0 … opaqueCount−1),
 *   transparent ones from the back (indices capacity − transparentCount … capacity − 1), so the
 *   renderer draws opaque first with depth writes, then transparent without, in one draw each.
 *   Instances with alpha < MIN_ALPHA are not written at all (they would only hide things).
 * - Labels: a preallocated pool of 3D text records (world XY-plane quads, spec §7.5) and 2D
 *   overlay lines; `labelCount` / `overlayCount` say how many are live this frame.
 * - Camera pose and clear colour.
 * - Issue 13's 2D extras: the caption band (text + reserved lines; the 3D picture is drawn above
 *   it) and the choice chart (top candidates for the next character).
 *
 * Helpers here are allocation-free in the steady state; capacity grows (rarely) on demand.
 */

/** Floats per instance: x y z, r g b a, sx sy sz. */
export const INSTANCE_FLOATS = 10;
export const OFFSET_POSITION = 0;
export const OFFSET_COLOR = 3;
export const OFFSET_SCALE = 7;
/** Alpha at or above which an instance counts as opaque. */
export const OPAQUE_ALPHA = 0.999;
/** Instances below this alpha are skipped. */
export const MIN_ALPHA = 0.004;

/** A 3D label or character: text in the world XY plane at z, reading toward −X (screen-right). */
export interface Label {
  text: string;
  /** Anchor point in world units. */
  x: number;
  y: number;
  z: number;
  /** Text cell height in world units. */
  height: number;
  /**
   * Horizontal alignment as a fraction of the text width: 0 = text starts at the anchor
   * (left-aligned, runs screen-right), 0.5 = centred on the anchor, 1 = ends at the anchor.
   */
  alignX: number;
  /** Vertical alignment as a fraction of the cell height: 0 = anchor at the cell bottom, 0.5 = centred. */
  alignY: number;
  /** Text alpha (the renderer draws white at 0.9·alpha, spec §5.10.3). */
  alpha: number;
  /** Draw a dark background box behind the text (alpha 0.92·alpha). */
  background: boolean;
  /** Text colour (linear RGB), usually white. */
  r: number;
  g: number;
  b: number;
}

/**
 * 'pointer': a tooltip line beside the pixel (x, y) instead of a corner; 'at': the line's cell
 * starts exactly at (x, y) (its top-left), for the scrubber's words (issue 17).
 */
export type OverlayCorner = 'bottom-right' | 'bottom-left' | 'top-left' | 'top-right' | 'pointer' | 'at';

/** A 2D overlay line in pixels (framebuffer space, scaled by the pixel ratio by the renderer). */
export interface OverlayText {
  text: string;
  corner: OverlayCorner;
  /** Line index stacked away from the corner (0 = nearest the corner). */
  line: number;
  /** 'large' = the 44 px stage-name font, 'small' = status/help lines, 'tiny' = scrubber tick names. */
  size: 'large' | 'small' | 'tiny';
  alpha: number;
  background: boolean;
  /** Text colour (linear RGB); pushOverlay sets white. */
  r: number;
  g: number;
  b: number;
  /** 'field': drawn as a text field (lighter box with an outline, issue 13's prompt line); pushOverlay sets false. */
  field: boolean;
  /** For corner 'pointer': the pointer in framebuffer pixels, origin top-left. */
  x: number;
  y: number;
}

/**
 * The top candidates for the next character (issue 13), drawn as a flat 2D bar chart at the
 * right of the picture: one row per candidate (character, bar ∝ probability, percentage), the
 * chosen one highlighted. `count` 0 = no chart. The arrays are the scene's own (built once);
 * frameAt only points at them and sets `alpha`.
 */
export interface ChoiceChart {
  count: number;
  title: string;
  /** Per row: the character as shown (`'w'`), its probability 0…1 and its text (`72%`). */
  labels: readonly string[];
  values: readonly number[];
  texts: readonly string[];
  /** Row of the chosen (sampled / argmax) character. */
  highlight: number;
  alpha: number;
}

/** A filled 2D rectangle in framebuffer pixels (origin top-left), drawn under the overlay text (the scrubber). */
export interface OverlayRect {
  x: number;
  y: number;
  w: number;
  h: number;
  r: number;
  g: number;
  b: number;
  a: number;
}

export interface CameraPose {
  /** Eye position, world units. */
  readonly position: Float64Array; // [3]
  /** Look-at target, world units. */
  readonly target: Float64Array; // [3]
  /** Orthographic half-height in world units. */
  orthoSize: number;
}

export interface FrameDesc {
  instances: Float32Array;
  /** Capacity in instances (instances.length / INSTANCE_FLOATS). */
  capacity: number;
  opaqueCount: number;
  /**
   * Leading opaque instances whose places (position and scale) the producer keeps from frame to
   * frame, only their colours changing: a hint for the renderer's cached cube layer
   * (core/cube-cache.ts, which still compares them). 0: none.
   */
  stableCount: number;
  transparentCount: number;
  readonly labels: Label[];
  labelCount: number;
  readonly overlays: OverlayText[];
  overlayCount: number;
  readonly rects: OverlayRect[];
  rectCount: number;
  readonly camera: CameraPose;
  /** Clear colour RGBA. */
  readonly clearColor: Float32Array; // [4]
  /** Timeline time this frame shows (informational, for overlays and tests). */
  time: number;
  /**
   * Caption band (issue 13): the sentence(s) shown, wrapped and centred in a band of
   * `captionLines` text lines at the bottom, which the 3D picture is drawn above (never under).
   * captionLines 0 = no band; '' = an empty band (reserved so the picture does not jump).
   */
  caption: string;
  captionLines: number;
  /** Height in CSS pixels kept free under the caption band (e.g. for a scrubber); 0 = none. */
  reservedBottomPx: number;
  readonly chart: ChoiceChart;
}

export function createFrame(capacity = 65536): FrameDesc {
  return {
    instances: new Float32Array(capacity * INSTANCE_FLOATS),
    capacity,
    opaqueCount: 0,
    stableCount: 0,
    transparentCount: 0,
    labels: [],
    labelCount: 0,
    overlays: [],
    overlayCount: 0,
    rects: [],
    rectCount: 0,
    camera: { position: new Float64Array(3), target: new Float64Array(3), orthoSize: 10 },
    clearColor: Float32Array.of(0, 0, 0, 1),
    time: 0,
    caption: '',
    captionLines: 0,
    reservedBottomPx: 0,
    chart: { count: 0, title: '', labels: [], values: [], texts: [], highlight: -1, alpha: 0 },
  };
}

/** Reset counts (keeps buffers and pools). */
export function clearFrame(out: FrameDesc): void {
  out.opaqueCount = 0;
  out.stableCount = 0;
  out.transparentCount = 0;
  out.labelCount = 0;
  out.overlayCount = 0;
  out.caption = '';
  out.captionLines = 0;
  out.reservedBottomPx = 0;
  out.chart.count = 0;
  out.chart.alpha = 0;
  out.rectCount = 0;
}

function grow(out: FrameDesc): void {
  const oldCap = out.capacity;
  const newCap = oldCap * 2;
  const next = new Float32Array(newCap * INSTANCE_FLOATS);
  next.set(out.instances.subarray(0, out.opaqueCount * INSTANCE_FLOATS));
  const tFloats = out.transparentCount * INSTANCE_FLOATS;
  next.set(out.instances.subarray(oldCap * INSTANCE_FLOATS - tFloats), newCap * INSTANCE_FLOATS - tFloats);
  out.instances = next;
  out.capacity = newCap;
}

/** Make room for `n` more instances (writers that fill `instances` themselves, as pushInstance would). */
export function reserveInstances(out: FrameDesc, n: number): void {
  while (out.opaqueCount + out.transparentCount + n > out.capacity) grow(out);
}

/** Append one cube instance (skipped when alpha < MIN_ALPHA). */
export function pushInstance(
  out: FrameDesc,
  x: number, y: number, z: number,
  r: number, g: number, b: number, a: number,
  sx: number, sy: number, sz: number,
): void {
  if (!(a >= MIN_ALPHA)) return;
  if (out.opaqueCount + out.transparentCount >= out.capacity) grow(out);
  let i: number;
  if (a >= OPAQUE_ALPHA) {
    i = out.opaqueCount++ * INSTANCE_FLOATS;
    a = 1;
  } else {
    out.transparentCount++;
    i = (out.capacity - out.transparentCount) * INSTANCE_FLOATS;
  }
  const d = out.instances;
  d[i] = x; d[i + 1] = y; d[i + 2] = z;
  d[i + 3] = r; d[i + 4] = g; d[i + 5] = b; d[i + 6] = a;
  d[i + 7] = sx; d[i + 8] = sy; d[i + 9] = sz;
}

/** Index (in instances) of the first transparent instance. */
export function transparentStart(f: FrameDesc): number {
  return f.capacity - f.transparentCount;
}

/** Take the next label record from the pool (allocates only the first time the pool grows). */
export function pushLabel(
  out: FrameDesc,
  text: string,
  x: number, y: number, z: number,
  height: number, alignX: number, alignY: number, alpha: number, background: boolean,
): Label {
  let l = out.labels[out.labelCount];
  if (l === undefined) {
    l = { text, x, y, z, height, alignX, alignY, alpha, background, r: 1, g: 1, b: 1 };
    out.labels.push(l);
  } else {
    l.text = text; l.x = x; l.y = y; l.z = z; l.height = height; l.alignX = alignX; l.alignY = alignY;
    l.alpha = alpha; l.background = background; l.r = 1; l.g = 1; l.b = 1;
  }
  out.labelCount++;
  return l;
}

/** Take the next overlay line from the pool. */
export function pushOverlay(
  out: FrameDesc, text: string, corner: OverlayCorner, line: number, size: 'large' | 'small' | 'tiny', alpha: number,
  background = true,
): OverlayText {
  let o = out.overlays[out.overlayCount];
  if (o === undefined) {
    o = { text, corner, line, size, alpha, background, r: 1, g: 1, b: 1, field: false, x: 0, y: 0 };
    out.overlays.push(o);
  } else {
    o.text = text; o.corner = corner; o.line = line; o.size = size; o.alpha = alpha; o.background = background;
    o.r = 1; o.g = 1; o.b = 1; o.field = false; o.x = 0; o.y = 0;
  }
  out.overlayCount++;
  return o;
}

/** Take the next 2D rectangle from the pool (pixels, origin top-left; linear RGBA). */
export function pushRect(out: FrameDesc, x: number, y: number, w: number, h: number, r: number, g: number, b: number, a: number): void {
  let o = out.rects[out.rectCount];
  if (o === undefined) {
    o = { x, y, w, h, r, g, b, a };
    out.rects.push(o);
  } else {
    o.x = x; o.y = y; o.w = w; o.h = h; o.r = r; o.g = g; o.b = b; o.a = a;
  }
  out.rectCount++;
}

/** True when label `l` draws anything (visible, non-empty, of some height). */
export function labelShown(l: Label): boolean {
  return l.alpha > 0.004 && l.text.length > 0 && l.height > 0;
}

/** True when any of the frame's 3D labels draws anything. */
export function anyLabelShown(frame: FrameDesc): boolean {
  for (let i = 0; i < frame.labelCount; i++) if (labelShown(frame.labels[i]!)) return true;
  return false;
}
