/**
 * Sonification events as pure data, and the event generators of spec §10.1.2–10.1.3: appear,
 * matmul (walk + emerge), softmax, ReLU, add, LayerNorm, row select and argmax. Each generator
 * appends `SoundEvent`s to an `EventSink`, which owns the seeded generator that picks each
 * event's random grain kind and micro-duration (seed 777 in the reference).
 *
 * Times are timeline seconds (the same clock the frames use); playback speed and the recording's
 * time compression are applied only when events are rendered or scheduled. Not here: which
 * stage calls which generator (sonification.ts) and synthesis (grains.ts, render.ts).
 */
import type { Matrix } from '../transformer/tensor.js';
import type { GrainKind } from './grains.js';
import { RANDOM_KIND_WEIGHTS, RANDOM_KINDS } from './grains.js';
import { Random } from './random.js';

/** One grain to play: when (timeline s), what, how high, how loud, how long. */
export interface SoundEvent {
  /** Timeline seconds from the start of the scene. */
  readonly time: number;
  readonly kind: GrainKind;
  /** Hz. */
  readonly freq: number;
  /** Sweep end frequency (Hz); 0 for other kinds. */
  readonly freqEnd: number;
  /** Linear gain before the processing chain. */
  readonly volume: number;
  readonly durationMs: number;
}

/** Collects events; its generator decides random kinds and micro-durations (spec §10.1.2). */
export class EventSink {
  readonly events: SoundEvent[] = [];
  readonly rng: Random;

  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  /** An event of a random kind (needle .45, click .35, blip .05, burst .05, data tone .10). */
  random(time: number, freq: number, volume: number, durationMs = this.microDuration()): void {
    const kind = RANDOM_KINDS[this.rng.weighted(RANDOM_KIND_WEIGHTS)]!;
    this.events.push({ time, kind, freq, freqEnd: 0, volume, durationMs });
  }

  sweep(time: number, freq: number, freqEnd: number, volume: number, durationMs: number): void {
    this.events.push({ time, kind: 'sweep', freq, freqEnd, volume, durationMs });
  }

  /** Uniform 0.3 – 8.0 ms. */
  microDuration(): number {
    return this.rng.uniform(0.3, 8.0);
  }
}

/** vmax of a matrix = max(max |v|, 0.01) (spec §10.1.2). */
export function vmaxOf(m: Matrix): number {
  let v = 0.01;
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    const a = Math.abs(d[i]!);
    if (a > v) v = a;
  }
  return v;
}

/** Value → frequency: 200 + 4800·min(|v|/vmax, 1) Hz. */
export function valueToFreq(v: number, vmax: number): number {
  return 200 + 4800 * Math.min(Math.abs(v) / vmax, 1);
}

/** Value → volume: lo + (hi − lo)·min(|v|/vmax, 1). */
export function valueToVolume(v: number, vmax: number, lo: number, hi: number): number {
  return lo + (hi - lo) * Math.min(Math.abs(v) / vmax, 1);
}

/** Diagonal delay mirroring the visual wave: (r + c)/max(R + C − 2, 1) × stagger. */
export function diagonalDelay(r: number, c: number, rows: number, cols: number, stagger: number): number {
  return ((r + c) / Math.max(rows + cols - 2, 1)) * stagger;
}

/**
 * One random-kind event per element of m, in anti-diagonal order: at t₀ + d·(delay(stagger) +
 * offset), f and volume (lo–hi) from the element. The shape of appear and softmax.
 */
function elementEvents(
  sink: EventSink, m: Matrix, t0: number, d: number, stagger: number, offset: number, lo: number, hi: number,
): void {
  const vmax = vmaxOf(m);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const v = m.data[r * m.cols + c]!;
      const t = t0 + d * (diagonalDelay(r, c, m.rows, m.cols, stagger) + offset);
      sink.random(t, valueToFreq(v, vmax), valueToVolume(v, vmax, lo, hi));
    }
  }
}

/** appear(M): one event per element at t₀ + d·(delay(0.3) + 0.42), volume 0.06–0.20. */
export function appearEvents(sink: EventSink, m: Matrix, t0: number, d: number): void {
  elementEvents(sink, m, t0, d, 0.3, 0.42, 0.06, 0.2);
}

/**
 * matmul(A, B, C), A m×k, B k×n, C m×n, in the column windows of spec §5.4.4
 * (w = min(3/n, 0.5), stride (1 − w)/(n − 1)): per column a *walk* of B's first four entries
 * down A's rows, then the *emerge* of C's column.
 */
export function matmulEvents(sink: EventSink, a: Matrix, b: Matrix, c: Matrix, t0: number, d: number): void {
  const m = a.rows;
  const k = b.rows;
  const n = b.cols;
  const w = Math.min(3 / n, 0.5);
  const stride = n > 1 ? (1 - w) / (n - 1) : 0;
  const rowDen = Math.max(m - 1, 1);
  const vb = vmaxOf(b);
  const vc = vmaxOf(c);
  const walkers = Math.min(k, 4);
  for (let j = 0; j < n; j++) {
    const cs = j * stride;
    for (let i = 0; i < m; i++) {
      const t = t0 + d * (cs + 0.2 * w + (0.35 * w * i) / rowDen);
      for (let p = 0; p < walkers; p++) {
        const v = b.data[p * n + j]!;
        sink.random(t + 0.002 * p, valueToFreq(v, vb), valueToVolume(v, vb, 0.03, 0.12));
      }
    }
    for (let i = 0; i < m; i++) {
      const u = cs + 0.65 * w + 0.35 * w * ((0.3 * i) / rowDen + 0.4);
      const v = c.data[i * n + j]!;
      sink.random(t0 + d * Math.min(u, cs + w - 0.01), valueToFreq(v, vc), valueToVolume(v, vc, 0.05, 0.18));
    }
  }
}

/** softmax(pre, post): per element at t₀ + d·(delay(0.4) + 0.3); f and volume 0.04–0.15 from post. */
export function softmaxEvents(sink: EventSink, _pre: Matrix, post: Matrix, t0: number, d: number): void {
  elementEvents(sink, post, t0, d, 0.4, 0.3, 0.04, 0.15);
}

/** relu(pre, post): only the elements ReLU kills (post = 0, pre < 0) sound; volume 0.08–0.25 from pre. */
export function reluEvents(sink: EventSink, pre: Matrix, post: Matrix, t0: number, d: number): void {
  const vmax = vmaxOf(pre);
  for (let r = 0; r < pre.rows; r++) {
    for (let c = 0; c < pre.cols; c++) {
      const i = r * pre.cols + c;
      const v = pre.data[i]!;
      if (!(post.data[i] === 0 && v < 0)) continue;
      const t = t0 + d * (diagonalDelay(r, c, pre.rows, pre.cols, 0.4) + 0.3);
      sink.random(t, valueToFreq(v, vmax), valueToVolume(v, vmax, 0.08, 0.25));
    }
  }
}

/** add(A, B, C): per element B at +0.10, A at +0.45, C at +0.65 of the span after delay(0.15). */
export function addEvents(sink: EventSink, a: Matrix, b: Matrix, c: Matrix, t0: number, d: number): void {
  const va = vmaxOf(a);
  const vb = vmaxOf(b);
  const vc = vmaxOf(c);
  for (let r = 0; r < c.rows; r++) {
    for (let col = 0; col < c.cols; col++) {
      const i = r * c.cols + col;
      const delay = diagonalDelay(r, col, c.rows, c.cols, 0.15);
      const x = b.data[i]!;
      sink.random(t0 + d * (delay + 0.1), valueToFreq(x, vb), valueToVolume(x, vb, 0.03, 0.1));
      const y = a.data[i]!;
      sink.random(t0 + d * (delay + 0.45), valueToFreq(y, va), valueToVolume(y, va, 0.02, 0.08));
      const z = c.data[i]!;
      sink.random(t0 + d * (delay + 0.65), valueToFreq(z, vc), valueToVolume(z, vc, 0.04, 0.12));
    }
  }
}

/** layernorm(pre, post): 40 % sweeps f(pre) → f(post), else a random kind at f(pre); volume 0.04–0.14 from post. */
export function layerNormEvents(sink: EventSink, pre: Matrix, post: Matrix, t0: number, d: number): void {
  const vpre = vmaxOf(pre);
  const vpost = vmaxOf(post);
  for (let r = 0; r < pre.rows; r++) {
    for (let c = 0; c < pre.cols; c++) {
      const i = r * pre.cols + c;
      const t = t0 + d * (diagonalDelay(r, c, pre.rows, pre.cols, 0.4) + 0.3);
      const f = valueToFreq(pre.data[i]!, vpre);
      const vol = valueToVolume(post.data[i]!, vpost, 0.04, 0.14);
      if (sink.rng.next() < 0.4) sink.sweep(t, f, valueToFreq(post.data[i]!, vpost), vol, sink.microDuration());
      else sink.random(t, f, vol);
    }
  }
}

/** The row whose prediction matters; −1 (entirely filtered prompt) means the last row (spec §3.2). */
export function predRow(probs: Matrix, predPos: number): number {
  return predPos >= 0 && predPos < probs.rows ? predPos : probs.rows - 1;
}

/** row_select(probs, pred): falling sweeps for the rows that fade, then a scan of row pred. */
export function rowSelectEvents(sink: EventSink, probs: Matrix, predPos: number, t0: number, d: number): void {
  const S = probs.rows;
  const V = probs.cols;
  const pred = predRow(probs, predPos);
  let globalMax = 1e-12;
  for (let i = 0; i < probs.data.length; i++) globalMax = Math.max(globalMax, probs.data[i]!);
  for (let r = 0; r < S; r++) {
    if (r === pred) continue;
    let rowMax = 0;
    for (let c = 0; c < V; c++) rowMax = Math.max(rowMax, probs.data[r * V + c]!);
    const f = 200 + (800 * rowMax) / globalMax;
    sink.sweep(t0 + (0.4 * d * r) / Math.max(S - 1, 1), f, 0.3 * f, 0.06, 4);
  }
  for (let c = 0; c < V; c++) {
    const p = probs.data[pred * V + c]!;
    if (p < 0.003) continue;
    const t = t0 + 0.3 * d + (0.7 * d * c) / Math.max(V - 1, 1);
    sink.random(t, 250 + 4000 * p, 0.04 + 0.22 * p, 1.5 + 8 * p);
  }
}

/** argmax(probs, pred): a left-to-right scan of row pred, one event per p ≥ 0.005. */
export function argmaxEvents(sink: EventSink, probs: Matrix, predPos: number, t0: number, d: number): void {
  const V = probs.cols;
  const pred = predRow(probs, predPos);
  for (let c = 0; c < V; c++) {
    const p = probs.data[pred * V + c]!;
    if (p < 0.005) continue;
    sink.random(t0 + (d * c) / Math.max(V - 1, 1), 300 + 4000 * p, 0.04 + 0.26 * p, 1 + 7 * p);
  }
}
