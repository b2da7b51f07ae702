/**
 * Sound previews (spec §10.3) so a sound designer can audition every sound: one WAV per grain
 * kind (six 80 ms grains at 400 … 1600 Hz, 150 ms apart, 1 s tail, peak 0.85, the reference's
 * `preview_sounds` layout and file names) and, new here, one WAV per event type (appear, matmul,
 * softmax, ReLU, add, LayerNorm, row select, argmax): the generator applied to a small seeded
 * matrix over a 2 s span, rendered through the sonification's processing chain.
 *
 * `grainPreview` / `eventPreview` are pure; `writePreviews` is the thin file-writing shell.
 */
import path from 'node:path';
import type { Matrix } from '../transformer/tensor.js';
import { haasStereo, normalizePeakInPlace, PEAK_FULL } from './chain.js';
import {
  addEvents, appearEvents, argmaxEvents, EventSink, layerNormEvents, matmulEvents, reluEvents,
  rowSelectEvents, softmaxEvents,
} from './events.js';
import type { GrainKind } from './grains.js';
import { addGrain, SAMPLE_RATE } from './grains.js';
import { Random } from './random.js';
import { mixEvents, processInPlace } from './render.js';
import type { SceneSound } from './sonification.js';
import { writeWavFile } from './wav.js';

const GRAIN_N = 3528; // 80 ms
const GAP_N = 6615; // 150 ms
const TAIL_N = SAMPLE_RATE; // 1 s
export const GRAIN_PREVIEW_SAMPLES = 6 * (GRAIN_N + GAP_N) + TAIL_N; // 104,958

export interface GrainPreviewSpec {
  readonly file: string;
  readonly kind: GrainKind;
  /** Second frequency as a multiple of f: data tone's f₂, or the sweep's end. */
  readonly ratio: number;
  /** For the downward sweep: start at ratio·f and end at f. */
  readonly down?: boolean;
}

/** The seven grain previews of the reference. */
export const GRAIN_PREVIEWS: readonly GrainPreviewSpec[] = [
  { file: 'sample_sine_blip.wav', kind: 'sineBlip', ratio: 0 },
  { file: 'sample_click.wav', kind: 'click', ratio: 0 },
  { file: 'sample_needle.wav', kind: 'needle', ratio: 0 },
  { file: 'sample_white_burst.wav', kind: 'whiteBurst', ratio: 0 },
  { file: 'sample_data_tone.wav', kind: 'dataTone', ratio: 1.5 },
  { file: 'sample_freq_sweep_up.wav', kind: 'sweep', ratio: 3 },
  { file: 'sample_freq_sweep_down.wav', kind: 'sweep', ratio: 3, down: true },
];

/** Mono preview of one grain kind: grain i at 800·(0.5 + 0.3i) Hz, × 0.7, normalised to 0.85. */
export function grainPreview(spec: GrainPreviewSpec): Float32Array {
  const out = new Float32Array(GRAIN_PREVIEW_SAMPLES);
  const rng = new Random(42);
  for (let i = 0; i < 6; i++) {
    const f = 800 * (0.5 + 0.3 * i);
    const start = i * (GRAIN_N + GAP_N) + GAP_N;
    const [f0, f1] = spec.down === true ? [f * spec.ratio, f] : [f, f * spec.ratio];
    addGrain(out, start, GRAIN_N, spec.kind, f0, f1, 0.7, rng);
  }
  normalizePeakInPlace(out, PEAK_FULL);
  return out;
}

/** The event types with a preview. */
export const EVENT_TYPES = ['appear', 'matmul', 'softmax', 'relu', 'add', 'layernorm', 'row_select', 'argmax'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const SPAN_S = 2;
const LEAD_S = 0.25;

function seededMatrix(rows: number, cols: number, rng: Random, scale = 1): Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.gauss() * scale;
  return { rows, cols, data };
}

function product(a: Matrix, b: Matrix): Matrix {
  const c = new Float32Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) for (let j = 0; j < b.cols; j++) c[i * b.cols + j]! += a.data[i * a.cols + k]! * b.data[k * b.cols + j]!;
  }
  return { rows: a.rows, cols: b.cols, data: c };
}

function map(m: Matrix, f: (v: number, r: number, c: number) => number): Matrix {
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) data[r * m.cols + c] = f(m.data[r * m.cols + c]!, r, c);
  return { rows: m.rows, cols: m.cols, data };
}

function softmaxRowsOf(m: Matrix): Matrix {
  const out = map(m, (v) => v);
  for (let r = 0; r < m.rows; r++) {
    const row = out.data.subarray(r * m.cols, (r + 1) * m.cols);
    let mx = -Infinity;
    for (const v of row) mx = Math.max(mx, v);
    let sum = 0;
    for (let c = 0; c < row.length; c++) sum += row[c] = Math.exp(row[c]! - mx);
    for (let c = 0; c < row.length; c++) row[c] = row[c]! / sum;
  }
  return out;
}

/** Mono preview of one event generator on seeded 8×8 data (32-wide probabilities for the last two). */
export function eventPreview(type: EventType): Float32Array {
  const rng = new Random(2024);
  const sink = new EventSink(777);
  const a = seededMatrix(8, 8, rng);
  const b = seededMatrix(8, 8, rng, 0.5);
  const t0 = LEAD_S;
  switch (type) {
    case 'appear': appearEvents(sink, a, t0, SPAN_S); break;
    case 'matmul': matmulEvents(sink, a, b, product(a, b), t0, SPAN_S); break;
    case 'softmax': softmaxEvents(sink, a, softmaxRowsOf(a), t0, SPAN_S); break;
    case 'relu': reluEvents(sink, a, map(a, (v) => Math.max(v, 0)), t0, SPAN_S); break;
    case 'add': addEvents(sink, a, b, map(a, (v, r, c) => v + b.data[r * 8 + c]!), t0, SPAN_S); break;
    case 'layernorm': layerNormEvents(sink, a, map(a, (v) => v * 0.8 - 0.1), t0, SPAN_S); break;
    case 'row_select': rowSelectEvents(sink, softmaxRowsOf(seededMatrix(8, 32, rng, 2)), 5, t0, SPAN_S); break;
    case 'argmax': argmaxEvents(sink, softmaxRowsOf(seededMatrix(8, 32, rng, 2)), 5, t0, SPAN_S); break;
  }
  const sound: SceneSound = {
    kind: 'full',
    events: [...sink.events].sort((x, y) => x.time - y.time),
    duration: SPAN_S + 2 * LEAD_S + 0.5,
    peak: PEAK_FULL,
    renderSeed: 42,
  };
  const mono = new Float32Array(Math.floor(sound.duration * SAMPLE_RATE));
  mixEvents(mono, sound, 1);
  processInPlace(mono);
  normalizePeakInPlace(mono, PEAK_FULL);
  return mono;
}

/** Write every preview into `outDir` (created if needed); returns the file paths written. */
export function writePreviews(outDir: string): string[] {
  const written: string[] = [];
  const write = (file: string, mono: Float32Array): void => {
    const left = new Float32Array(mono.length);
    const right = new Float32Array(mono.length);
    haasStereo(mono, left, right, 0, 0); // identical left/right, as the reference's previews
    const p = path.join(outDir, file);
    writeWavFile(p, [left, right]);
    written.push(p);
  };
  for (const spec of GRAIN_PREVIEWS) write(spec.file, grainPreview(spec));
  for (const type of EVENT_TYPES) write(`event_${type}.wav`, eventPreview(type));
  return written;
}
