/**
 * The training view's picture (issue 14): `trainFrame(layout, input, scratch, out)` writes one
 * FrameDesc from the parameters to show, the run's history up to the step shown, and the
 * user's orbit/zoom — the window and the timelapse both call it, so they show the same thing.
 *
 * - every parameter as a Phong-lit cube in the visualiser's diverging colours (blue −, white 0,
 *   red +) at the tile's fixed limit; vectors (biases, LayerNorm gain/bias) as thin rows;
 * - the training loss (mean over small step windows, averaged into at most CURVE_BINS points
 *   over the whole run) and the validation loss per epoch, as lines of small cubes on a fixed
 *   1.0–3.6 axis (the untrained model starts at ln 32 ≈ 3.47);
 * - the greedy sample after each epoch on the 1-2-5 series of epochs, oldest at the top;
 * - the status line (epoch, step, learning rate, tokens/s) and the large epoch counter.
 *
 * Pure: reads its inputs, writes `out` and the caller's scratch only. The camera looks at the
 * XY plane from slightly above and to the left, so the cubes show their sides.
 * Not here: smoothing between updates and input (app/train-watch.ts), the layout (train-layout.ts).
 */
import type { ViewState } from '../animation/view-state.js';
import { applyView } from '../animation/view-state.js';
import type { FrameDesc, Label } from '../frame.js';
import { INSTANCE_FLOATS, clearFrame, pushInstance, pushLabel, pushOverlay, reserveInstances } from '../frame.js';
import { learningRate } from '../transformer/schedule.js';
import { divergingAt } from './colormap.js';
import type { TrainHistory } from './train-history.js';
import { sampleEpochs } from './train-history.js';
import type { Rect, TrainLayout } from './train-layout.js';
import { BS, SP } from './visual-types.js';

/** What one picture shows. */
export interface TrainViewInput {
  /** Parameter values to draw (flat parameter order). */
  readonly params: Float32Array;
  /** The optimiser step the picture stands for: history entries after it are not drawn. */
  readonly step: number;
  readonly history: TrainHistory;
  readonly view: ViewState;
  /** Framebuffer width / height. */
  readonly aspect: number;
  readonly help: boolean;
  readonly paused: boolean;
}

/** Per-caller scratch (the layout stays immutable). */
export interface TrainViewScratch {
  readonly binSum: Float64Array;
  readonly binCount: Int32Array;
  /** The parameters' cubes of the last layout drawn, all but their colours (paramCubes). */
  cubes: ParamCubes | null;
}

/** The parameters' cube instances of a layout with their places and sizes, and each one's parameter. */
interface ParamCubes {
  readonly layout: TrainLayout;
  readonly instances: Float32Array;
  readonly param: Int32Array;
}

/** Points of the training-loss line over the whole run. */
export const CURVE_BINS = 320;
/** The loss axis. */
export const LOSS_MIN = 1.0;
export const LOSS_MAX = 3.6;
/** Camera: azimuth and elevation of the view direction, radians; distance as the visualiser's. */
const AZIMUTH = 0.1;
const ELEVATION = 0.3;
const DISTANCE = 200;
const MARGIN = 1.03;
/** Share of the picture's height kept free at the top for the status and help lines. */
const TOP_ROOM = 0.11;
const TRAIN_RGB = [0.72, 0.76, 0.86] as const;
const VAL_RGB = [1.0, 0.78, 0.22] as const;
const GRID_RGB = [0.22, 0.22, 0.26] as const;
export const HELP_TEXT = 'Space pause the view (training continues) · drag orbit · scroll zoom · H help · Esc stop training, keep the best weights';

export function createTrainScratch(): TrainViewScratch {
  return { binSum: new Float64Array(CURVE_BINS), binCount: new Int32Array(CURVE_BINS), cubes: null };
}

const wx = (u: number): number => -u * SP;
const wy = (v: number): number => -v * SP;

/** Python's `{:.1e}` (as the train command prints the learning rate). */
function sci1(x: number): string {
  return x.toExponential(1).replace(/e([+-])(\d)$/, 'e$10$2');
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The epoch a step belongs to (1-based; step 0 shows epoch 1 about to start). */
export function epochOfStep(step: number, batches: number, epochs: number): number {
  return Math.min(epochs, Math.max(1, Math.ceil(step / batches)));
}

/** The status line for step `step`. */
export function statusLine(h: TrainHistory, step: number, paused: boolean): string {
  const s = h.shape;
  const epoch = epochOfStep(step, s.batches, s.epochs);
  const lr = learningRate(epoch, s.epochs, s.lr, s.lrMin);
  const rate = h.rateAt(step);
  return `Training · epoch ${epoch}/${s.epochs} · step ${int(step)}/${int(h.totalSteps)} · lr ${sci1(lr)}` +
    (rate > 0 ? ` · ${int(rate)} tokens/s` : '') + (paused ? ' · view paused (training continues)' : ' · H help');
}

/** Camera pose for the layout at this aspect, then the user's orbit/zoom. */
function placeCamera(layout: TrainLayout, aspect: number, view: ViewState, out: FrameDesc): void {
  const ce = Math.cos(ELEVATION);
  const ox = -Math.sin(AZIMUTH) * ce;
  const oy = Math.sin(ELEVATION);
  const oz = -Math.cos(AZIMUTH) * ce;
  // Screen axes for forward f = −o: right = f × ŷ (normalised), up = right × f.
  const fx = -ox, fy = -oy, fz = -oz;
  const rn = Math.hypot(fz, fx);
  const rx = -fz / rn, rz = fx / rn;
  const ux = -rz * fy, uy = rz * fx - rx * fz, uz = rx * fy;
  const hw = (layout.width * SP) / 2;
  const hh = (layout.height * SP) / 2;
  // Half extents on screen of the layout rectangle (z = 0); right has no y component.
  const halfW = Math.abs(hw * rx);
  const halfH = Math.abs(hw * ux) + Math.abs(hh * uy);
  const a = aspect > 0 && Number.isFinite(aspect) ? aspect : 16 / 9;
  const ortho = (Math.max(halfH / (1 - TOP_ROOM), halfW / a) * MARGIN);
  // Look a little above the centre, so the picture sits under the status lines.
  const lift = ortho * TOP_ROOM;
  const cx = -hw + ux * lift, cy = -hh + uy * lift, cz = uz * lift;
  out.camera.target[0] = cx; out.camera.target[1] = cy; out.camera.target[2] = cz;
  out.camera.position[0] = cx + DISTANCE * ox;
  out.camera.position[1] = cy + DISTANCE * oy;
  out.camera.position[2] = cz + DISTANCE * oz;
  out.camera.orthoSize = ortho;
  applyView(out.camera, view);
}

function label(out: FrameDesc, text: string, u: number, v: number, sizeCells: number, alignX: number, alpha: number): Label {
  return pushLabel(out, text, wx(u), wy(v), 0, sizeCells * SP, alignX, 0.5, alpha, false);
}

/** A straight bar from cell (u0, v) to (u1, v) or (u, v0)–(u, v1), `t` cells thick. */
function bar(out: FrameDesc, u0: number, v0: number, u1: number, v1: number, t: number, rgb: readonly number[]): void {
  const w = Math.max(Math.abs(u1 - u0), t) * SP;
  const h = Math.max(Math.abs(v1 - v0), t) * SP;
  pushInstance(out, wx((u0 + u1) / 2), wy((v0 + v1) / 2), 0, rgb[0]!, rgb[1]!, rgb[2]!, 1, w, h, t * SP);
}

/** A line of cubes of edge `size` cells from (u0, v0) to (u1, v1), spaced so they touch. */
function line(out: FrameDesc, u0: number, v0: number, u1: number, v1: number, size: number, rgb: readonly number[]): void {
  const n = Math.max(1, Math.ceil(Math.hypot(u1 - u0, v1 - v0) / (size * 0.6)));
  const s = size * SP;
  for (let i = 1; i <= n; i++) {
    const t = i / n;
    pushInstance(out, wx(u0 + (u1 - u0) * t), wy(v0 + (v1 - v0) * t), 0, rgb[0]!, rgb[1]!, rgb[2]!, 1, s, s, s);
  }
}

/** The parameters' cubes of `layout` in the tiles' order, colours left 0 (drawParams writes them). */
function paramCubes(layout: TrainLayout): ParamCubes {
  let n = 0;
  for (const t of layout.tiles) n += t.rows * t.cols;
  const d = new Float32Array(n * INSTANCE_FLOATS);
  const param = new Int32Array(n);
  const bs = BS;
  let j = 0;
  for (const t of layout.tiles) {
    const sy = t.thin ? bs * 0.45 : bs;
    for (let r = 0; r < t.rows; r++) {
      for (let c = 0; c < t.cols; c++, j++) {
        const i = j * INSTANCE_FLOATS;
        d[i] = wx(t.u + (t.transposed ? r : c)); d[i + 1] = wy(t.v + (t.transposed ? c : r)); d[i + 2] = 0;
        d[i + 7] = bs; d[i + 8] = sy; d[i + 9] = bs;
        param[j] = t.offset + r * t.cols + c;
      }
    }
  }
  return { layout, instances: d, param };
}

/** Screen levels (of 255) per step of the parameters' colours (drawParams). */
export const COLOUR_STEP = 4;

/**
 * The parameters' cubes, opaque, in the tiles' order: each the diverging colour of its value at the
 * tile's limit (colormap.ts divergingAt), written straight into the frame (≈ 22,000 cubes a frame;
 * the same floats as pushInstance would write). The colours are rounded to every COLOUR_STEP-th of
 * the 256 levels a screen shows (129 colours from −limit to +limit): a weight that moved by less
 * than a step keeps its colour exactly, and the window repaints only the cubes whose colour changed
 * (Renderer.keepFrames): ≈ 3–10 % of them per frame early in a run, under 1 % late. The repaints
 * fall with the step (issue 14: the window's CPU is taken from training; per frame 1: 3.9 ms of
 * llvmpipe, 2: 2.9, 4: 2.4), and the picture does not change to the eye: against exact colours,
 * at most 2 levels in a channel after lighting (measured at 1600×900).
 */
function drawParams(layout: TrainLayout, params: Float32Array, sc: TrainViewScratch, out: FrameDesc): void {
  // Places and sizes copied from the layout's cubes (made once), colours written here.
  const cubes = sc.cubes?.layout === layout ? sc.cubes : (sc.cubes = paramCubes(layout));
  const param = cubes.param;
  const n = param.length;
  reserveInstances(out, n);
  const d = out.instances;
  const base = out.opaqueCount * INSTANCE_FLOATS;
  d.set(cubes.instances, base);
  let j = 0;
  for (const t of layout.tiles) {
    const vmax = t.vmax;
    for (const end = j + t.rows * t.cols; j < end; j++) divergingAt(d, base + j * INSTANCE_FLOATS + 3, params[param[j]!]!, vmax, COLOUR_STEP);
  }
  out.opaqueCount += n;
  for (const t of layout.tiles) if (t.label !== '') label(out, t.label, t.u, t.v - 1.9, t.thin ? 2.1 : 2.6, 0, 0.85);
  for (const x of layout.texts) label(out, x.text, x.u, x.v, x.size, 0, 0.95);
}

const lossV = (c: Rect, loss: number): number =>
  c.v + c.h * (1 - (Math.min(LOSS_MAX, Math.max(LOSS_MIN, loss)) - LOSS_MIN) / (LOSS_MAX - LOSS_MIN));

/** Epochs between x-axis ticks: every epoch up to 10, else 1-2-5 steps giving at most 10 ticks. */
export function tickEvery(epochs: number): number {
  for (let d = 1; ; d *= 10) for (const m of [1, 2, 5]) if (epochs / (m * d) <= 10) return m * d;
}

function drawChart(layout: TrainLayout, h: TrainHistory, step: number, sc: TrainViewScratch, out: FrameDesc): void {
  const c = layout.chart;
  const total = Math.max(1, h.totalSteps);
  const stepU = (s: number): number => c.u + (c.w * Math.min(s, total)) / total;
  for (let loss = 1.5; loss <= LOSS_MAX; loss += 0.5) {
    bar(out, c.u, lossV(c, loss), c.u + c.w, lossV(c, loss), 0.12, GRID_RGB);
    label(out, loss.toFixed(1), c.u - 1.5, lossV(c, loss), 3, 1, 0.7);
  }
  bar(out, c.u, c.v + c.h, c.u + c.w, c.v + c.h, 0.25, [0.5, 0.5, 0.55]);
  bar(out, c.u, c.v, c.u, c.v + c.h, 0.25, [0.5, 0.5, 0.55]);
  const epochs = h.shape.epochs;
  const every = tickEvery(epochs);
  for (let e = every; e <= epochs; e += every) {
    const u = stepU(e * h.shape.batches);
    bar(out, u, c.v + c.h, u, c.v + c.h + 1, 0.25, [0.5, 0.5, 0.55]);
    label(out, String(e), u, c.v + c.h + 3.2, 3, 0.5, 0.7);
  }
  label(out, 'epoch', c.u + c.w + 2, c.v + c.h, 3, 0, 0.7);
  label(out, 'Loss', c.u, c.v - 4.5, 3.8, 0, 0.95);

  // Training loss: progress windows averaged into bins over the run.
  const last = h.lastIndexAt(step);
  sc.binSum.fill(0);
  sc.binCount.fill(0);
  for (let i = 0; i <= last; i++) {
    const b = Math.min(CURVE_BINS - 1, Math.floor(((h.stepAt(i) - 1) * CURVE_BINS) / total));
    sc.binSum[b]! += h.lossAt(i);
    sc.binCount[b]!++;
  }
  let pu = NaN;
  let pv = NaN;
  let trainNow = NaN;
  for (let b = 0; b < CURVE_BINS; b++) {
    if (sc.binCount[b] === 0) continue;
    const loss = sc.binSum[b]! / sc.binCount[b]!;
    const u = c.u + (c.w * (b + 0.5)) / CURVE_BINS;
    const v = lossV(c, loss);
    if (Number.isNaN(pu)) line(out, u, v, u, v, 0.55, TRAIN_RGB);
    else line(out, pu, pv, u, v, 0.55, TRAIN_RGB);
    pu = u;
    pv = v;
    trainNow = loss;
  }
  // Validation loss per finished epoch.
  const done = h.epochsDoneAt(step);
  pu = NaN;
  let best = Infinity;
  const dot = Math.min(1.4, Math.max(0.7, (c.w / Math.max(1, epochs)) * 0.8));
  for (let k = 0; k < done; k++) {
    const p = h.epochs[k]!;
    const u = stepU(p.step);
    const v = lossV(c, p.valLoss);
    if (!Number.isNaN(pu)) line(out, pu, pv, u, v, 0.7, VAL_RGB);
    bar(out, u, v, u, v, dot, VAL_RGB);
    pu = u;
    pv = v;
    best = Math.min(best, p.valLoss);
  }
  const lu = c.u + 16;
  if (!Number.isNaN(trainNow)) {
    const l = label(out, `training ${trainNow.toFixed(3)}`, lu, c.v - 4.5, 3.2, 0, 1);
    l.r = TRAIN_RGB[0]; l.g = TRAIN_RGB[1]; l.b = TRAIN_RGB[2];
  }
  if (done > 0) {
    const p = h.epochs[done - 1]!;
    const l = label(out, `validation ${p.valLoss.toFixed(3)} (accuracy ${p.valAcc.toFixed(1)} %)`, lu + 30, c.v - 4.5, 3.2, 0, 1);
    l.r = VAL_RGB[0]; l.g = VAL_RGB[1]; l.b = VAL_RGB[2];
  }
}

function drawSamples(layout: TrainLayout, h: TrainHistory, step: number, out: FrameDesc): void {
  const p = layout.samples;
  label(out, `What it writes after '${h.shape.prompt}' (greedy), after each epoch`, p.u, p.v + 1.5, 3.8, 0, 0.95);
  const done = h.epochsDoneAt(step);
  const shown = sampleEpochs(done);
  let v = p.v + 7.5;
  for (let i = 0; i < shown.length; i++) {
    const e = h.epochs[shown[i]! - 1]!;
    if (e.sample === '') continue;
    const newest = i === shown.length - 1;
    label(out, `epoch ${e.epoch}`, p.u + 15, v, 3, 1, newest ? 0.9 : 0.55);
    label(out, e.sample, p.u + 17, v, 3.8, 0, newest ? 1 : 0.7);
    v += 4.6;
  }
}

/** The whole picture for one step. */
export function trainFrame(layout: TrainLayout, input: TrainViewInput, status: string, sc: TrainViewScratch, out: FrameDesc): FrameDesc {
  clearFrame(out);
  out.clearColor[0] = 0; out.clearColor[1] = 0; out.clearColor[2] = 0; out.clearColor[3] = 1;
  out.time = input.step;
  placeCamera(layout, input.aspect, input.view, out);
  drawParams(layout, input.params, sc, out);
  // The parameters' cubes never move: the window draws them from a cached layer (core/cube-cache.ts).
  out.stableCount = out.opaqueCount;
  drawChart(layout, input.history, input.step, sc, out);
  drawSamples(layout, input.history, input.step, out);
  pushOverlay(out, status, 'top-left', 0, 'small', 1);
  if (input.help) pushOverlay(out, HELP_TEXT, 'top-left', 1, 'small', 1);
  const s = input.history.shape;
  pushOverlay(out, `Epoch ${epochOfStep(input.step, s.batches, s.epochs)} / ${s.epochs}`, 'bottom-right', 0, 'large', 1);
  return out;
}
